#include "model/options_codec.h"

#include "model/options_table.h"
#include "octet/error.h"

namespace octet {

namespace {

using BO = fb::BuiltinOptions;

Activation act(fb::ActivationFunctionType a) { return static_cast<Activation>(a); }
fb::ActivationFunctionType act(Activation a) { return static_cast<fb::ActivationFunctionType>(a); }
Padding pad(fb::Padding p) { return static_cast<Padding>(p); }
fb::Padding pad(Padding p) { return static_cast<fb::Padding>(p); }
DType dt(fb::TensorType t) { return static_cast<DType>(t); }
fb::TensorType dt(DType t) { return static_cast<fb::TensorType>(t); }

template <class T>
const T* table(const fb::Operator& op) {
  return static_cast<const T*>(op.builtin_options());
}

std::vector<int32_t> ints(const flatbuffers::Vector<int32_t>* v) {
  return v ? std::vector<int32_t>(v->begin(), v->end()) : std::vector<int32_t>{};
}

}  // namespace

Options read_options(const fb::Operator& op) {
  Options o;
  o.table_type = static_cast<int32_t>(op.builtin_options_type());
  o.value = options_value_for_table(o.table_type);
  if (op.builtin_options() == nullptr) return o;
  switch (op.builtin_options_type()) {
    case BO::Conv2DOptions: {
      auto* t = table<fb::Conv2DOptions>(op);
      o.value = opt::Conv2D{pad(t->padding()), t->stride_w(), t->stride_h(),
                            act(t->fused_activation_function()), t->dilation_w_factor(),
                            t->dilation_h_factor(), dt(t->quantized_bias_type())};
      break;
    }
    case BO::DepthwiseConv2DOptions: {
      auto* t = table<fb::DepthwiseConv2DOptions>(op);
      o.value = opt::DepthwiseConv2D{pad(t->padding()), t->stride_w(), t->stride_h(),
                                     t->depth_multiplier(), act(t->fused_activation_function()),
                                     t->dilation_w_factor(), t->dilation_h_factor()};
      break;
    }
    case BO::Pool2DOptions: {
      auto* t = table<fb::Pool2DOptions>(op);
      o.value = opt::Pool2D{pad(t->padding()), t->stride_w(), t->stride_h(), t->filter_width(),
                            t->filter_height(), act(t->fused_activation_function())};
      break;
    }
    case BO::FullyConnectedOptions: {
      auto* t = table<fb::FullyConnectedOptions>(op);
      o.value = opt::FullyConnected{act(t->fused_activation_function()),
                                    static_cast<int8_t>(t->weights_format()), t->keep_num_dims(),
                                    t->asymmetric_quantize_inputs(), dt(t->quantized_bias_type())};
      break;
    }
    case BO::SoftmaxOptions: o.value = opt::Softmax{table<fb::SoftmaxOptions>(op)->beta()}; break;
    case BO::ConcatenationOptions: {
      auto* t = table<fb::ConcatenationOptions>(op);
      o.value = opt::Concatenation{t->axis(), act(t->fused_activation_function())};
      break;
    }
    case BO::AddOptions: {
      auto* t = table<fb::AddOptions>(op);
      o.value = opt::FusedActivation{act(t->fused_activation_function()), t->pot_scale_int16()};
      break;
    }
    case BO::SubOptions: {
      auto* t = table<fb::SubOptions>(op);
      o.value = opt::FusedActivation{act(t->fused_activation_function()), t->pot_scale_int16()};
      break;
    }
    case BO::MulOptions:
      o.value = opt::FusedActivation{act(table<fb::MulOptions>(op)->fused_activation_function())};
      break;
    case BO::DivOptions:
      o.value = opt::FusedActivation{act(table<fb::DivOptions>(op)->fused_activation_function())};
      break;
    case BO::L2NormOptions:
      o.value = opt::FusedActivation{act(table<fb::L2NormOptions>(op)->fused_activation_function())};
      break;
    case BO::ResizeBilinearOptions: {
      auto* t = table<fb::ResizeBilinearOptions>(op);
      o.value = opt::Resize{t->align_corners(), t->half_pixel_centers()};
      break;
    }
    case BO::ResizeNearestNeighborOptions: {
      auto* t = table<fb::ResizeNearestNeighborOptions>(op);
      o.value = opt::Resize{t->align_corners(), t->half_pixel_centers()};
      break;
    }
    case BO::ReshapeOptions: {
      auto* t = table<fb::ReshapeOptions>(op);
      o.value = opt::Reshape{ints(t->new_shape()), t->new_shape() != nullptr};
      break;
    }
    case BO::SpaceToDepthOptions:
      o.value = opt::BlockSize{table<fb::SpaceToDepthOptions>(op)->block_size()};
      break;
    case BO::DepthToSpaceOptions:
      o.value = opt::BlockSize{table<fb::DepthToSpaceOptions>(op)->block_size()};
      break;
    case BO::GatherOptions: {
      auto* t = table<fb::GatherOptions>(op);
      o.value = opt::Gather{t->axis(), t->batch_dims()};
      break;
    }
    case BO::ReducerOptions: o.value = opt::Reducer{table<fb::ReducerOptions>(op)->keep_dims()}; break;
    case BO::SqueezeOptions:
      o.value = opt::Squeeze{ints(table<fb::SqueezeOptions>(op)->squeeze_dims())};
      break;
    case BO::StridedSliceOptions: {
      auto* t = table<fb::StridedSliceOptions>(op);
      o.value = opt::StridedSlice{t->begin_mask(), t->end_mask(), t->ellipsis_mask(),
                                  t->new_axis_mask(), t->shrink_axis_mask(), t->offset()};
      break;
    }
    case BO::SplitOptions: o.value = opt::Split{table<fb::SplitOptions>(op)->num_splits()}; break;
    case BO::SplitVOptions: o.value = opt::Split{table<fb::SplitVOptions>(op)->num_splits()}; break;
    case BO::CastOptions: {
      auto* t = table<fb::CastOptions>(op);
      o.value = opt::Cast{dt(t->in_data_type()), dt(t->out_data_type())};
      break;
    }
    case BO::ArgMaxOptions: o.value = opt::OutputType{dt(table<fb::ArgMaxOptions>(op)->output_type())}; break;
    case BO::ArgMinOptions: o.value = opt::OutputType{dt(table<fb::ArgMinOptions>(op)->output_type())}; break;
    case BO::ShapeOptions: o.value = opt::OutputType{dt(table<fb::ShapeOptions>(op)->out_type())}; break;
    case BO::TransposeConvOptions: {
      auto* t = table<fb::TransposeConvOptions>(op);
      o.value = opt::TransposeConv{pad(t->padding()), t->stride_w(), t->stride_h(),
                                   act(t->fused_activation_function()), dt(t->quantized_bias_type())};
      break;
    }
    case BO::PackOptions: {
      auto* t = table<fb::PackOptions>(op);
      o.value = opt::Pack{t->values_count(), t->axis()};
      break;
    }
    case BO::UnpackOptions: {
      auto* t = table<fb::UnpackOptions>(op);
      o.value = opt::Unpack{t->num(), t->axis()};
      break;
    }
    case BO::LeakyReluOptions: o.value = opt::LeakyRelu{table<fb::LeakyReluOptions>(op)->alpha()}; break;
    case BO::MirrorPadOptions:
      o.value = opt::MirrorPad{static_cast<int8_t>(table<fb::MirrorPadOptions>(op)->mode())};
      break;
    case BO::BatchMatMulOptions: {
      auto* t = table<fb::BatchMatMulOptions>(op);
      o.value = opt::BatchMatMul{t->adj_x(), t->adj_y(), t->asymmetric_quantize_inputs()};
      break;
    }
    case BO::CumsumOptions: {
      auto* t = table<fb::CumsumOptions>(op);
      o.value = opt::Cumsum{t->exclusive(), t->reverse()};
      break;
    }
    case BO::GeluOptions: o.value = opt::Gelu{table<fb::GeluOptions>(op)->approximate()}; break;
    default: break;  // empty tables, and tables octet does not model (opt::None)
  }
  return o;
}

bool can_write_options(int32_t table_type) {
  return table_type == 0 || std::string_view(options_table_name(table_type)) !=
                                std::string_view("an options table octet does not model");
}

namespace {

template <class T>
const T& need(const Options& o, std::string_view where) {
  const T* p = o.get<T>();
  if (!p)
    fail("{}: options value does not match table {} ({})", where, options_table_name(o.table_type),
         o.table_type);
  return *p;
}

// Empty tables: one generic writer (an empty table has no fields to set).
flatbuffers::Offset<void> empty_table(flatbuffers::FlatBufferBuilder& fbb) {
  const auto start = fbb.StartTable();
  return flatbuffers::Offset<void>(fbb.EndTable(start));
}

}  // namespace

flatbuffers::Offset<void> write_options(flatbuffers::FlatBufferBuilder& fbb, const Options& o,
                                        std::string_view where) {
  if (!can_write_options(o.table_type))
    fail("{}: cannot write builtin options of type {} (not modelled by octet)", where, o.table_type);
  switch (static_cast<BO>(o.table_type)) {
    case BO::NONE: return 0;
    case BO::Conv2DOptions: {
      const auto& v = need<opt::Conv2D>(o, where);
      return fb::CreateConv2DOptions(fbb, pad(v.padding), v.stride_w, v.stride_h, act(v.activation),
                                     v.dilation_w, v.dilation_h, dt(v.quantized_bias_type)).Union();
    }
    case BO::DepthwiseConv2DOptions: {
      const auto& v = need<opt::DepthwiseConv2D>(o, where);
      return fb::CreateDepthwiseConv2DOptions(fbb, pad(v.padding), v.stride_w, v.stride_h,
                                              v.depth_multiplier, act(v.activation), v.dilation_w,
                                              v.dilation_h).Union();
    }
    case BO::Pool2DOptions: {
      const auto& v = need<opt::Pool2D>(o, where);
      return fb::CreatePool2DOptions(fbb, pad(v.padding), v.stride_w, v.stride_h, v.filter_w,
                                     v.filter_h, act(v.activation)).Union();
    }
    case BO::FullyConnectedOptions: {
      const auto& v = need<opt::FullyConnected>(o, where);
      return fb::CreateFullyConnectedOptions(
                 fbb, act(v.activation),
                 static_cast<fb::FullyConnectedOptionsWeightsFormat>(v.weights_format),
                 v.keep_num_dims, v.asymmetric_quantize_inputs, dt(v.quantized_bias_type)).Union();
    }
    case BO::SoftmaxOptions:
      return fb::CreateSoftmaxOptions(fbb, need<opt::Softmax>(o, where).beta).Union();
    case BO::ConcatenationOptions: {
      const auto& v = need<opt::Concatenation>(o, where);
      return fb::CreateConcatenationOptions(fbb, v.axis, act(v.activation)).Union();
    }
    case BO::AddOptions: {
      const auto& v = need<opt::FusedActivation>(o, where);
      return fb::CreateAddOptions(fbb, act(v.activation), v.pot_scale_int16).Union();
    }
    case BO::SubOptions: {
      const auto& v = need<opt::FusedActivation>(o, where);
      return fb::CreateSubOptions(fbb, act(v.activation), v.pot_scale_int16).Union();
    }
    case BO::MulOptions:
      return fb::CreateMulOptions(fbb, act(need<opt::FusedActivation>(o, where).activation)).Union();
    case BO::DivOptions:
      return fb::CreateDivOptions(fbb, act(need<opt::FusedActivation>(o, where).activation)).Union();
    case BO::L2NormOptions:
      return fb::CreateL2NormOptions(fbb, act(need<opt::FusedActivation>(o, where).activation)).Union();
    case BO::ResizeBilinearOptions: {
      const auto& v = need<opt::Resize>(o, where);
      return fb::CreateResizeBilinearOptions(fbb, v.align_corners, v.half_pixel_centers).Union();
    }
    case BO::ResizeNearestNeighborOptions: {
      const auto& v = need<opt::Resize>(o, where);
      return fb::CreateResizeNearestNeighborOptions(fbb, v.align_corners, v.half_pixel_centers).Union();
    }
    case BO::ReshapeOptions: {
      const auto& v = need<opt::Reshape>(o, where);
      auto shape = v.has_new_shape ? fbb.CreateVector(v.new_shape) : 0;
      return fb::CreateReshapeOptions(fbb, shape).Union();
    }
    case BO::SpaceToDepthOptions:
      return fb::CreateSpaceToDepthOptions(fbb, need<opt::BlockSize>(o, where).block_size).Union();
    case BO::DepthToSpaceOptions:
      return fb::CreateDepthToSpaceOptions(fbb, need<opt::BlockSize>(o, where).block_size).Union();
    case BO::GatherOptions: {
      const auto& v = need<opt::Gather>(o, where);
      return fb::CreateGatherOptions(fbb, v.axis, v.batch_dims).Union();
    }
    case BO::ReducerOptions:
      return fb::CreateReducerOptions(fbb, need<opt::Reducer>(o, where).keep_dims).Union();
    case BO::SqueezeOptions: {
      const auto& v = need<opt::Squeeze>(o, where);
      return fb::CreateSqueezeOptions(fbb, fbb.CreateVector(v.squeeze_dims)).Union();
    }
    case BO::StridedSliceOptions: {
      const auto& v = need<opt::StridedSlice>(o, where);
      return fb::CreateStridedSliceOptions(fbb, v.begin_mask, v.end_mask, v.ellipsis_mask,
                                           v.new_axis_mask, v.shrink_axis_mask, v.offset).Union();
    }
    case BO::SplitOptions:
      return fb::CreateSplitOptions(fbb, need<opt::Split>(o, where).num_splits).Union();
    case BO::SplitVOptions:
      return fb::CreateSplitVOptions(fbb, need<opt::Split>(o, where).num_splits).Union();
    case BO::CastOptions: {
      const auto& v = need<opt::Cast>(o, where);
      return fb::CreateCastOptions(fbb, dt(v.in_type), dt(v.out_type)).Union();
    }
    case BO::ArgMaxOptions:
      return fb::CreateArgMaxOptions(fbb, dt(need<opt::OutputType>(o, where).type)).Union();
    case BO::ArgMinOptions:
      return fb::CreateArgMinOptions(fbb, dt(need<opt::OutputType>(o, where).type)).Union();
    case BO::ShapeOptions:
      return fb::CreateShapeOptions(fbb, dt(need<opt::OutputType>(o, where).type)).Union();
    case BO::TransposeConvOptions: {
      const auto& v = need<opt::TransposeConv>(o, where);
      return fb::CreateTransposeConvOptions(fbb, pad(v.padding), v.stride_w, v.stride_h,
                                            act(v.activation), dt(v.quantized_bias_type)).Union();
    }
    case BO::PackOptions: {
      const auto& v = need<opt::Pack>(o, where);
      return fb::CreatePackOptions(fbb, v.values_count, v.axis).Union();
    }
    case BO::UnpackOptions: {
      const auto& v = need<opt::Unpack>(o, where);
      return fb::CreateUnpackOptions(fbb, v.num, v.axis).Union();
    }
    case BO::LeakyReluOptions:
      return fb::CreateLeakyReluOptions(fbb, need<opt::LeakyRelu>(o, where).alpha).Union();
    case BO::MirrorPadOptions:
      return fb::CreateMirrorPadOptions(
                 fbb, static_cast<fb::MirrorPadMode>(need<opt::MirrorPad>(o, where).mode)).Union();
    case BO::BatchMatMulOptions: {
      const auto& v = need<opt::BatchMatMul>(o, where);
      return fb::CreateBatchMatMulOptions(fbb, v.adj_x, v.adj_y, v.asymmetric_quantize_inputs).Union();
    }
    case BO::CumsumOptions: {
      const auto& v = need<opt::Cumsum>(o, where);
      return fb::CreateCumsumOptions(fbb, v.exclusive, v.reverse).Union();
    }
    case BO::GeluOptions:
      return fb::CreateGeluOptions(fbb, need<opt::Gelu>(o, where).approximate).Union();
    default:
      need<opt::None>(o, where);
      return empty_table(fbb);
  }
}

}  // namespace octet
