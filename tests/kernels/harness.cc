#include "harness.h"

namespace octet::testing {

std::vector<HostTensor> run_kernel(Op op, const std::vector<HostTensor>& inputs,
                                   const std::vector<OutputSpec>& outputs,
                                   const std::vector<bool>& omitted) {
  using namespace octet::kernels;
  bool integer = false;
  for (const auto& t : inputs) integer = integer || is_quantized_tensor(t.dtype, t.quant);
  for (const auto& t : outputs) integer = integer || is_quantized_tensor(t.dtype, t.quant);
  const KernelFactory factory =
      builtin_registry().find(op.code, integer ? Arithmetic::Integer : Arithmetic::Float);
  if (!factory)
    fail("no {} kernel for {}", integer ? "integer" : "float", builtin_op_name(op.code.builtin));
  std::unique_ptr<Kernel> kernel = factory(op);

  // Model tensors for names; views over the host bytes.
  std::vector<Tensor> tensors(inputs.size() + outputs.size());
  std::vector<std::vector<std::byte>> in_bytes(inputs.size());
  std::vector<TensorView> in_views(inputs.size()), out_views(outputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const bool is_omitted = i < omitted.size() && omitted[i];
    tensors[i].name = "input" + std::to_string(i);
    tensors[i].dtype = inputs[i].dtype;
    tensors[i].shape = inputs[i].shape;
    tensors[i].quant = inputs[i].quant;
    in_bytes[i] = inputs[i].bytes;
    if (is_omitted) continue;
    in_views[i] = TensorView{inputs[i].dtype, tensors[i].shape,
                             inputs[i].constant ? in_bytes[i].data() : nullptr,
                             &tensors[i].quant, &tensors[i], static_cast<int32_t>(i)};
  }
  for (size_t o = 0; o < outputs.size(); ++o) {
    Tensor& t = tensors[inputs.size() + o];
    t.name = "output" + std::to_string(o);
    t.dtype = outputs[o].dtype;
    t.quant = outputs[o].quant;
    out_views[o] = TensorView{t.dtype, {}, nullptr, &t.quant, &t,
                              static_cast<int32_t>(inputs.size() + o)};
  }
  PrepareContext ctx(op, in_views, out_views, "test op (" + std::string(builtin_op_name(op.code.builtin)) + ")");
  kernel->prepare(ctx);

  std::vector<HostTensor> result(outputs.size());
  std::vector<std::vector<int32_t>> out_shapes(outputs.size());
  for (size_t o = 0; o < outputs.size(); ++o) {
    out_shapes[o] = ctx.output_shape(o);
    result[o].dtype = outputs[o].dtype;
    result[o].shape = out_shapes[o];
    result[o].quant = outputs[o].quant;
    int64_t n = 1;
    for (int32_t d : out_shapes[o]) n *= d;
    result[o].bytes.assign(static_cast<size_t>(n) * dtype_size(outputs[o].dtype), std::byte{0});
    out_views[o].shape = out_shapes[o];
    out_views[o].data = result[o].bytes.data();
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (in_views[i].present()) in_views[i].data = in_bytes[i].data();
  std::vector<std::byte> scratch(ctx.scratch_bytes());
  kernel->eval(EvalContext{in_views, out_views, scratch});
  return result;
}

}  // namespace octet::testing
