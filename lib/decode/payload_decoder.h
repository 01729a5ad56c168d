// payload_decoder: reads a payload with an event_schema (TDH rules, docs/etl-format.md §7.3)
// into EventData items: sizes from the types, lengths and counts from earlier properties,
// structs, arrays, value maps and the output types that change how a value prints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lib/decode/schema.h"
#include "lib/event/event_data.h"

namespace etwcat::decode {

/// Reusable: keeps the integer values of the properties decoded so far (for counts and
/// lengths), so decoding allocates nothing once warmed up.
class payload_decoder {
 public:
  /// Appends the properties of `schema` read from `payload` to `out`. Returns true when every
  /// property decoded and the payload was consumed exactly (or the schema allows trailing
  /// bytes). Otherwise sets `error` to one line naming the field and byte offset, e.g.
  /// "field ImageName at offset 24: runs past the end of the payload (20 bytes)" or
  /// "6 bytes left over after the last field (offset 40)", and `out` keeps what decoded.
  bool decode(const event_schema& schema, std::span<const std::byte> payload,
              std::uint8_t pointer_size, event_data& out, std::string& error);

 private:
  std::vector<std::uint64_t> values_;  // per property index: its integer value, if any
};

}  // namespace etwcat::decode
