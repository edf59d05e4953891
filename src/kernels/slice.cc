// SLICE and STRIDED_SLICE, following LiteRT's kernels (slice.cc,
// strided_slice.cc and reference/strided_slice.h).
//
// Both become a copy plan: per dimension a start, a count and a step. When
// begin is constant the plan is built in prepare. Two cases keep begin
// dynamic, since the output shape does not depend on it: SLICE with a
// constant size, and STRIDED_SLICE with `offset` (end holds sizes). Then eval
// reads begin, checks it against the input and builds the plan on the
// stack; a begin that would read outside the input throws octet::Error
// (LiteRT would leave part of the output unwritten).
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

constexpr int kMaxSliceRank = 8;

// One value of an int32/int64 index tensor at eval time.
int64_t index_at(const TensorView& t, int64_t i) {
  return t.dtype == DType::Int64 ? t.data_as<const int64_t>()[i] : t.data_as<const int32_t>()[i];
}

void expect_index_vector(const PrepareContext& ctx, size_t input, std::string_view role,
                         int64_t count) {
  const TensorView& t = ctx.input(input);
  if (t.dtype != DType::Int32 && t.dtype != DType::Int64)
    ctx.fail("{} tensor {} '{}' is {}, expected int32 or int64", role, t.index, t.name(),
             dtype_name(t.dtype));
  if (t.rank() != 1 || (count >= 0 && t.dim(0) != count))
    ctx.fail("{} tensor {} '{}' has shape [{}], expected [{}]", role, t.index, t.name(),
             fmt::join(t.shape, ","), count);
}

// ---------------------------------------------------------------- SLICE

class Slice : public Kernel {
 public:
  explicit Slice(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 3);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    elem_ = element_size(ctx, in, "input");
    expect_same_element_type(ctx, in, "input", ctx.output(0));  // LiteRT copies as is
    ctx.expect_rank(in, 0, kMaxSliceRank, "input");
    rank_ = in.rank();
    expect_index_vector(ctx, 1, "begin", rank_);
    expect_index_vector(ctx, 2, "size", rank_);
    location_ = ctx.location();
    const std::vector<int64_t> requested = ctx.constant_ints(2, "size");
    const std::vector<int64_t> in_strides = row_major_strides(in.shape);
    for (int d = 0; d < rank_; ++d) {
      dims_[d] = in.dim(d);
      in_stride_[d] = in_strides[static_cast<size_t>(d)];
      if (requested[d] < -1)
        ctx.fail("size [{}] has invalid entry {}", fmt::join(requested, ","), requested[d]);
    }

