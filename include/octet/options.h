// Builtin options of the ops octet knows, as plain typed structs. Field
// defaults are the TFLite schema's defaults, so an op whose file omits its
// options table reads the same as one that stores the defaults.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "octet/types.h"

namespace octet {

enum class Activation : int8_t { None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4, SignBit = 5 };
enum class Padding : int8_t { Same = 0, Valid = 1 };

namespace opt {

#define OCTET_OPTIONS_EQ(T) friend bool operator==(const T&, const T&) = default

struct None { OCTET_OPTIONS_EQ(None); };

// ADD, SUB (pot_scale_int16), MUL, DIV, L2_NORMALIZATION.
struct FusedActivation {
  Activation activation = Activation::None;
  bool pot_scale_int16 = true;
  OCTET_OPTIONS_EQ(FusedActivation);
};

struct Conv2D {
  Padding padding = Padding::Same;
  int32_t stride_w = 0, stride_h = 0;
  Activation activation = Activation::None;
  int32_t dilation_w = 1, dilation_h = 1;
  DType quantized_bias_type = DType::Float32;
  OCTET_OPTIONS_EQ(Conv2D);
};

struct DepthwiseConv2D {
  Padding padding = Padding::Same;
  int32_t stride_w = 0, stride_h = 0;
  int32_t depth_multiplier = 0;
  Activation activation = Activation::None;
  int32_t dilation_w = 1, dilation_h = 1;
  OCTET_OPTIONS_EQ(DepthwiseConv2D);
};

// TRANSPOSE_CONV; MediaPipe's Convolution2DTransposeBias stores the same
// (padding, strides) in its custom options.
struct TransposeConv {
  Padding padding = Padding::Same;
  int32_t stride_w = 0, stride_h = 0;
  Activation activation = Activation::None;
  DType quantized_bias_type = DType::Float32;
  OCTET_OPTIONS_EQ(TransposeConv);
};

struct Pool2D {
  Padding padding = Padding::Same;
  int32_t stride_w = 0, stride_h = 0;
  int32_t filter_w = 0, filter_h = 0;
  Activation activation = Activation::None;
  OCTET_OPTIONS_EQ(Pool2D);
};

struct FullyConnected {
  Activation activation = Activation::None;
  int8_t weights_format = 0;  // 0 = DEFAULT
  bool keep_num_dims = false;
  bool asymmetric_quantize_inputs = false;
  DType quantized_bias_type = DType::Float32;
  OCTET_OPTIONS_EQ(FullyConnected);
};

struct Softmax { float beta = 0.f; OCTET_OPTIONS_EQ(Softmax); };

struct Concatenation {
  int32_t axis = 0;
  Activation activation = Activation::None;
  OCTET_OPTIONS_EQ(Concatenation);
};

// RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR.
struct Resize {
  bool align_corners = false;
  bool half_pixel_centers = false;
  OCTET_OPTIONS_EQ(Resize);
};

struct Reshape {
  std::vector<int32_t> new_shape;
  bool has_new_shape = false;  // a present-but-empty new_shape means rank 0
  OCTET_OPTIONS_EQ(Reshape);
};

struct Reducer { bool keep_dims = false; OCTET_OPTIONS_EQ(Reducer); };
struct Squeeze { std::vector<int32_t> squeeze_dims; OCTET_OPTIONS_EQ(Squeeze); };
// SPLIT, SPLIT_V.
struct Split { int32_t num_splits = 0; OCTET_OPTIONS_EQ(Split); };

struct StridedSlice {
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;
  OCTET_OPTIONS_EQ(StridedSlice);
};

struct Cast {
  DType in_type = DType::Float32, out_type = DType::Float32;
  OCTET_OPTIONS_EQ(Cast);
};

// ARG_MAX, ARG_MIN (output_type), SHAPE (out_type).
struct OutputType { DType type = DType::Float32; OCTET_OPTIONS_EQ(OutputType); };

struct Pack { int32_t values_count = 0, axis = 0; OCTET_OPTIONS_EQ(Pack); };
struct Unpack { int32_t num = 0, axis = 0; OCTET_OPTIONS_EQ(Unpack); };
struct Gather { int32_t axis = 0, batch_dims = 0; OCTET_OPTIONS_EQ(Gather); };
struct LeakyRelu { float alpha = 0.f; OCTET_OPTIONS_EQ(LeakyRelu); };

struct BatchMatMul {
  bool adj_x = false, adj_y = false, asymmetric_quantize_inputs = false;
  OCTET_OPTIONS_EQ(BatchMatMul);
};

struct Cumsum { bool exclusive = false, reverse = false; OCTET_OPTIONS_EQ(Cumsum); };
struct Gelu { bool approximate = false; OCTET_OPTIONS_EQ(Gelu); };
// DEPTH_TO_SPACE, SPACE_TO_DEPTH.
struct BlockSize { int32_t block_size = 0; OCTET_OPTIONS_EQ(BlockSize); };
struct MirrorPad { int8_t mode = 0; OCTET_OPTIONS_EQ(MirrorPad); };

#undef OCTET_OPTIONS_EQ
}  // namespace opt

using OptionsValue =
    std::variant<opt::None, opt::FusedActivation, opt::Conv2D, opt::DepthwiseConv2D,
                 opt::TransposeConv, opt::Pool2D, opt::FullyConnected, opt::Softmax,
                 opt::Concatenation, opt::Resize, opt::Reshape, opt::Reducer, opt::Squeeze,
                 opt::Split, opt::StridedSlice, opt::Cast, opt::OutputType, opt::Pack,
                 opt::Unpack, opt::Gather, opt::LeakyRelu, opt::BatchMatMul, opt::Cumsum,
                 opt::Gelu, opt::BlockSize, opt::MirrorPad>;

// An op's options: the published BuiltinOptions union type it is stored as
// (0 = no table) and its typed value. Empty tables (PadOptions, ...) carry
// opt::None with their type, so files round-trip unchanged.
struct Options {
  int32_t table_type = 0;
  OptionsValue value;

  template <class T>
  const T* get() const { return std::get_if<T>(&value); }
  // The options as T, or T's schema defaults when the file stored none.
  template <class T>
  T get_or_default() const {
    const T* p = get<T>();
    return p ? *p : T{};
  }
  friend bool operator==(const Options&, const Options&) = default;
};

// The options table type TFLite converters write for an op (0 if none), and
// the typed value for it with schema defaults. Used by the builder.
int32_t default_options_table(BuiltinOp op);
Options default_options(BuiltinOp op);
// Name of a published BuiltinOptions type ("Conv2DOptions"), for errors.
const char* options_table_name(int32_t table_type);

}  // namespace octet
