// The list of kernel families. Each family file defines its register_*
// function; adding a family means one declaration and one call here.
#include "kernels/kernel.h"

namespace octet::kernels {

// (families are added here as they land)

const Registry& builtin_registry() {
  static const Registry registry = [] {
    Registry r;
    return r;
  }();
  return registry;
}

}  // namespace octet::kernels
