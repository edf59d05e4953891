#include "kernels/quant_elementwise.h"

#include <cmath>

namespace octet::kernels {

Multiplier multiplier_below_one(const PrepareContext& ctx, double real, std::string_view what) {
  if (!(real > 0.0 && real < 1.0))
    ctx.fail(
        "{} is {}; LiteRT's kernel takes only values in (0, 1) (outside it the runtime "
        "aborts or shifts by a negative amount): the tensors' scales are too far apart",
        what, real);
  const Multiplier m = quantize_multiplier(real);
  // A value just below 1 rounds up to 2^31 and renormalises to a left shift.
  if (m.shift > 0)
    ctx.fail(
        "{} is {}, which rounds to 1.0; LiteRT's kernel needs a right shift (it aborts "
        "otherwise)",
        what, real);
  return m;
}

Multiplier multiplier_any(const PrepareContext& ctx, double real, std::string_view what) {
  if (!std::isfinite(real)) ctx.fail("{} is {}; the tensors' scales are out of range", what, real);
  const Multiplier m = quantize_multiplier(real);
  if (m.shift > 31)
    ctx.fail(
        "{} is {} (2^{}); LiteRT's kernel shifts its accumulator left by that much, which "
        "is undefined beyond 31 bits: the tensors' scales are too far apart",
        what, real, m.shift);
  return m;
}

bool checked_log2(float x, int* log2) {
  // Float throughout and std::round (TfLiteRound), as the runtime computes it.
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2 = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

}  // namespace octet::kernels