    std::vector<int32_t> shape(static_cast<size_t>(rank_));
    dynamic_begin_ = ctx.input(1).data == nullptr && ctx.input(1).num_elements() != 0;
    if (!dynamic_begin_) {
      const std::vector<int64_t> begin = ctx.constant_ints(1, "begin");
      for (int d = 0; d < rank_; ++d) {
        const int64_t b = begin[d], n = in.dim(d);
        const int64_t size = requested[d] == -1 ? n - b : requested[d];
        if (b < 0 || b > n || size < 0 || b + size > n)
          ctx.fail("begin [{}] and size [{}] do not fit input tensor {} '{}' of shape [{}]",
                   fmt::join(begin, ","), fmt::join(requested, ","), in.index, in.name(),
                   fmt::join(in.shape, ","));
        begin_[d] = b;
        size_[d] = size;
        shape[static_cast<size_t>(d)] = static_cast<int32_t>(size);
      }
      plan_ = make_plan();
    } else {
      // -1 would need begin; the model's declared output shape may say it.
      const std::vector<int32_t>& declared = ctx.output(0).tensor->shape;
      for (int d = 0; d < rank_; ++d) {
        int64_t size = requested[d];
        if (size == -1) {
          if (declared.size() != static_cast<size_t>(rank_) || declared[d] < 0)
            ctx.fail(
                "begin tensor {} '{}' is not known at plan time and size [{}] has -1: "
                "output shape unknown",
                ctx.input(1).index, ctx.input(1).name(), fmt::join(requested, ","));
          size = declared[d];
        }
        if (size > in.dim(d))
          ctx.fail("size [{}] does not fit input tensor {} '{}' of shape [{}]",
                   fmt::join(requested, ","), in.index, in.name(), fmt::join(in.shape, ","));
        size_[d] = size;
        shape[static_cast<size_t>(d)] = static_cast<int32_t>(size);
      }
    }
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    if (dynamic_begin_) {
      const TensorView& begin = ctx.inputs[1];
      for (int d = 0; d < rank_; ++d) {
        const int64_t b = index_at(begin, d);
        if (b < 0 || b + size_[d] > dims_[d])
          throw Error(fmt::format(
              "{}: begin {} with size {} is outside dimension {} (size {}) "
              "of input tensor {} '{}'",
              location_, b, size_[d], d, dims_[d], ctx.inputs[0].index, ctx.inputs[0].name()));
        begin_[d] = b;
      }
      plan_ = make_plan();
    }
    run_copy_plan(plan_, ctx.inputs[0].data, ctx.outputs[0].data);
  }

 private:
  CopyPlan make_plan() const {
    int64_t offset = 0;
    for (int d = 0; d < rank_; ++d) offset += begin_[d] * in_stride_[d];
    return make_gather_plan(std::span(size_.data(), static_cast<size_t>(rank_)),
                            std::span(in_stride_.data(), static_cast<size_t>(rank_)), offset,
                            elem_);
  }

  int rank_ = 0;
  size_t elem_ = 0;
  bool dynamic_begin_ = false;
  std::string location_;
  std::array<int64_t, kMaxSliceRank> dims_{}, in_stride_{}, begin_{}, size_{};
  CopyPlan plan_;
};

// -------------------------------------------------------- STRIDED_SLICE

// One dimension of the "effective" input: the input with the new axes of
// new_axis_mask inserted (size 1) and the ellipsis expanded.
struct EffectiveDim {
  int64_t size = 1;
  int64_t in_stride = 0;        // 0 for a new axis
  int spec = -1;                // index into begin/end/strides; -1 when implied
  int64_t end = 0, stride = 1;  // begin is read per call: it may be dynamic
  bool begin_mask = false, end_mask = false, shrink = false;
};

struct Resolved {
  int64_t start = 0, count = 0;
};

// Elements visited walking `span` (end - start) by `stride`; the formula of
// LiteRT's ResizeOutputTensor.
int64_t extent(int64_t span, int64_t stride) {
  if ((span < 0) != (stride < 0)) return 0;
  if (stride < 0) return (span + 1) / stride + 1;
  return span == 0 ? 0 : (span - 1) / stride + 1;
}

// TFLite's StartForAxis/EndForAxis (reference/strided_slice.h): wrap a
// negative index once, clamp to the walkable range for the step's sign, and
// let the masks override; `offset` makes end a size counted from start.
Resolved resolve(const EffectiveDim& d, int64_t begin, bool offset) {
  const int64_t n = d.size, s = d.stride;
  auto clamp = [&](int64_t v) {
    return s > 0 ? std::clamp<int64_t>(v, 0, n) : std::clamp<int64_t>(v, -1, n - 1);
  };
  int64_t start = begin < 0 ? begin + n : begin;
  start = clamp(start);
  if (d.begin_mask) start = s > 0 ? 0 : n - 1;
  // A shrunk axis takes element `start`. (With a negative stride LiteRT's
  // loop would write nothing and leave the output undefined.)
  if (d.shrink) return {start, start >= 0 && start < n ? 1 : 0};
  int64_t end = d.end + (offset ? start : 0);
  if (end < 0) end += n;
  end = clamp(end);
  if (d.end_mask) end = s > 0 ? n : -1;
  return {start, extent(end - start, s)};
}

