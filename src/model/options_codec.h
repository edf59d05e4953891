// Internal to model/: builtin options between the flatbuffer tables and
// octet's typed structs. The only place that knows each table's fields.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include "octet/options.h"
#include "tflite_generated.h"

namespace octet {

// Reads the options of `op` (any published table type; a type octet does not
// model gives opt::None with its type kept, and writing it back fails).
Options read_options(const fb::Operator& op);
// Whether octet can write the given table type back.
bool can_write_options(int32_t table_type);
// Writes the table for `options`; fails naming the op if the value does not
// fit the table type.
flatbuffers::Offset<void> write_options(flatbuffers::FlatBufferBuilder& fbb, const Options& options,
                                        std::string_view where);

}  // namespace octet
