#include "kernels/linear_quantized.h"

#include <fmt/ranges.h>

#include "kernels/common.h"

namespace octet::kernels {

void prepare_filter_quant(const PrepareContext& ctx, const TensorView& filter, float input_scale,
                          int32_t channels, int32_t channel_axis, float output_scale,
                          OutputStage& stage) {
  if (filter.dtype != DType::Int8)
    ctx.fail("filter tensor {} '{}' is {}; octet's quantized kernels take int8 filters",
             filter.index, filter.name(), dtype_name(filter.dtype));
  stage.multipliers =
      channel_multipliers(ctx, input_scale, filter, channels, channel_axis, output_scale);
  stage.scales.assign(static_cast<size_t>(channels), 0.0);
  const std::vector<float>& s = filter.quant->scale;
  for (int32_t c = 0; c < channels; ++c)
    stage.scales[static_cast<size_t>(c)] =
        static_cast<double>(input_scale) * static_cast<double>(s.size() > 1 ? s[c] : s[0]) /
        static_cast<double>(output_scale);
}

void expect_multiplier_range(const PrepareContext& ctx, const OutputStage& stage,
                             float input_scale, float output_scale) {
  for (size_t c = 0; c < stage.multipliers.size(); ++c)
    if (stage.multipliers[c].shift > 7)
      ctx.fail("channel {}: input scale {} x filter scale / output scale {} is {}, 128 or more; "
               "LiteRT's requantization assumes a multiplier below 2^7", c, input_scale,
               output_scale, c < stage.scales.size() ? stage.scales[c] : 0.0);
}

void check_bias(const PrepareContext& ctx, const TensorView& bias, int32_t channels,
                std::initializer_list<DType> allowed) {
  if (!bias.present()) return;
  bool ok = false;
  std::vector<std::string_view> names;
  for (DType d : allowed) {
    ok = ok || bias.dtype == d;
    names.push_back(dtype_name(d));
  }
  if (!ok)
    ctx.fail("bias tensor {} '{}' is {}, expected {}", bias.index, bias.name(),
             dtype_name(bias.dtype), fmt::join(names, " or "));
  if (bias.num_elements() != channels)
    ctx.fail("bias tensor {} '{}' has {} elements, expected {} (output channels)", bias.index,
             bias.name(), bias.num_elements(), channels);
  if (bias.quant != nullptr)
    for (int64_t zp : bias.quant->zero_point)
      if (zp != 0)
        ctx.fail("bias tensor {} '{}' has zero point {}, expected 0", bias.index, bias.name(), zp);
}

void prepare_output(const PrepareContext& ctx, const TensorView& output, Activation activation,
                    OutputStage& stage) {
  expect_clamp_activation(ctx, activation);
  const TensorQuant q = per_tensor_quant(ctx, output, "output");
  stage.zero_point = q.zero_point;
  stage.clamp = activation_range_quantized(activation, output.dtype, q.scale, q.zero_point);
}

void reserve_packed(int32_t n, int32_t k, PackedInt8& packed) {
  const std::vector<int8_t> zeros(static_cast<size_t>(n) * static_cast<size_t>(k), 0);
  pack_int8(zeros.data(), k, n, k, packed);
}

void fold_bias(const int32_t* bias, int32_t input_zero_point, const PackedInt8& packed,
               int32_t* offset) {
  for (int32_t c = 0; c < packed.n; ++c)
    offset[c] = wrapping_add(bias != nullptr ? bias[c] : 0,
                             wrapping_mul(-input_zero_point, packed.row_sums[static_cast<size_t>(c)]));
}

}  // namespace octet::kernels
