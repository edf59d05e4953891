// MEAN, SUM, REDUCE_MAX, REDUCE_MIN and REDUCE_PROD on int8 and int16
// tensors, with the integers of LiteRT's builtin kernels (tflite/kernels/
// reduce.cc, which registers the optimized variants). Each op rescales in
// its own way, and octet keeps each one:
//
// MEAN, int8, keep_dims, rank 4, axes exactly {1, 2} (global average pool):
//   optimized_integer_ops::Mean. Float prepare: bias = out_zp −
//   trunc(in_zp·s_in/s_out ± 0.5), multiplier = s_in / (H·W·s_out); then
//   out = MBQM(Σq, multiplier) + bias (the sum keeps the input zero point).
// MEAN otherwise (and int16): reference_ops::QuantizedMeanOrSum.
//   multiplier = s_in/s_out, with 1/n folded in as an integer division:
//   shift = min(floor(log2 n), 32, 31 + exponent), m' = (m << shift) / n;
//   out = MBQM(Σq − n·zp_in, m', exponent − shift) + zp_out.
// SUM: optimized_ops::QuantizedMeanOrSum, in float:
//   out = round(float(Σq)·s + bias) + zp_out, s = s_in/s_out (float),
//   bias = −zp_in·s·n.
// REDUCE_MAX / REDUCE_MIN: no rescaling; LiteRT requires equal input and
//   output parameters.
// REDUCE_PROD: each step rescaled to stay in int32:
//   p = q0 − zp, p = MBQM64(p·(qk − zp), m) for the next elements in memory
//   order, out = MBQM64(p, m) + zp_out with m = s_in / s_out^(1/n) (double).
//   No axes: a byte copy.
//
// All clamp to the dtype's range (no fused activation).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/movement.h"
#include "kernels/quant_math.h"
#include "kernels/reduce_plan.h"

namespace octet::kernels {
namespace {

enum class ReduceKind { Mean, Sum, Max, Min, Prod };

// How a MEAN or SUM turns the int32 sum into the output.
enum class Rescale {
  MeanGlobalPool,  // optimized int8 4-D mean over H, W
  MeanReference,   // reference QuantizedMeanOrSum
  SumFloat,        // optimized QuantizedMeanOrSum, compute_sum
};

// Marks a product slot that has not seen its first element (products are
// int32 values, so an int64 sentinel cannot collide).
constexpr int64_t kUnset = std::numeric_limits<int64_t>::min();

class QuantizedReduce : public Kernel {
 public:
  QuantizedReduce(const Op& op, ReduceKind kind)
      : kind_(kind), keep_dims_(op.options.get_or_default<opt::Reducer>().keep_dims) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    expect_integer_activation(ctx, in, "input");
    expect_same_dtype(ctx, out, "output", in, "input");
    ctx.expect_dtype(ctx.input(1), DType::Int32, "axes");  // LiteRT takes int32 axes only
    const TensorQuant in_q = per_tensor_quant(ctx, in, "input");
    const TensorQuant out_q = per_tensor_quant(ctx, out, "output");
    in_zp_ = in_q.zero_point;
    out_zp_ = out_q.zero_point;
    plan_ = make_reduce_plan(ctx, in, 1, keep_dims_);
    const int64_t n = plan_.per_output;
    switch (kind_) {
      case ReduceKind::Mean:
        if (in.dtype == DType::Int8 && keep_dims_ && in.rank() == 4 && plan_.num_axes == 2 &&
            std::min(plan_.axes[0], plan_.axes[1]) == 1 &&
            std::max(plan_.axes[0], plan_.axes[1]) == 2) {
          prepare_global_pool(in, in_q, out_q);
        } else {
          prepare_reference_mean(in_q, out_q, n);
        }
        break;
      case ReduceKind::Sum:
        rescale_ = Rescale::SumFloat;
        sum_scale_ = in_q.scale / out_q.scale;
        sum_bias_ = static_cast<float>(-in_zp_) * sum_scale_ * static_cast<float>(n);
        break;
      case ReduceKind::Max:
      case ReduceKind::Min:
        if (in_q.scale != out_q.scale || in_q.zero_point != out_q.zero_point)
          ctx.fail(
              "input tensor {} '{}' (scale {}, zero point {}) and output tensor {} '{}' (scale "
              "{}, zero point {}) differ; {} does not requantize (LiteRT requires equal "
              "parameters)",
              in.index, in.name(), in_q.scale, in_q.zero_point, out.index, out.name(),
              out_q.scale, out_q.zero_point, kind_ == ReduceKind::Max ? "REDUCE_MAX" : "REDUCE_MIN");
        break;
      case ReduceKind::Prod:
        if (plan_.in_count != 0 && plan_.out_count != 0) {
          // GetQuantProdScaling: the n-th root spreads 1/s_out over the n steps.
          const int64_t reduced = plan_.in_count / plan_.out_count;
          const double scaling = static_cast<double>(in_q.scale) /
                                 std::pow(static_cast<double>(out_q.scale), 1.0 / static_cast<double>(reduced));
          multiplier_ = quantize_multiplier(scaling);
          // The int64 MultiplyByQuantizedMultiplier shifts right by 15 − shift.
          if (multiplier_.shift >= 15)
            ctx.fail(
                "REDUCE_PROD scaling s_in / s_out^(1/{}) = {} is too large for the runtime's "
                "integer product (input scale {}, output scale {})",
                reduced, scaling, in_q.scale, out_q.scale);
        }
        ctx.request_scratch(static_cast<size_t>(plan_.out_count) * sizeof(int64_t));
        break;
    }
    if (kind_ == ReduceKind::Mean || kind_ == ReduceKind::Sum)
      ctx.request_scratch(static_cast<size_t>(plan_.out_count) * sizeof(int32_t));
    ctx.set_output_shape(0, plan_.out_shape);
  }

