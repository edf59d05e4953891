#include "kernels/lut.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace octet::kernels {

int32_t saturating_to_int32(double value) {
  if (std::isnan(value)) return 0;
  if (value <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  if (value >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(value);
}

Int8Lut populate_int8_lut(float input_scale, int32_t input_zero_point, float output_scale,
                          int32_t output_zero_point, const std::function<float(float)>& transform) {
  Int8Lut lut;
  // Every step in float, in the runtime's order: 1/scale once, then a
  // product, not a division, per entry.
  const float inverse_scale = 1 / output_scale;
  for (int32_t q = -128; q <= 127; ++q) {
    const float dequantized = input_scale * static_cast<float>(q - input_zero_point);
    const float transformed = transform(dequantized);
    const float rescaled = std::round(transformed * inverse_scale);
    const int32_t quantized = saturating_to_int32(rescaled + static_cast<float>(output_zero_point));
    lut.values[static_cast<uint8_t>(static_cast<int8_t>(q))] =
        static_cast<int8_t>(std::clamp<int32_t>(quantized, -128, 127));
  }
  return lut;
}

// A clamped sample as the runtime narrows it: std::max then std::min with
// the table bounds (a NaN passes both) and a float → int16 conversion, which
// in wasm goes through a saturating int32 conversion (NaN → 0).
template <class FloatT>
static int16_t narrow_sample(FloatT value) {
  const FloatT lo = static_cast<FloatT>(std::numeric_limits<int16_t>::min());
  const FloatT hi = static_cast<FloatT>(std::numeric_limits<int16_t>::max());
  return static_cast<int16_t>(saturating_to_int32(std::min<FloatT>(std::max<FloatT>(value, lo), hi)));
}

template <class FloatT>
Int16Lut populate_int16_lut(FloatT input_scale, int32_t input_zero_point, FloatT output_scale,
                            int32_t output_zero_point,
                            const std::function<FloatT(FloatT)>& transform) {
  constexpr int32_t kMin = std::numeric_limits<int16_t>::min();
  constexpr int32_t kMax = std::numeric_limits<int16_t>::max();
  const FloatT input_min = input_scale * static_cast<FloatT>(kMin - input_zero_point);
  const FloatT input_max = input_scale * static_cast<FloatT>(kMax - input_zero_point);
  const FloatT output_min = output_scale * static_cast<FloatT>(kMin - output_zero_point);
  const FloatT output_max = output_scale * static_cast<FloatT>(kMax - output_zero_point);

  constexpr int kSteps = 512;
  const FloatT step = (input_max - input_min) / static_cast<FloatT>(kSteps);
  const FloatT half_step = step / static_cast<FloatT>(2);
  const FloatT output_scaling_inv = static_cast<FloatT>(kMax - kMin + 1) / (output_max - output_min);

  Int16Lut lut;
  for (int i = 0; i < kSteps; ++i) {
    const FloatT val = transform(input_min + static_cast<FloatT>(i) * step);
    const FloatT val_midpoint = transform(input_min + static_cast<FloatT>(i) * step + half_step);
    const FloatT val_next = transform(input_min + static_cast<FloatT>(i + 1) * step);

    // The sample is moved by half of what linear interpolation gets wrong at
    // the segment's midpoint, so the error splits between ends and middle.
    const FloatT sample_val = std::round(val * output_scaling_inv);
    const FloatT midpoint_interp_val =
        std::round((val_next * output_scaling_inv + std::round(val * output_scaling_inv)) /
                   static_cast<FloatT>(2));
    const FloatT midpoint_val = std::round(val_midpoint * output_scaling_inv);
    const FloatT midpoint_err = midpoint_interp_val - midpoint_val;
    const FloatT bias = std::round(midpoint_err / static_cast<FloatT>(2));
    lut[static_cast<size_t>(i)] = narrow_sample<FloatT>(sample_val - bias);
  }
  lut[kSteps] = narrow_sample<FloatT>(std::round(transform(input_max) * output_scaling_inv));
  return lut;
}

template Int16Lut populate_int16_lut<float>(float, int32_t, float, int32_t,
                                            const std::function<float(float)>&);
template Int16Lut populate_int16_lut<double>(double, int32_t, double, int32_t,
                                             const std::function<double(double)>&);

const std::array<uint16_t, 256> kSigmoidTableQ016 = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535,
};

void apply_lut(const Int8Lut& lut, const int8_t* in, int8_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = lut(in[i]);
}

void apply_lut(const Int16Lut& lut, const int16_t* in, int16_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = lut_lookup(in[i], lut);
}

}  // namespace octet::kernels