class StridedSlice : public Kernel {
 public:
  explicit StridedSlice(const Op& op) : options_(op.options.get_or_default<opt::StridedSlice>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(4, 4);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    elem_ = element_size(ctx, in, "input");
    expect_same_element_type(ctx, in, "input", ctx.output(0));  // LiteRT copies as is
    expect_index_vector(ctx, 1, "begin", -1);
    const int64_t count = ctx.input(1).dim(0);
    expect_index_vector(ctx, 2, "end", count);
    expect_index_vector(ctx, 3, "strides", count);
    if (count > 31) ctx.fail("begin has {} entries; at most 31 are supported", count);
    location_ = ctx.location();

    const std::vector<int64_t> end = ctx.constant_ints(2, "end");
    const std::vector<int64_t> strides = ctx.constant_ints(3, "strides");
    build_dims(ctx, in, static_cast<int>(count), end, strides);

    // Output shape: with offset, end is the size (so begin may be dynamic);
    // otherwise it follows from the resolved begin and end.
    dynamic_begin_ = ctx.input(1).data == nullptr && ctx.input(1).num_elements() != 0;
    if (dynamic_begin_ && !options_.offset)
      ctx.constant_ints(1, "begin");  // fails: the output shape would depend on it
    std::vector<int64_t> begin(static_cast<size_t>(count), 0);
    if (!dynamic_begin_) begin = ctx.constant_ints(1, "begin");
    std::vector<int32_t> shape;
    for (int i = 0; i < rank_; ++i) {
      const EffectiveDim& d = dims_[i];
      if (d.shrink) {
        expected_[i] = 1;
        continue;
      }
      if (options_.offset && d.spec >= 0) {
        expected_[i] = extent(d.end, d.stride);
      } else {
        expected_[i] = resolve(d, d.spec >= 0 ? begin[d.spec] : 0, options_.offset).count;
      }
      if (expected_[i] > INT32_MAX) ctx.fail("output dimension {} overflows int32", i);
      shape.push_back(static_cast<int32_t>(expected_[i]));
    }
    if (!dynamic_begin_) {
      const std::string problem = make_plan(begin.data(), nullptr);
      if (!problem.empty()) ctx.fail("{}", problem);
    }
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    if (dynamic_begin_) {
      std::array<int64_t, 32> begin{};
      const TensorView& t = ctx.inputs[1];
      for (int64_t i = 0; i < t.num_elements() && i < 32; ++i) begin[i] = index_at(t, i);
      const std::string problem = make_plan(begin.data(), &ctx.inputs[0]);
      if (!problem.empty()) throw Error(location_ + ": " + problem);
    }
    run_copy_plan(plan_, ctx.inputs[0].data, ctx.outputs[0].data);
  }

