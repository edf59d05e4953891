// The list of kernel families. Each family file defines its register_*
// function; adding a family means one declaration and one call here.
#include "kernels/kernel.h"

namespace octet::kernels {

// (families are added here as they land)
void register_batch_matmul(Registry&);
void register_conv_2d(Registry&);
void register_depthwise_conv_2d(Registry&);
void register_fully_connected(Registry&);
void register_pooling(Registry&);
void register_transpose_conv(Registry&);

const Registry& builtin_registry() {
  static const Registry registry = [] {
    Registry r;
    register_batch_matmul(r);
    register_conv_2d(r);
    register_depthwise_conv_2d(r);
    register_fully_connected(r);
    register_pooling(r);
    register_transpose_conv(r);
    return r;
  }();
  return registry;
}

}  // namespace octet::kernels
