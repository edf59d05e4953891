// Element types and operator codes, with the values the TFLite format uses.
// Both enums only grow; values are the published ones so they convert to and
// from the file by a cast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace octet {

enum class DType : int8_t {
  Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, String = 5,
  Bool = 6, Int16 = 7, Complex64 = 8, Int8 = 9, Float64 = 10,
  Complex128 = 11, UInt64 = 12, Resource = 13, Variant = 14, UInt32 = 15,
  UInt16 = 16, Int4 = 17, BFloat16 = 18,
};
inline constexpr int kDTypeCount = 19;

// Bytes per element; 0 for types without a fixed size (string, resource,
// variant, int4).
size_t dtype_size(DType t);
std::string_view dtype_name(DType t);  // "float32", "int8", ...
bool is_known_dtype(int value);

enum class BuiltinOp : int32_t {
  Add = 0,
  AveragePool2d = 1,
  Concatenation = 2,
  Conv2d = 3,
  DepthwiseConv2d = 4,
  DepthToSpace = 5,
  Dequantize = 6,
  EmbeddingLookup = 7,
  Floor = 8,
  FullyConnected = 9,
  HashtableLookup = 10,
  L2Normalization = 11,
  L2Pool2d = 12,
  LocalResponseNormalization = 13,
  Logistic = 14,
  LshProjection = 15,
  Lstm = 16,
  MaxPool2d = 17,
  Mul = 18,
  Relu = 19,
  ReluN1To1 = 20,
  Relu6 = 21,
  Reshape = 22,
  ResizeBilinear = 23,
  Rnn = 24,
  Softmax = 25,
  SpaceToDepth = 26,
  Svdf = 27,
  Tanh = 28,
  ConcatEmbeddings = 29,
  SkipGram = 30,
  Call = 31,
  Custom = 32,
  EmbeddingLookupSparse = 33,
  Pad = 34,
  UnidirectionalSequenceRnn = 35,
  Gather = 36,
  BatchToSpaceNd = 37,
  SpaceToBatchNd = 38,
  Transpose = 39,
  Mean = 40,
  Sub = 41,
  Div = 42,
  Squeeze = 43,
  UnidirectionalSequenceLstm = 44,
  StridedSlice = 45,
  BidirectionalSequenceRnn = 46,
  Exp = 47,
  TopkV2 = 48,
  Split = 49,
  LogSoftmax = 50,
  Delegate = 51,
  BidirectionalSequenceLstm = 52,
  Cast = 53,
  Prelu = 54,
  Maximum = 55,
  ArgMax = 56,
  Minimum = 57,
  Less = 58,
  Neg = 59,
  Padv2 = 60,
  Greater = 61,
  GreaterEqual = 62,
  LessEqual = 63,
  Select = 64,
  Slice = 65,
  Sin = 66,
  TransposeConv = 67,
  SparseToDense = 68,
  Tile = 69,
  ExpandDims = 70,
  Equal = 71,
  NotEqual = 72,
  Log = 73,
  Sum = 74,
  Sqrt = 75,
  Rsqrt = 76,
  Shape = 77,
  Pow = 78,
  ArgMin = 79,
  FakeQuant = 80,
  ReduceProd = 81,
  ReduceMax = 82,
  Pack = 83,
  LogicalOr = 84,
  OneHot = 85,
  LogicalAnd = 86,
  LogicalNot = 87,
  Unpack = 88,
  ReduceMin = 89,
  FloorDiv = 90,
  ReduceAny = 91,
  Square = 92,
  ZerosLike = 93,
  Fill = 94,
  FloorMod = 95,
  Range = 96,
  ResizeNearestNeighbor = 97,
  LeakyRelu = 98,
  SquaredDifference = 99,
  MirrorPad = 100,
  Abs = 101,
  SplitV = 102,
  Unique = 103,
  Ceil = 104,
  ReverseV2 = 105,
  AddN = 106,
  GatherNd = 107,
  Cos = 108,
  Where = 109,
  Rank = 110,
  Elu = 111,
  ReverseSequence = 112,
  MatrixDiag = 113,
  Quantize = 114,
  MatrixSetDiag = 115,
  Round = 116,
  HardSwish = 117,
  If = 118,
  While = 119,
  NonMaxSuppressionV4 = 120,
  NonMaxSuppressionV5 = 121,
  ScatterNd = 122,
  SelectV2 = 123,
  Densify = 124,
  SegmentSum = 125,
  BatchMatmul = 126,
  PlaceholderForGreaterOpCodes = 127,
  Cumsum = 128,
  CallOnce = 129,
  BroadcastTo = 130,
  Rfft2d = 131,
  Conv3d = 132,
  Imag = 133,
  Real = 134,
  ComplexAbs = 135,
  Hashtable = 136,
  HashtableFind = 137,
  HashtableImport = 138,
  HashtableSize = 139,
  ReduceAll = 140,
  Conv3dTranspose = 141,
  VarHandle = 142,
  ReadVariable = 143,
  AssignVariable = 144,
  BroadcastArgs = 145,
  RandomStandardNormal = 146,
  Bucketize = 147,
  RandomUniform = 148,
  Multinomial = 149,
  Gelu = 150,
  DynamicUpdateSlice = 151,
  Relu0To1 = 152,
  UnsortedSegmentProd = 153,
  UnsortedSegmentMax = 154,
  UnsortedSegmentSum = 155,
  Atan2 = 156,
  UnsortedSegmentMin = 157,
  Sign = 158,
  Bitcast = 159,
  BitwiseXor = 160,
  RightShift = 161,
};
inline constexpr int32_t kBuiltinOpCount = 162;

std::string_view builtin_op_name(BuiltinOp op);

// The DType that a C++ element type stands for (float → Float32, ...).
template <class T>
constexpr DType dtype_of() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, float>) return DType::Float32;
  else if constexpr (std::is_same_v<U, double>) return DType::Float64;
  else if constexpr (std::is_same_v<U, int8_t>) return DType::Int8;
  else if constexpr (std::is_same_v<U, uint8_t>) return DType::UInt8;
  else if constexpr (std::is_same_v<U, int16_t>) return DType::Int16;
  else if constexpr (std::is_same_v<U, uint16_t>) return DType::UInt16;
  else if constexpr (std::is_same_v<U, int32_t>) return DType::Int32;
  else if constexpr (std::is_same_v<U, uint32_t>) return DType::UInt32;
  else if constexpr (std::is_same_v<U, int64_t>) return DType::Int64;
  else if constexpr (std::is_same_v<U, uint64_t>) return DType::UInt64;
  else if constexpr (std::is_same_v<U, bool>) return DType::Bool;
  else static_assert(sizeof(U) == 0, "no DType for this element type");
}  // "FULLY_CONNECTED"; "UNKNOWN_<n>" outside the list

}  // namespace octet
