// SHAPE, RANK and FILL: outputs made from shapes rather than from input
// values. SHAPE and RANK are known at plan time (the interpreter can fold
// them); FILL repeats one value over a shape given by a constant input.
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

// The output tensor's dtype, which must agree with the options' type when
// the file stored an options table.
void expect_int_output(const PrepareContext& ctx, const Options& options) {
  const TensorView& out = ctx.output(0);
  if (out.dtype != DType::Int32 && out.dtype != DType::Int64)
    ctx.fail("output tensor {} '{}' is {}, expected int32 or int64", out.index, out.name(),
             dtype_name(out.dtype));
  if (const auto* o = options.get<opt::OutputType>();
      o && options.table_type != 0 && o->type != out.dtype)
    ctx.fail("options say out_type {}, but output tensor {} '{}' is {}", dtype_name(o->type),
             out.index, out.name(), dtype_name(out.dtype));
}

class Shape : public Kernel {
 public:
  explicit Shape(const Op& op) : options_(op.options) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    expect_int_output(ctx, options_);
    const TensorView& in = ctx.input(0);
    dims_.assign(in.shape.begin(), in.shape.end());
    ctx.set_output_shape(0, {static_cast<int32_t>(dims_.size())});
  }

  void eval(const EvalContext& ctx) override {
    const TensorView& out = ctx.outputs[0];
    for (size_t i = 0; i < dims_.size(); ++i) {
      if (out.dtype == DType::Int32)
        out.data_as<int32_t>()[i] = dims_[i];
      else
        out.data_as<int64_t>()[i] = dims_[i];
    }
  }

 private:
  Options options_;
  std::vector<int32_t> dims_;
};

class Rank : public Kernel {
 public:
  explicit Rank(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    ctx.expect_dtype(ctx.output(0), DType::Int32, "output");
    rank_ = ctx.input(0).rank();
    ctx.set_output_shape(0, {});  // a scalar, as LiteRT's rank.cc
  }

  void eval(const EvalContext& ctx) override { ctx.outputs[0].data_as<int32_t>()[0] = rank_; }

 private:
  int32_t rank_ = 0;
};

// Inputs: dims (int32/int64 vector), value (one element); output dtype is
// the value's.
class Fill : public Kernel {
 public:
  explicit Fill(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& dims = ctx.input(0);
    const TensorView& value = ctx.input(1);
    if (dims.rank() != 1)
      ctx.fail("dims tensor {} '{}' has rank {}, expected 1", dims.index, dims.name(), dims.rank());
    if (value.num_elements() != 1)
      ctx.fail("value tensor {} '{}' has shape [{}], expected one element", value.index,
               value.name(), fmt::join(value.shape, ","));
    elem_ = element_size(ctx, value, "value");
    expect_same_type(ctx, value, "value", ctx.output(0));
    std::vector<int32_t> shape;
    for (int64_t d : ctx.constant_ints(0, "dims")) {
      if (d < 0 || d > INT32_MAX) ctx.fail("dims has invalid entry {}", d);
      shape.push_back(static_cast<int32_t>(d));
    }
    count_ = element_count(shape);
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    fill_elements(ctx.outputs[0].data, count_, ctx.inputs[1].data, elem_);
  }

 private:
  size_t elem_ = 0;
  int64_t count_ = 0;
};

}  // namespace

void register_fill(Registry& r) {
  r.add(BuiltinOp::Shape, make_kernel<Shape>);
  r.add(BuiltinOp::Rank, make_kernel<Rank>);
  r.add(BuiltinOp::Fill, make_kernel<Fill>);
}

}  // namespace octet::kernels