 private:
  // LiteRT's BuildStridedSliceParams: count the new axes, expand the
  // ellipsis to the dimensions the spec leaves out, and give every effective
  // dimension its begin/end/stride and mask bits. Trailing dimensions the
  // spec does not mention are taken whole.
  void build_dims(const PrepareContext& ctx, const TensorView& in, int count,
                  const std::vector<int64_t>& end, const std::vector<int64_t>& strides) {
    const uint64_t ellipsis = static_cast<uint32_t>(options_.ellipsis_mask);
    const uint64_t new_axis = static_cast<uint32_t>(options_.new_axis_mask);
    auto bit = [](uint64_t mask, int i) { return i >= 0 && i < 64 && ((mask >> i) & 1) != 0; };
    int num_add_axis = 0;
    for (int i = 0; i < count; ++i)
      if (!bit(ellipsis, i) && bit(new_axis, i)) ++num_add_axis;
    const int rank = in.rank() + num_add_axis;
    if (rank > kMaxSliceRank)
      ctx.fail("input rank {} plus {} new axes exceeds {}", in.rank(), num_add_axis, kMaxSliceRank);

    uint64_t ellipsis_eff = 0, new_axis_eff = 0;
    int ellipsis_start = rank, expanded = 0;
    for (int i = 0; i < rank;) {
      if (bit(ellipsis, i)) {
        ellipsis_start = i;
        const int stop = std::max(i + 1, std::min(i + 1 + num_add_axis + in.rank() - count, rank));
        expanded = stop - ellipsis_start - 1;
        for (; i < stop; ++i) ellipsis_eff |= uint64_t{1} << i;
        continue;
      }
      if (bit(new_axis, i - expanded)) new_axis_eff |= uint64_t{1} << i;
      ++i;
    }

    const std::vector<int64_t> in_strides = row_major_strides(in.shape);
    int added_ellipsis = 0, added_axes = 0;
    rank_ = rank;
    for (int i = 0; i < rank; ++i) {
      EffectiveDim d;
      auto take_input_dim = [&] {
        const int k = i - added_axes;
        if (k < 0 || k >= in.rank())
          ctx.fail("slice spec does not fit input tensor {} '{}' of rank {}", in.index, in.name(),
                   in.rank());
        d.size = in.dim(k);
        d.in_stride = in_strides[static_cast<size_t>(k)];
      };
      if (bit(ellipsis_eff, i)) {
        added_ellipsis = std::max(0, i - ellipsis_start);
        d.begin_mask = d.end_mask = true;
        take_input_dim();
      } else if (bit(new_axis_eff, i)) {
        d.end = 1;
        ++added_axes;
      } else if (i >= count + expanded) {
        d.begin_mask = d.end_mask = true;
        take_input_dim();
      } else {
        const int k = i - added_ellipsis;
        d.spec = k;
        d.end = end[k];
        d.stride = strides[k];
        d.begin_mask = bit(static_cast<uint32_t>(options_.begin_mask), k);
        d.end_mask = bit(static_cast<uint32_t>(options_.end_mask), k);
        d.shrink = bit(static_cast<uint32_t>(options_.shrink_axis_mask), k);
        if (d.stride == 0) ctx.fail("strides [{}] has a zero step", fmt::join(strides, ","));
        if (d.stride == INT32_MIN) ctx.fail("stride INT32_MIN is not supported");
        take_input_dim();
      }
      dims_[i] = d;
    }
  }

  // Resolves every dimension for these begin values and builds the plan.
  // Returns what is wrong instead of throwing, so prepare and eval can word
  // their errors; `in` names the input in eval's messages.
  std::string make_plan(const int64_t* begin, const TensorView* in) {
    std::array<int64_t, kMaxSliceRank> count{}, step{};
    int64_t offset = 0;
    for (int i = 0; i < rank_; ++i) {
      const EffectiveDim& d = dims_[i];
      const Resolved r = resolve(d, d.spec >= 0 ? begin[d.spec] : 0, options_.offset);
      if (r.count != expected_[i]) {
        const int64_t b = d.spec >= 0 ? begin[d.spec] : 0;
        if (d.shrink)
          return fmt::format("shrink index {} is outside dimension {} of size {}", b, i, d.size);
        return fmt::format(
            "begin {} with size {} runs outside dimension {} of size {}{}", b, expected_[i], i,
            d.size, in ? fmt::format(" of input tensor {} '{}'", in->index, in->name()) : "");
      }
      count[i] = r.count;
      step[i] = d.stride * d.in_stride;
      offset += r.start * d.in_stride;
    }
    plan_ = make_gather_plan(std::span(count.data(), static_cast<size_t>(rank_)),
                             std::span(step.data(), static_cast<size_t>(rank_)), offset, elem_);
    return {};
  }

  opt::StridedSlice options_;
  int rank_ = 0;
  size_t elem_ = 0;
  bool dynamic_begin_ = false;
  std::string location_;
  std::array<EffectiveDim, kMaxSliceRank> dims_{};
  std::array<int64_t, kMaxSliceRank> expected_{};  // output count per effective dimension
  CopyPlan plan_;
};

}  // namespace

void register_slice(Registry& r) {
  r.add_any(BuiltinOp::Slice, make_kernel<Slice>);
  r.add_any(BuiltinOp::StridedSlice, make_kernel<StridedSlice>);
}

}  // namespace octet::kernels
