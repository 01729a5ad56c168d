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
///
/// Printing decisions beyond TDH's documentation:
/// * Value maps: a mapped field (integer or boolean) is always a string, so that its JSON type
///   follows from the schema: a valuemap value prints as the entry's name; a bitmap value as
///   the names of its set entries joined with "|", any bits no entry names appended as one
///   "0x…" part. When no name applies (no match, 0 without a zero entry, or a map the schema
///   names but the trace never defined) the value prints as "0x…" (upper-case digits).
/// * An array of int8/uint8 (OutType STRING) or ANSICHAR is one ANSI string, an array of
///   uint16 (OutType STRING) or UNICODECHAR one UTF-16 string, cut at the first NUL.
/// * POINTER and SIZET print as hex unless the out type is a decimal one (UNSIGNEDLONG, PID…);
///   HEXINT*, WIN32ERROR, NTSTATUS, HRESULT, ERRORCODE and CODE_POINTER print as hex, and so
///   does a 64-bit integer otherwise decimal that names_bit_mask() (schema.h) calls a keyword
///   mask ("keywords", "ProcessorMask").
/// * A null WBEM SID prints as "", an invalid SYSTEMTIME as its 16 bytes (binary).
/// * A string whose NUL is missing takes the rest of the payload (TDH tolerates this for the
///   last field); a fixed-length string is cut at its first NUL but consumes its full length.
/// * SOCKETADDRESS prints "a.b.c.d:port" / "[v6]:port" for AF_INET / AF_INET6, else binary.
class payload_decoder {
 public:
  /// Appends the properties of `schema` read from `payload` to `out`. Returns true when every
  /// property decoded. Bytes after the last property are not an error (TDH ignores them):
  /// they go to out.surplus(), unless the schema allows trailing bytes, which are dropped
  /// silently. Otherwise sets `error` to one line naming the field and byte offset, e.g.
  /// "field Items[2].Name at offset 24: runs past the end of the payload (8 bytes needed,
  /// 3 left)", and `out` keeps what decoded (containers opened for a failing field are
  /// closed). `pointer_size` is 4 or 8 (anything else counts as 8). A schema without
  /// properties for a payload that has bytes is replaced by the built-in layout of that event
  /// when there is one (find_builtin_event_layout(): CLR-Private GC/PerHeapHistory).
  bool decode(const event_schema& schema, std::span<const std::byte> payload,
              std::uint8_t pointer_size, event_data& out, std::string& error);

  /// Structs nested deeper than this are an error (a schema whose struct contains itself).
  static constexpr int max_struct_depth = 8;
  /// Elements that take no bytes (empty structs, zero-length blobs) allowed in one payload;
  /// bounds the work a hostile count can cause.
  static constexpr std::size_t max_empty_elements = 4096;

 private:
  class reader;                        // the state of one decode() call
  std::vector<std::uint64_t> values_;  // per property index: its integer value, if any
  std::vector<std::uint8_t> known_;    // per property index: 1 when values_ holds a value
};

}  // namespace etwcat::decode