  void eval(const EvalContext& ctx) override {
    if (ctx.inputs[0].dtype == DType::Int8)
      run(ctx.inputs[0].data_as<const int8_t>(), ctx.outputs[0].data_as<int8_t>(), ctx);
    else
      run(ctx.inputs[0].data_as<const int16_t>(), ctx.outputs[0].data_as<int16_t>(), ctx);
  }

 private:
  // optimized_integer_ops::Mean's prepare, in float as the runtime does it.
  void prepare_global_pool(const TensorView& in, TensorQuant in_q, TensorQuant out_q) {
    rescale_ = Rescale::MeanGlobalPool;
    const float count = static_cast<float>(in.dim(1) * in.dim(2));
    float temp = static_cast<float>(in_q.zero_point) * in_q.scale / out_q.scale;
    temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
    pool_bias_ = out_q.zero_point - static_cast<int32_t>(temp);
    const float real_scale = in_q.scale / (count * out_q.scale);
    multiplier_ = quantize_multiplier(static_cast<double>(real_scale));
  }

  // reference_ops::QuantizedMeanOrSum's rescaling with 1/n folded in.
  void prepare_reference_mean(TensorQuant in_q, TensorQuant out_q, int64_t n) {
    rescale_ = Rescale::MeanReference;
    Multiplier m = quantize_multiplier(static_cast<double>(in_q.scale) /
                                       static_cast<double>(out_q.scale));
    if (n > 0) {
      int shift = 63 - std::countl_zero(static_cast<uint64_t>(n));
      shift = std::min(shift, 32);
      shift = std::min(shift, 31 + m.shift);
      m.value = static_cast<int32_t>((static_cast<int64_t>(m.value) << shift) / n);
      m.shift -= shift;
    }
    multiplier_ = m;
  }

