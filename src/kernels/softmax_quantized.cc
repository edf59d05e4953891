// Quantized SOFTMAX and LOG_SOFTMAX over the last axis, computing the
// integers of LiteRT's builtin kernels (tflite/kernels/activations.cc,
// generic optimized registrations):
//  - SOFTMAX int8 → int8 and int8 → int16 (optimized_ops::Softmax): a
//    float table e[d] = expf(−input_scale·beta·d) for the 256 possible
//    distances d = max − x from the row's maximum; per row the sum of
//    e[d] in float, in order; each output round(e[d] / (sum·output_scale))
//    + zero point;
//  - SOFTMAX int16 → int16 (reference_ops::SoftmaxInt16): x − max rescaled
//    so that [−65535, 0] spans [−10, 0], exp through an interpolated int16
//    table, the int32 sum normalised and inverted through a 1/(1+x) table,
//    each exp times that reciprocal with a rounding shift. Both tables in
//    double, as the runtime builds them;
//  - LOG_SOFTMAX int8 (optimized_ops::LogSoftmax): the same float exp
//    table at beta 1, log of the sum in float, rint.
// Output quantizations are checked as LiteRT's Prepare checks them:
// int8 SOFTMAX scale 1/256 (to 0.1%) and zero point −128; int16 SOFTMAX
// 1/32768 (to 0.1%) and 0; int8 → int16 SOFTMAX none; LOG_SOFTMAX
// exactly 16/256 and 127.
#include <array>
#include <bit>
#include <cmath>

#include "kernels/elementwise.h"
#include "kernels/lut.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

// PopulateSoftmaxLookupTable, indexed by distance from the row maximum.
std::array<float, 256> exp_of_distance(float input_scale, float beta) {
  std::array<float, 256> table{};
  const float scale = -input_scale * beta;
  for (int32_t d = 0; d < 256; ++d) table[static_cast<size_t>(d)] = std::exp(scale * static_cast<float>(d));
  return table;
}

int32_t wrapping_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// A row's maximum and its exp-sum, as the float kernels accumulate it.
template <class In>
float row_sum(const In* x, int64_t depth, const std::array<float, 256>& e, int32_t* max_out) {
  int32_t max = -128;
  for (int64_t j = 0; j < depth; ++j) max = std::max<int32_t>(max, x[j]);
  float sum = 0.0f;
  for (int64_t j = 0; j < depth; ++j) sum += e[static_cast<size_t>(max - x[j])];
  *max_out = max;
  return sum;
}

