#include "octet/options.h"

#include "model/options_table.h"

#include <utility>

namespace octet {

namespace {

// Published BuiltinOptions type values (see schema/tflite.fbs).
struct TableEntry {
  int32_t type;
  const char* name;
};
constexpr TableEntry kTables[] = {
    {1, "Conv2DOptions"}, {2, "DepthwiseConv2DOptions"}, {5, "Pool2DOptions"},
    {8, "FullyConnectedOptions"}, {9, "SoftmaxOptions"}, {10, "ConcatenationOptions"},
    {11, "AddOptions"}, {12, "L2NormOptions"}, {15, "ResizeBilinearOptions"},
    {17, "ReshapeOptions"}, {19, "SpaceToDepthOptions"}, {21, "MulOptions"},
    {22, "PadOptions"}, {23, "GatherOptions"}, {26, "TransposeOptions"},
    {27, "ReducerOptions"}, {28, "SubOptions"}, {29, "DivOptions"}, {30, "SqueezeOptions"},
    {32, "StridedSliceOptions"}, {33, "ExpOptions"}, {35, "SplitOptions"},
    {36, "LogSoftmaxOptions"}, {37, "CastOptions"}, {38, "DequantizeOptions"},
    {39, "MaximumMinimumOptions"}, {40, "ArgMaxOptions"}, {41, "LessOptions"},
    {42, "NegOptions"}, {43, "PadV2Options"}, {44, "GreaterOptions"},
    {45, "GreaterEqualOptions"}, {46, "LessEqualOptions"}, {47, "SelectOptions"},
    {48, "SliceOptions"}, {49, "TransposeConvOptions"}, {51, "TileOptions"},
    {52, "ExpandDimsOptions"}, {53, "EqualOptions"}, {54, "NotEqualOptions"},
    {55, "ShapeOptions"}, {56, "PowOptions"}, {57, "ArgMinOptions"}, {59, "PackOptions"},
    {60, "LogicalOrOptions"}, {62, "LogicalAndOptions"}, {63, "LogicalNotOptions"},
    {64, "UnpackOptions"}, {66, "SquareOptions"}, {67, "ZerosLikeOptions"},
    {68, "FillOptions"}, {74, "ResizeNearestNeighborOptions"}, {75, "LeakyReluOptions"},
    {76, "SquaredDifferenceOptions"}, {77, "MirrorPadOptions"}, {78, "AbsOptions"},
    {79, "SplitVOptions"}, {84, "CosOptions"}, {86, "RankOptions"}, {89, "QuantizeOptions"},
    {91, "HardSwishOptions"}, {94, "DepthToSpaceOptions"}, {98, "SelectV2Options"},
    {99, "DensifyOptions"}, {101, "BatchMatMulOptions"}, {102, "CumsumOptions"},
    {104, "BroadcastToOptions"}, {116, "GeluOptions"},
};

}  // namespace

const char* options_table_name(int32_t table_type) {
  if (table_type == 0) return "none";
  for (const auto& e : kTables)
    if (e.type == table_type) return e.name;
  return "an options table octet does not model";
}

int32_t default_options_table(BuiltinOp op) {
  using B = BuiltinOp;
  switch (op) {
    case B::Conv2d: return 1;
    case B::DepthwiseConv2d: return 2;
    case B::AveragePool2d: case B::MaxPool2d: case B::L2Pool2d: return 5;
    case B::FullyConnected: return 8;
    case B::Softmax: return 9;
    case B::Concatenation: return 10;
    case B::Add: return 11;
    case B::L2Normalization: return 12;
    case B::ResizeBilinear: return 15;
    case B::Reshape: return 17;
    case B::SpaceToDepth: return 19;
    case B::Mul: return 21;
    case B::Pad: return 22;
    case B::Gather: return 23;
    case B::Transpose: return 26;
    case B::Mean: case B::Sum: case B::ReduceMax: case B::ReduceMin: case B::ReduceProd:
    case B::ReduceAny: return 27;
    case B::Sub: return 28;
    case B::Div: return 29;
    case B::Squeeze: return 30;
    case B::StridedSlice: return 32;
    case B::Exp: return 33;
    case B::Split: return 35;
    case B::LogSoftmax: return 36;
    case B::Cast: return 37;
    case B::Dequantize: return 38;
    case B::Maximum: case B::Minimum: return 39;
    case B::ArgMax: return 40;
    case B::Less: return 41;
    case B::Neg: return 42;
    case B::Padv2: return 43;
    case B::Greater: return 44;
    case B::GreaterEqual: return 45;
    case B::LessEqual: return 46;
    case B::Select: return 47;
    case B::Slice: return 48;
    case B::TransposeConv: return 49;
    case B::Tile: return 51;
    case B::ExpandDims: return 52;
    case B::Equal: return 53;
    case B::NotEqual: return 54;
    case B::Shape: return 55;
    case B::Pow: return 56;
    case B::ArgMin: return 57;
    case B::Pack: return 59;
    case B::LogicalOr: return 60;
    case B::LogicalAnd: return 62;
    case B::LogicalNot: return 63;
    case B::Unpack: return 64;
    case B::Square: return 66;
    case B::ZerosLike: return 67;
    case B::Fill: return 68;
    case B::ResizeNearestNeighbor: return 74;
    case B::LeakyRelu: return 75;
    case B::SquaredDifference: return 76;
    case B::MirrorPad: return 77;
    case B::Abs: return 78;
    case B::SplitV: return 79;
    case B::Cos: return 84;
    case B::Rank: return 86;
    case B::Quantize: return 89;
    case B::HardSwish: return 91;
    case B::DepthToSpace: return 94;
    case B::SelectV2: return 98;
    case B::Densify: return 99;
    case B::BatchMatmul: return 101;
    case B::Cumsum: return 102;
    case B::BroadcastTo: return 104;
    case B::Gelu: return 116;
    default: return 0;
  }
}

// The typed value a table type carries (opt::None for empty tables).
OptionsValue options_value_for_table(int32_t table_type) {
  switch (table_type) {
    case 1: return opt::Conv2D{};
    case 2: return opt::DepthwiseConv2D{};
    case 5: return opt::Pool2D{};
    case 8: return opt::FullyConnected{};
    case 9: return opt::Softmax{};
    case 10: return opt::Concatenation{};
    case 11: case 12: case 21: case 28: case 29: return opt::FusedActivation{};
    case 15: case 74: return opt::Resize{};
    case 17: return opt::Reshape{};
    case 19: case 94: return opt::BlockSize{};
    case 23: return opt::Gather{};
    case 27: return opt::Reducer{};
    case 30: return opt::Squeeze{};
    case 32: return opt::StridedSlice{};
    case 35: case 79: return opt::Split{};
    case 37: return opt::Cast{};
    case 40: case 55: case 57: return opt::OutputType{};
    case 49: return opt::TransposeConv{};
    case 59: return opt::Pack{};
    case 64: return opt::Unpack{};
    case 75: return opt::LeakyRelu{};
    case 77: return opt::MirrorPad{};
    case 101: return opt::BatchMatMul{};
    case 102: return opt::Cumsum{};
    case 116: return opt::Gelu{};
    default: return opt::None{};
  }
}

Options default_options(BuiltinOp op) {
  Options o;
  o.table_type = default_options_table(op);
  o.value = options_value_for_table(o.table_type);
  if (op == BuiltinOp::ArgMax || op == BuiltinOp::ArgMin || op == BuiltinOp::Shape)
    o.value = opt::OutputType{op == BuiltinOp::Shape ? DType::Int32 : DType::Int64};
  return o;
}

}  // namespace octet
