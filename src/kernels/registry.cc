// The list of kernel families. Each family file defines its register_*
// function; adding a family means one declaration and one call here.
#include "kernels/kernel.h"

namespace octet::kernels {

// (families are added here as they land)
void register_elementwise_binary(Registry& r);
void register_comparison(Registry& r);
void register_elementwise_unary(Registry& r);
void register_activations(Registry& r);
void register_softmax(Registry& r);
void register_quantize(Registry& r);

const Registry& builtin_registry() {
  static const Registry registry = [] {
    Registry r;
    register_elementwise_binary(r);
    register_comparison(r);
    register_elementwise_unary(r);
    register_activations(r);
    register_softmax(r);
    register_quantize(r);
    return r;
  }();
  return registry;
}

}  // namespace octet::kernels
