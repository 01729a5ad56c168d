// schema: what an event's payload holds, in the shape of TDH's TRACE_EVENT_INFO (properties
// with in/out types, counts, lengths, structs, maps) plus the names around it. Every schema
// source — KernelTraceControl metadata, instrumentation manifests, EventSource manifests in the
// stream, the built-in kernel layouts — produces this one model, and payload_decoder reads any
// payload with it. Spec: docs/etl-format.md §7.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"

namespace etwcat::decode {

/// TDH input types (_TDH_IN_TYPE), numbered as TDH numbers them (§7.3).
enum class in_type : std::uint16_t {
  null = 0,
  unicode_string = 1,
  ansi_string = 2,
  int8 = 3,
  uint8 = 4,
  int16 = 5,
  uint16 = 6,
  int32 = 7,
  uint32 = 8,
  int64 = 9,
  uint64 = 10,
  float32 = 11,
  float64 = 12,
  boolean = 13,  // 4 bytes
  binary = 14,
  guid = 15,
  pointer = 16,  // the record's pointer size
  filetime = 17,
  systemtime = 18,
  sid = 19,
  hex_int32 = 20,
  hex_int64 = 21,
  manifest_counted_string = 22,       // u16 byte count + UTF-16LE
  manifest_counted_ansi_string = 23,  // u16 byte count + 8-bit
  manifest_counted_binary = 25,       // u16 byte count + bytes
  counted_string = 300,
  counted_ansi_string = 301,
  reversed_counted_string = 302,
  reversed_counted_ansi_string = 303,
  non_null_terminated_string = 304,
  non_null_terminated_ansi_string = 305,
  unicode_char = 306,
  ansi_char = 307,
  size_t_ = 308,  // the record's pointer size
  hex_dump = 309,
  wbem_sid = 310,  // TOKEN_USER (2 pointers) + SID; 4 zero bytes when null (§6)
};

/// TDH output types (_TDH_OUT_TYPE), numbered as TDH numbers them (§7.3). Not TraceLogging's.
enum class out_type : std::uint16_t {
  none = 0,
  string = 1,
  datetime = 2,
  byte = 3,
  unsigned_byte = 4,
  short_ = 5,
  unsigned_short = 6,
  int_ = 7,
  unsigned_int = 8,
  long_ = 9,
  unsigned_long = 10,
  float_ = 11,
  double_ = 12,
  boolean = 13,
  guid = 14,
  hex_binary = 15,
  hex_int8 = 16,
  hex_int16 = 17,
  hex_int32 = 18,
  hex_int64 = 19,
  pid = 20,
  tid = 21,
  port = 22,  // big-endian u16
  ipv4 = 23,  // 4 bytes, network order, printed dotted
  ipv6 = 24,  // 16 bytes, printed RFC 5952
  socket_address = 25,
  cim_datetime = 26,
  etw_time = 27,
  xml = 28,
  error_code = 29,
  win32_error = 30,
  ntstatus = 31,
  hresult = 32,
  culture_insensitive_datetime = 33,
  json = 34,
  utf8 = 35,
  pkcs7_with_type_info = 36,
  code_pointer = 37,
  datetime_utc = 38,
  reduced_string = 300,
  no_print = 301,
};

/// A value map (manifest <valueMap>/<bitMap>, EVENT_MAP_INFO): values to names.
struct value_map {
  enum class kind : std::uint8_t { value, bitmap };
  std::string name;
  kind type = kind::value;
  struct entry {
    std::uint64_t value = 0;
    std::string name;  // trailing spaces already trimmed
  };
  std::vector<entry> entries;  // in declaration order
};

/// Where a length or count comes from.
enum class size_source : std::uint8_t {
  none,       // scalar / natural size of the type
  fixed,      // `length` or `count` holds it
  property,   // the value of the property at `length`/`count` (an index in the same schema)
  remaining,  // as many as the rest of the payload holds (StackWalk addresses, trailing blobs)
};

/// One property (field), like EVENT_PROPERTY_INFO. Struct members are `member_count`
/// properties starting at `first_member` in the same schema's property list.
struct property {
  std::string name;
  in_type in = in_type::null;
  out_type out = out_type::none;
  bool is_struct = false;
  std::uint16_t first_member = 0;
  std::uint16_t member_count = 0;
  size_source length_from = size_source::none;
  std::uint16_t length = 0;  // chars for strings, bytes for binary; or a property index
  size_source count_from = size_source::none;
  std::uint16_t count = 1;  // array element count; or a property index
  bool is_array = false;    // print as a JSON array even when the count is 1
  std::string map_name;     // empty = no map
  /// Filled by the schema store when the map is known (maps may arrive after the schema).
  const value_map* map = nullptr;
};

/// Which kind of source described the event.
enum class schema_source : std::uint8_t {
  manifest,      // instrumentation manifest (--manifest) or TDH DecodingSource 0
  mof,           // classic MOF class (TDH DecodingSource 1, KernelTraceControl metadata)
  kernel,        // built-in classic kernel layouts
  event_source,  // an EventSource manifest carried in the trace
};

/// The schema of one event (one provider + id + version, or class GUID + type + version).
struct event_schema {
  schema_source source = schema_source::manifest;
  guid provider_guid;  // manifest: the provider; classic: the provider (control) GUID if known
  guid event_guid;     // classic: the event class GUID; manifest: null
  std::string provider_name;