  template <class T>
  void run(const T* in, T* out, const EvalContext& ctx) const {
    constexpr IntRange range{std::numeric_limits<T>::min(), std::numeric_limits<T>::max()};
    const int64_t n_out = plan_.out_count;
    switch (kind_) {
      case ReduceKind::Max:
        std::fill(out, out + n_out, std::numeric_limits<T>::lowest());
        return fold(plan_, in, out, [](T cur, T v) { return v > cur ? v : cur; });
      case ReduceKind::Min:
        std::fill(out, out + n_out, std::numeric_limits<T>::max());
        return fold(plan_, in, out, [](T cur, T v) { return v < cur ? v : cur; });
      case ReduceKind::Prod:
        return product(in, out, ctx);
      case ReduceKind::Mean:
      case ReduceKind::Sum:
        break;
    }
    if (plan_.in_count == 0) {
      // LiteRT: an empty MEAN writes T() (its "NaN" for integers); an empty
      // SUM leaves the output unwritten, where octet writes the zero point.
      std::fill(out, out + n_out, static_cast<T>(kind_ == ReduceKind::Mean ? 0 : out_zp_));
      return;
    }
    int32_t* sum = reinterpret_cast<int32_t*>(ctx.scratch.data());
    std::fill(sum, sum + n_out, 0);
    fold(plan_, in, sum, [](int32_t acc, T v) {
      return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(int32_t{v}));
    });
    const int64_t n = plan_.per_output;
    for (int64_t k = 0; k < n_out; ++k) {
      int32_t v = 0;
      switch (rescale_) {
        case Rescale::MeanGlobalPool:
          v = multiply_by_quantized_multiplier(sum[k], multiplier_) + pool_bias_;
          break;
        case Rescale::MeanReference: {
          const auto shifted = static_cast<int32_t>(int64_t{sum[k]} - int64_t{in_zp_} * n);
          v = multiply_by_quantized_multiplier(shifted, multiplier_) + out_zp_;
          break;
        }
        case Rescale::SumFloat:
          v = round_to_int32(static_cast<float>(sum[k]) * sum_scale_ + sum_bias_) + out_zp_;
          break;
      }
      out[k] = static_cast<T>(clamp_to(v, range));
    }
  }

  template <class T>
  void product(const T* in, T* out, const EvalContext& ctx) const {
    constexpr IntRange range{std::numeric_limits<T>::min(), std::numeric_limits<T>::max()};
    const int64_t n_out = plan_.out_count;
    if (plan_.num_axes == 0) {  // LiteRT's ReduceIsCopy: no rescaling at all
      copy_bytes(reinterpret_cast<std::byte*>(out), reinterpret_cast<const std::byte*>(in),
                 static_cast<size_t>(plan_.in_count) * sizeof(T));
      return;
    }
    if (plan_.in_count == 0) {  // LiteRT leaves the output unwritten
      std::fill(out, out + n_out, static_cast<T>(out_zp_));
      return;
    }
    int64_t* prod = reinterpret_cast<int64_t*>(ctx.scratch.data());
    std::fill(prod, prod + n_out, kUnset);
    const int32_t zp = in_zp_;
    const Multiplier m = multiplier_;
    fold(plan_, in, prod, [zp, m](int64_t acc, T v) -> int64_t {
      const int32_t centred = int32_t{v} - zp;
      if (acc == kUnset) return centred;
      return multiply_by_quantized_multiplier(acc * centred, m);
    });
    for (int64_t k = 0; k < n_out; ++k) {
      const int32_t v = multiply_by_quantized_multiplier(prod[k], m) + out_zp_;
      out[k] = static_cast<T>(clamp_to(v, range));
    }
  }

  // TfLiteRound then a cast to int32; values beyond int32 saturate (the
  // runtime's cast is undefined there; int8/int16 sums cannot reach it
  // unless the scale ratio is extreme).
  static int32_t round_to_int32(float x) {
    const float r = std::round(x);
    if (!(r >= -2147483648.f)) return std::numeric_limits<int32_t>::min();
    if (!(r < 2147483648.f)) return std::numeric_limits<int32_t>::max();
    return static_cast<int32_t>(r);
  }

  ReduceKind kind_;
  bool keep_dims_;
  ReducePlan plan_;
  Rescale rescale_ = Rescale::MeanReference;
  Multiplier multiplier_;
  int32_t in_zp_ = 0, out_zp_ = 0, pool_bias_ = 0;
  float sum_scale_ = 1.f, sum_bias_ = 0.f;
};

template <ReduceKind K>
std::unique_ptr<Kernel> make_quantized_reduce(const Op& op) {
  return std::make_unique<QuantizedReduce>(op, K);
}

}  // namespace

void register_reduce_quantized(Registry& r) {
  r.add(BuiltinOp::Mean, make_quantized_reduce<ReduceKind::Mean>, Arithmetic::Integer);
  r.add(BuiltinOp::Sum, make_quantized_reduce<ReduceKind::Sum>, Arithmetic::Integer);
  r.add(BuiltinOp::ReduceMax, make_quantized_reduce<ReduceKind::Max>, Arithmetic::Integer);
  r.add(BuiltinOp::ReduceMin, make_quantized_reduce<ReduceKind::Min>, Arithmetic::Integer);
  r.add(BuiltinOp::ReduceProd, make_quantized_reduce<ReduceKind::Prod>, Arithmetic::Integer);
}

}  // namespace octet::kernels
