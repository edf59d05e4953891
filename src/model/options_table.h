// Internal to model/: the typed value each published options table carries.
#pragma once

#include "octet/options.h"

namespace octet {
OptionsValue options_value_for_table(int32_t table_type);
}
