// What the quantized matrix-product and convolution kernels share
// (FULLY_CONNECTED, BATCH_MATMUL, CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV):
// how an integer sum becomes an output integer on each of LiteRT's code
// paths, and the prepare-time checks of filters and biases.
//
// LiteRT's builtin kernels do not all requantize alike (read in the LiteRT
// mirror at f674577 and ruy at 2af8886); each octet kernel names the path
// its LiteRT counterpart takes:
//   Double      TFLite's MultiplyByQuantizedMultiplier on an int32 sum, double
//               rounding (TFLITE_SINGLE_ROUNDING=0): reference kernels and
//               LiteRT's own loops (BATCH_MATMUL int8, DEPTHWISE_CONV_2D,
//               TRANSPOSE_CONV, grouped CONV_2D).
//   Ruy         products LiteRT hands to cpu_backend_gemm (FULLY_CONNECTED,
//               CONV_2D with one group; int8, and int16 with int32 bias) run
//               in ruy on every platform (cpu_backend_gemm.h,
//               cpu_backend_gemm_x86.h), and ruy applies the multiplier with
//               ONE rounding, ties upward (ruy/apply_multiplier.cc):
//               (x·m + 2^(30−shift)) >> (31−shift).
//   Int64       MultiplyByQuantizedMultiplier's int64 overload (multiplier
//               reduced to Q0.15): int16 kernels with int64 sums and bias.
//   FloatScale  round(sum · s_in·s_w/s_out) in double, half away from zero:
//               LiteRT's int16 FULLY_CONNECTED with int64 bias (the reference
//               kernel "does requant in float" since April 2025). The one
//               place eval does double arithmetic per element: the runtime
//               does, and bit-exactness means doing the same.
#pragma once

#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

#include "kernels/int_gemm.h"
#include "kernels/quant_math.h"

namespace octet::kernels {

enum class Rounding { Double, Ruy, Int64, FloatScale };

// ruy's MultiplyByQuantizedMultiplier (shift in [-31, 7], checked at prepare).
inline int32_t ruy_multiply_by_quantized_multiplier(int32_t x, Multiplier m) {
  const int total_shift = 31 - m.shift;
  const int64_t round = int64_t{1} << (total_shift - 1);
  return static_cast<int32_t>((int64_t{x} * m.value + round) >> total_shift);
}

// LiteRT casts round(acc · scale) to int32 unchecked; octet saturates.
inline int32_t float_scale_round(int64_t acc, double scale) {
  const double v = std::round(static_cast<double>(acc) * scale);
  if (v >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  if (v <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

// int32 arithmetic that wraps as the runtime's does (no signed overflow UB).
inline int32_t wrapping_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t wrapping_mul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

// Sum → output integer for one op: multipliers (and, for FloatScale, real
// scales) per output channel, the output zero point and the clamp of the
// fused activation.
struct OutputStage {
  Rounding rounding = Rounding::Double;
  std::vector<Multiplier> multipliers;
  std::vector<double> scales;
  int32_t zero_point = 0;
  IntRange clamp;

  // `acc` holds an int32 sum (wrapped) for Double and Ruy, an int64 one for
  // Int64 and FloatScale.
  template <Rounding R>
  int32_t apply(int64_t acc, size_t channel) const {
    int32_t v = 0;
    if constexpr (R == Rounding::Double)
      v = multiply_by_quantized_multiplier(static_cast<int32_t>(acc), multipliers[channel]);
    else if constexpr (R == Rounding::Ruy)
      v = ruy_multiply_by_quantized_multiplier(static_cast<int32_t>(acc), multipliers[channel]);
    else if constexpr (R == Rounding::Int64)
      v = multiply_by_quantized_multiplier(acc, multipliers[channel]);
    else
      v = float_scale_round(acc, scales[channel]);
    return clamp_to(wrapping_add(v, zero_point), clamp);
  }
  int32_t apply(int64_t acc, size_t channel) const {
    switch (rounding) {
      case Rounding::Double: return apply<Rounding::Double>(acc, channel);
      case Rounding::Ruy: return apply<Rounding::Ruy>(acc, channel);
      case Rounding::Int64: return apply<Rounding::Int64>(acc, channel);
      case Rounding::FloatScale: return apply<Rounding::FloatScale>(acc, channel);
    }
    return 0;
  }
};

// out[r, c] = stage(acc[r, c] + offset[c]) over a block of rows, channels
// c0.. of the output; int32 sums (Double or Ruy). The rounding is chosen
// once per block, not per element.
template <class Out>
void requantize_rows(const OutputStage& stage, const int32_t* acc, int64_t ld_acc, int64_t rows,
                     int32_t cols, const int32_t* offset, int32_t c0, Out* out, int64_t ld_out) {
  auto run = [&]<Rounding R>() {
    for (int64_t r = 0; r < rows; ++r) {
      const int32_t* a = acc + r * ld_acc;
      Out* o = out + r * ld_out;
      for (int32_t c = 0; c < cols; ++c)
        o[c] = static_cast<Out>(
            stage.apply<R>(wrapping_add(a[c], offset[c]), static_cast<size_t>(c0 + c)));
    }
  };
  if (stage.rounding == Rounding::Ruy) run.template operator()<Rounding::Ruy>();
  else run.template operator()<Rounding::Double>();
}

// The filter of a convolution-like op: int8, symmetric, one scale or one per
// output channel on `channel_axis`. Fills the stage's multipliers
// (input·filter[c]/output, as PopulateConvolutionQuantizationParams) and,
// for FloatScale, its real scales.
void prepare_filter_quant(const PrepareContext& ctx, const TensorView& filter, float input_scale,
                          int32_t channels, int32_t channel_axis, float output_scale,
                          OutputStage& stage);

// Refuses a multiplier whose shift leaves the range LiteRT's requantization
// assumes ([-31, 7]: a real multiplier of 128 or more).
void expect_multiplier_range(const PrepareContext& ctx, const OutputStage& stage,
                             float input_scale, float output_scale);

// An optional bias (absent: nothing checked): one of the `allowed` dtypes,
// `channels` elements, zero point 0.
void check_bias(const PrepareContext& ctx, const TensorView& bias, int32_t channels,
                std::initializer_list<DType> allowed);

// The output stage's zero point and activation clamp.
void prepare_output(const PrepareContext& ctx, const TensorView& output, Activation activation,
                    OutputStage& stage);

// Reserves a PackedInt8's storage for n x k (by packing zeros), so that
// packing a non-constant operand at eval does not allocate.
void reserve_packed(int32_t n, int32_t k, PackedInt8& packed);

// Per-output-channel int32 terms added to a product's sums: bias[c] −
// input_zero_point · Σ_k w[c, k] (the zero-point fold of int_gemm.h).
void fold_bias(const int32_t* bias, int32_t input_zero_point, const PackedInt8& packed,
               int32_t* offset);

}  // namespace octet::kernels
