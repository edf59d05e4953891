// SOFTMAX over the last axis, float32, as TFLite's reference_ops::Softmax:
// per row, m = max(x); e_c = exp((x_c - m) * beta), summed in float;
// y_c = e_c / sum. Subtracting the max keeps exp from overflowing and is why
// beta multiplies the difference, not x. A row containing +inf or only -inf
// gives NaN, as in TFLite. Quantized softmax comes later.
#include <cmath>
#include <limits>

#include "kernels/common.h"
#include "kernels/elementwise.h"

namespace octet::kernels {
namespace {

class SoftmaxKernel final : public Kernel {
 public:
  // The schema's default beta is 0 (a uniform output); converters write 1.
  explicit SoftmaxKernel(const Op& op) : beta_(op.options.get_or_default<opt::Softmax>().beta) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    if (in.dtype != DType::Float32) fail_dtype(ctx, in, "input", "float32");
    if (in.rank() < 1)
      ctx.fail("input tensor {} '{}' has rank 0; softmax needs an axis to normalise over", in.index,
               in.name());
    ctx.expect_dtype(ctx.output(0), DType::Float32, "output");
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
    depth_ = in.dim(in.rank() - 1);
  }

  void eval(const EvalContext& ctx) override {
    const float* in = ctx.inputs[0].data_as<const float>();
    float* out = ctx.outputs[0].data_as<float>();
    if (depth_ == 0) return;
    const int64_t rows = ctx.inputs[0].num_elements() / depth_;
    const int64_t depth = depth_;
    const float beta = beta_;
#pragma omp parallel for schedule(static) if (rows * depth >= kParallelMinElements)
    for (int64_t r = 0; r < rows; ++r) {
      const float* x = in + r * depth;
      float* y = out + r * depth;
      float max = std::numeric_limits<float>::lowest();
      for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
      float sum = 0.f;
      for (int64_t c = 0; c < depth; ++c) {
        const float e = std::exp((x[c] - max) * beta);
        y[c] = e;
        sum += e;
      }
      for (int64_t c = 0; c < depth; ++c) y[c] = y[c] / sum;
    }
  }

 private:
  float beta_;
  int64_t depth_ = 1;
};

}  // namespace

void register_softmax(Registry& r) { r.add(BuiltinOp::Softmax, make_kernel<SoftmaxKernel>); }

}  // namespace octet::kernels
