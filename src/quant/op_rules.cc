#include "quant/op_rules.h"

#include <algorithm>

namespace octet::quant {

std::optional<WeightRole> weight_role(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Conv2d: return WeightRole{1, 0, 2};
    case BuiltinOp::DepthwiseConv2d: return WeightRole{1, 3, 2};
    case BuiltinOp::FullyConnected: return WeightRole{1, 0, 2};
    case BuiltinOp::TransposeConv: return WeightRole{1, 0, 3};
    default: return std::nullopt;
  }
}

std::optional<QuantParams> fixed_output_params(BuiltinOp op, DType dtype) {
  auto params = [](float scale, int64_t zero_point) {
    QuantParams q;
    q.scale = {scale};
    q.zero_point = {zero_point};
    return q;
  };
  const bool int16 = dtype == DType::Int16;
  switch (op) {
    case BuiltinOp::Logistic:
    case BuiltinOp::Softmax: return int16 ? params(1.f / 32768, 0) : params(1.f / 256, -128);
    case BuiltinOp::Tanh: return int16 ? params(1.f / 32768, 0) : params(1.f / 128, 0);
    case BuiltinOp::LogSoftmax: return int16 ? std::nullopt : std::optional(params(16.f / 256, 127));
    default: return std::nullopt;
  }
}

bool output_shares_input_params(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Reshape: case BuiltinOp::Squeeze: case BuiltinOp::ExpandDims:
    case BuiltinOp::Transpose: case BuiltinOp::Gather: case BuiltinOp::Slice:
    case BuiltinOp::StridedSlice: case BuiltinOp::Pad: case BuiltinOp::Padv2:
    case BuiltinOp::MirrorPad: case BuiltinOp::MaxPool2d: case BuiltinOp::AveragePool2d:
    case BuiltinOp::Split: case BuiltinOp::SplitV: case BuiltinOp::Pack: case BuiltinOp::Unpack:
    case BuiltinOp::Tile: case BuiltinOp::BroadcastTo: case BuiltinOp::DepthToSpace:
    case BuiltinOp::SpaceToDepth: case BuiltinOp::ResizeBilinear:
    case BuiltinOp::ResizeNearestNeighbor: case BuiltinOp::ReduceMax: case BuiltinOp::ReduceMin:
      return true;
    default: return false;
  }
}

bool inputs_share_output_params(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Concatenation: case BuiltinOp::Pack: case BuiltinOp::Maximum:
    case BuiltinOp::Minimum:
      return true;
    default: return false;
  }
}

bool has_int16_kernel(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Add: case BuiltinOp::Sub: case BuiltinOp::Mul: case BuiltinOp::FullyConnected:
    case BuiltinOp::Conv2d: case BuiltinOp::DepthwiseConv2d: case BuiltinOp::TransposeConv:
    case BuiltinOp::BatchMatmul: case BuiltinOp::Softmax: case BuiltinOp::Logistic:
    case BuiltinOp::Tanh: case BuiltinOp::Rsqrt: case BuiltinOp::Exp: case BuiltinOp::Abs:
    case BuiltinOp::Mean: case BuiltinOp::Sum: case BuiltinOp::ReduceMax: case BuiltinOp::ReduceMin:
    case BuiltinOp::Concatenation: case BuiltinOp::Reshape: case BuiltinOp::Transpose:
    case BuiltinOp::Gather: case BuiltinOp::Slice: case BuiltinOp::StridedSlice: case BuiltinOp::Pad:
    case BuiltinOp::Padv2: case BuiltinOp::MirrorPad: case BuiltinOp::Split: case BuiltinOp::SplitV:
    case BuiltinOp::Pack: case BuiltinOp::Unpack: case BuiltinOp::Squeeze: case BuiltinOp::ExpandDims:
    case BuiltinOp::MaxPool2d: case BuiltinOp::AveragePool2d: case BuiltinOp::ResizeBilinear:
    case BuiltinOp::ResizeNearestNeighbor: case BuiltinOp::Quantize: case BuiltinOp::Dequantize:
    case BuiltinOp::Maximum: case BuiltinOp::Minimum: case BuiltinOp::Relu: case BuiltinOp::Relu6:
    case BuiltinOp::LeakyRelu: case BuiltinOp::Tile: case BuiltinOp::BroadcastTo:
    case BuiltinOp::SpaceToDepth:
      return true;
    default: return false;
  }
}

int32_t quantized_version(const Op& op, DType activations) {
  const bool int16 = activations == DType::Int16;
  int32_t v = 1;
  switch (op.code.builtin) {
    case BuiltinOp::Conv2d: v = int16 ? 4 : 3; break;
    case BuiltinOp::DepthwiseConv2d: v = int16 ? 5 : 3; break;
    case BuiltinOp::FullyConnected: v = int16 ? 7 : 4; break;
    case BuiltinOp::TransposeConv: v = 3; break;
    case BuiltinOp::Add: case BuiltinOp::Mul: case BuiltinOp::Sub: v = int16 ? 3 : 2; break;
    case BuiltinOp::AveragePool2d: case BuiltinOp::MaxPool2d: v = int16 ? 3 : 2; break;
    case BuiltinOp::Concatenation: case BuiltinOp::Pad: case BuiltinOp::ResizeBilinear:
    case BuiltinOp::Logistic: case BuiltinOp::Tanh: case BuiltinOp::Softmax: case BuiltinOp::Mean:
    case BuiltinOp::DepthToSpace: case BuiltinOp::Relu: case BuiltinOp::Transpose:
    case BuiltinOp::Quantize: case BuiltinOp::Dequantize: case BuiltinOp::Gather:
      v = int16 ? 3 : 2; break;
    default: v = 1;
  }
  return std::max(v, op.code.version);
}

int32_t conversion_version(DType from, DType to) {
  if (to == DType::Float32) return from == DType::Int16 ? 3 : 2;  // DEQUANTIZE
  return to == DType::Int16 ? 2 : 1;                               // QUANTIZE
}

void set_int16_options(Op& op) {
  if (op.code.builtin != BuiltinOp::Add && op.code.builtin != BuiltinOp::Sub) return;
  auto o = op.options.get_or_default<opt::FusedActivation>();
  o.pot_scale_int16 = false;
  op.options.table_type = default_options_table(op.code.builtin);
  op.options.value = o;
}

}  // namespace octet::quant