class QuantizedSoftmaxKernel final : public Kernel {
 public:
  explicit QuantizedSoftmaxKernel(const Op& op) : log_(op.code.builtin == BuiltinOp::LogSoftmax) {
    if (!log_) beta_ = op.options.get_or_default<opt::Softmax>().beta;
  }

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    const std::string_view op = log_ ? "LOG_SOFTMAX" : "SOFTMAX";
    if (in.dtype != DType::Int8 && !(in.dtype == DType::Int16 && !log_))
      ctx.fail("input tensor {} '{}' is {}; quantized {} takes {}", in.index, in.name(),
               dtype_name(in.dtype), op, log_ ? "int8" : "int8 or int16");
    const bool int8_to_int16 = !log_ && in.dtype == DType::Int8 && out.dtype == DType::Int16;
    if (!int8_to_int16) expect_same_dtype(ctx, out, "output", in, "input");
    if (in.rank() < 1)
      ctx.fail("input tensor {} '{}' has rank 0; {} needs an axis to normalise over", in.index,
               in.name(), op);
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qo = output_quant(ctx, out, int8_to_int16);
    in_ = in.dtype;
    out_ = out.dtype;
    depth_ = in.dim(in.rank() - 1);
    out_scale_ = qo.scale;
    out_zero_point_ = qo.zero_point;
    location_ = ctx.location();
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});

    if (log_) {
      expect_exact(ctx, out, qo, 16.0 / 256, "16/256", 127);
      exp_ = exp_of_distance(qi.scale, 1.0f);
      in_scale_ = qi.scale;
    } else if (in_ == DType::Int8) {
      if (out_ == DType::Int8) expect_near(ctx, out, qo, 1.f / 256, "1/256", -128);
      exp_ = exp_of_distance(qi.scale, beta_);
    } else {
      expect_near(ctx, out, qo, 1.f / 32768, "1/32768", 0);
      prepare_int16(qi.scale);
    }
  }

  void eval(const EvalContext& ctx) override {
    if (depth_ == 0) return;
    const int64_t rows = ctx.inputs[0].num_elements() / depth_;
    const std::byte* in = ctx.inputs[0].data;
    std::byte* out = ctx.outputs[0].data;
    int64_t overflowing_rows = 0;  // exceptions may not leave the parallel loop
#pragma omp parallel for schedule(static) reduction(+ : overflowing_rows) if (rows * depth_ >= kParallelMinElements)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t at = r * depth_;
      if (log_) {
        log_softmax_row(reinterpret_cast<const int8_t*>(in) + at, reinterpret_cast<int8_t*>(out) + at);
      } else if (in_ == DType::Int16) {
        if (!softmax_int16_row(reinterpret_cast<const int16_t*>(in) + at, reinterpret_cast<int16_t*>(out) + at))
          ++overflowing_rows;
      } else if (out_ == DType::Int8) {
        softmax_row(reinterpret_cast<const int8_t*>(in) + at, reinterpret_cast<int8_t*>(out) + at);
      } else {
        softmax_row(reinterpret_cast<const int8_t*>(in) + at, reinterpret_cast<int16_t*>(out) + at);
      }
    }
    if (overflowing_rows > 0)
      throw Error(fmt::format("{}: int16 SOFTMAX: in {} row(s) of {} values the exponentials sum past "
                              "int32, where LiteRT's kernel is undefined", location_, overflowing_rows, depth_));
  }

 private:
  // int8 → int16 SOFTMAX has no fixed output quantization in LiteRT, not
  // even a zero point of 0 (older converters wrote 1/65536 and −32768), so
  // the int16-is-symmetric rule of per_tensor_quant gives way there.
  static TensorQuant output_quant(const PrepareContext& ctx, const TensorView& out, bool any_zero_point) {
    const QuantParams* q = out.quant;
    const int64_t zp = q == nullptr || q->zero_point.empty() ? 0 : q->zero_point[0];
    if (!any_zero_point || zp == 0 || q->scale.size() != 1) return per_tensor_quant(ctx, out, "output");
    const float scale = q->scale[0];
    if (!(scale > 0.f) || !std::isfinite(scale) || zp < -32768 || zp > 32767)
      ctx.fail("output tensor {} '{}' has scale {} and zero point {}, expected a finite scale > 0 "
               "and a zero point in int16's range", out.index, out.name(), scale, zp);
    return {scale, static_cast<int32_t>(zp)};
  }

  void expect_near(const PrepareContext& ctx, const TensorView& t, TensorQuant q, float expected,
                   std::string_view spelled, int32_t zero_point) const {
    const float delta = q.scale > expected ? q.scale - expected : expected - q.scale;
    if (delta > 0.001f * expected || q.zero_point != zero_point)
      ctx.fail("output tensor {} '{}' has scale {} and zero point {}; {} SOFTMAX needs scale {} "
               "(within 0.1%) and zero point {}, as LiteRT requires", t.index, t.name(), q.scale,
               q.zero_point, dtype_name(out_), spelled, zero_point);
  }

  static void expect_exact(const PrepareContext& ctx, const TensorView& t, TensorQuant q,
                           double expected, std::string_view spelled, int32_t zero_point) {
    if (static_cast<double>(q.scale) != expected || q.zero_point != zero_point)
      ctx.fail("output tensor {} '{}' has scale {} and zero point {}; int8 LOG_SOFTMAX needs "
               "exactly scale {} and zero point {}, as LiteRT requires", t.index, t.name(), q.scale,
               q.zero_point, spelled, zero_point);
  }

  // SoftmaxPrepare for int16: exp on [−10, 0] and 1/(1+x) on [0, 1], both
  // over the whole int16 range with output range [−1, 1]; the input
  // multiplier maps a difference of 65535 (scaled by beta) to −10.
  void prepare_int16(float input_scale) {
    constexpr double kRange = 65535.0;
    exp_lut_ = populate_int16_lut<double>(10.0 / kRange, 32767, 2.0 / kRange, 0,
                                          [](double x) { return std::exp(x); });
    one_over_one_plus_x_lut_ = populate_int16_lut<double>(
        1.0 / kRange, -32768, 2.0 / kRange, 0, [](double x) { return 1.0 / (1.0 + x); });
    const float input_scale_beta = input_scale * beta_;
    input_multiplier_ = quantize_multiplier(static_cast<double>(input_scale_beta) / (10.0 / 65535.0));
  }

  template <class Out>
  void softmax_row(const int8_t* x, Out* y) const {
    int32_t max = 0;
    const float sum = row_sum(x, depth_, exp_, &max);
    const float inv_sum = 1.0f / (sum * out_scale_);
    for (int64_t j = 0; j < depth_; ++j) {
      const float p = exp_[static_cast<size_t>(max - x[j])] * inv_sum;
      const int32_t q = wrapping_add(saturating_to_int32(std::round(p)), out_zero_point_);
      y[j] = static_cast<Out>(std::clamp<int32_t>(q, std::numeric_limits<Out>::min(),
                                                  std::numeric_limits<Out>::max()));
    }
  }

  void log_softmax_row(const int8_t* x, int8_t* y) const {
    int32_t max = 0;
    const float log_sum = std::log(row_sum(x, depth_, exp_, &max));
    // (input_scale·(x − max) − log_sum) / output_scale, folded as the runtime folds it.
    const float scale = in_scale_ / out_scale_;
    const float precomputed = (in_scale_ * static_cast<float>(max) + log_sum) / out_scale_;
    for (int64_t j = 0; j < depth_; ++j) {
      const float log_prob = scale * static_cast<float>(x[j]) - precomputed;
      const int32_t q = saturating_to_int32(std::rint(log_prob) + static_cast<float>(out_zero_point_));
      y[j] = static_cast<int8_t>(std::clamp<int32_t>(q, -128, 127));
    }
  }

  // False when the row's exponentials overflow the runtime's int32 sum
  // (rows longer than 65537 can), where LiteRT's result is undefined.
  bool softmax_int16_row(const int16_t* x, int16_t* y) const {
    int16_t max = std::numeric_limits<int16_t>::min();
    for (int64_t c = 0; c < depth_; ++c) max = std::max(max, x[c]);
    // exp(x − max) in Q0.15, kept in the output row; their sum in Q16.15.
    int64_t wide_sum = 0;
    for (int64_t c = 0; c < depth_; ++c) {
      const int32_t scaled = multiply_by_quantized_multiplier(int32_t{x[c]} - max, input_multiplier_);
      const auto centred = static_cast<int16_t>(std::clamp<int32_t>(scaled + 32767, -32768, 32767));
      y[c] = lut_lookup(centred, exp_lut_);
      wide_sum += y[c];
    }
    if (wide_sum > std::numeric_limits<int32_t>::max()) return false;
    const auto sum = static_cast<int32_t>(wide_sum);
    // 1/sum: the sum normalised to [1, 2) in Q1.14-ish, recentred for the
    // symmetric 1/(1+x) table.
    const int headroom_plus_one = std::countl_zero(static_cast<uint32_t>(sum));
    const auto shifted_sum =
        static_cast<int32_t>(((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    const int32_t centred_sum = shifted_sum - ((1 << 15) + (1 << 16));
    const int16_t reciprocal = lut_lookup(
        static_cast<int16_t>(std::clamp<int32_t>(centred_sum, -32768, 32767)), one_over_one_plus_x_lut_);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int64_t c = 0; c < depth_; ++c) {
      const auto result = static_cast<int32_t>((int64_t{y[c]} * reciprocal + round) >> right_shift);
      y[c] = static_cast<int16_t>(std::clamp<int32_t>(result, 0, 32767));
    }
    return true;
  }

  bool log_;
  float beta_ = 1.0f;
  DType in_ = DType::Int8, out_ = DType::Int8;
  int64_t depth_ = 1;
  float in_scale_ = 1.f, out_scale_ = 1.f;
  int32_t out_zero_point_ = 0;
  std::array<float, 256> exp_{};
  Int16Lut exp_lut_{}, one_over_one_plus_x_lut_{};
  Multiplier input_multiplier_;
  std::string location_;
};

}  // namespace

void register_softmax_quantized(Registry& r) {
  r.add(BuiltinOp::Softmax, make_kernel<QuantizedSoftmaxKernel>, Arithmetic::Integer);
  r.add(BuiltinOp::LogSoftmax, make_kernel<QuantizedSoftmaxKernel>, Arithmetic::Integer);
}

}  // namespace octet::kernels