  std::uint16_t id = 0;  // manifest event id; classic: 0
  std::uint8_t version = 0;
  std::uint8_t channel = 0;
  std::uint8_t level = 0;
  std::uint8_t opcode = 0;  // classic: the event type
  std::uint16_t task = 0;
  std::uint64_t keywords = 0;

  /// "Task/Opcode", "Class/Type" or the event's own name, per output-schema.md "Names".
  std::string event_name;
  std::string task_name;
  std::string opcode_name;  // without a "win:" prefix
  std::string level_name;
  std::string channel_name;
  std::vector<std::string> keyword_names;  // in bit order
  std::string message;                     // format string with %1…, if any

  std::vector<property> properties;  // all, top-level ones first
  std::uint16_t top_level_count = 0;
  /// The payload may hold more bytes than the properties describe without that being an
  /// error (built-in kernel layouts applied to a newer version than they describe).
  bool allow_trailing_bytes = false;
};

using schema_ptr = std::shared_ptr<const event_schema>;

/// The manifest name of a TDH input type without its prefix ("UInt32", "UnicodeString"), or
/// "InType(N)" for a number TDH does not define. For listings (`etwcat providers --details`).
std::string in_type_name(in_type type);
/// The manifest name of a TDH output type ("HexInt32", "string"), "" for none, or "OutType(N)".
std::string out_type_name(out_type type);

/// The count quirk of docs/etl-format.md §7.3: metadata that gives an array a literal count
/// above 1 (CLRStackWalk's Stack, count 2) while the producer writes as many elements as the
/// integer field just before it says (FrameCount). True when properties[index - 1] is such a
/// field: a scalar integer named like a count ("…Count", "NumberOf…", "Num…"). Every schema
/// reader applies the same rule through this.
bool preceded_by_count_field(const std::vector<property>& properties, std::size_t index);

/// The keyword-mask rule of docs/output-schema.md "Values": true when a field so named holds a
/// bit mask — its name ends in "Keyword", "Keywords", "Mask" or "Flags", in any case, and does
/// not start with "NumberOf" (NumberOfULongPtrsInNodeMask counts). Every decoder prints a
/// 64-bit integer that its schema leaves decimal as "0x…" when this says so: EventSource
/// manifests declare keyword masks plain UInt64 (PerfView's ProviderEnableParameters
/// `keywords`), and above 2^53 a JSON reader that parses numbers as doubles loses its bits.
bool names_bit_mask(std::string_view field_name) noexcept;

}  // namespace etwcat::decode
