// The list of kernel families. Each family file defines its register_*
// function; adding a family means one declaration and one call here.
#include "kernels/kernel.h"

namespace octet::kernels {

void register_elementwise_binary(Registry& r);
void register_comparison(Registry& r);
void register_elementwise_binary_quantized(Registry& r);
void register_comparison_quantized(Registry& r);
void register_select(Registry& r);
void register_relu_quantized(Registry& r);
void register_abs_neg_quantized(Registry& r);
void register_elementwise_unary(Registry& r);
void register_activations(Registry& r);
void register_softmax(Registry& r);
void register_activations_quantized(Registry& r);
void register_softmax_quantized(Registry& r);
void register_exp_rsqrt_quantized(Registry& r);
void register_quantize(Registry& r);
void register_reshape(Registry& r);
void register_transpose(Registry& r);
void register_concatenation(Registry& r);
void register_split(Registry& r);
void register_pack(Registry& r);
void register_slice(Registry& r);
void register_gather(Registry& r);
void register_tile(Registry& r);
void register_pad(Registry& r);
void register_resize(Registry& r);
void register_reduce(Registry& r);
void register_arg_max(Registry& r);
void register_cumsum(Registry& r);
void register_fill(Registry& r);
void register_depth_to_space(Registry& r);
void register_densify(Registry& r);
void register_batch_matmul(Registry& r);
void register_batch_matmul_quantized(Registry& r);
void register_conv_2d(Registry& r);
void register_conv_2d_quantized(Registry& r);
void register_depthwise_conv_2d(Registry& r);
void register_depthwise_conv_2d_quantized(Registry& r);
void register_fully_connected(Registry& r);
void register_fully_connected_quantized(Registry& r);
void register_pooling(Registry& r);
void register_pooling_quantized(Registry& r);
void register_reduce_quantized(Registry& r);
void register_transpose_conv(Registry& r);
void register_transpose_conv_quantized(Registry& r);
void register_hybrid_fully_connected(Registry& r);
void register_hybrid_batch_matmul(Registry& r);
void register_hybrid_conv_2d(Registry& r);
void register_hybrid_depthwise_conv_2d(Registry& r);

const Registry& builtin_registry() {
  static const Registry registry = [] {
    Registry r;
    register_elementwise_binary(r);
    register_comparison(r);
    register_elementwise_binary_quantized(r);
    register_comparison_quantized(r);
    register_select(r);
    register_relu_quantized(r);
    register_abs_neg_quantized(r);
    register_elementwise_unary(r);
    register_activations(r);
    register_softmax(r);
    register_activations_quantized(r);
    register_softmax_quantized(r);
    register_exp_rsqrt_quantized(r);
    register_quantize(r);
    register_reshape(r);
    register_transpose(r);
    register_concatenation(r);
    register_split(r);
    register_pack(r);
    register_slice(r);
    register_gather(r);
    register_tile(r);
    register_pad(r);
    register_resize(r);
    register_reduce(r);
    register_arg_max(r);
    register_cumsum(r);
    register_fill(r);
    register_depth_to_space(r);
    register_densify(r);
    register_batch_matmul(r);
    register_batch_matmul_quantized(r);
    register_conv_2d(r);
    register_conv_2d_quantized(r);
    register_depthwise_conv_2d(r);
    register_depthwise_conv_2d_quantized(r);
    register_fully_connected(r);
    register_fully_connected_quantized(r);
    register_pooling(r);
    register_pooling_quantized(r);
    register_reduce_quantized(r);
    register_transpose_conv(r);
    register_transpose_conv_quantized(r);
    register_hybrid_fully_connected(r);
    register_hybrid_batch_matmul(r);
    register_hybrid_conv_2d(r);
    register_hybrid_depthwise_conv_2d(r);
    return r;
  }();
  return registry;
}

}  // namespace octet::kernels
