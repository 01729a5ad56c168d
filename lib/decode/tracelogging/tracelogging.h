// tracelogging: decodes TraceLogging (self-describing) events, whose metadata travels in every
// record as extended items EVENT_SCHEMA_TL (0x0B) and PROV_TRAITS (0x0C).
// Spec: docs/etl-format.md §4 and §5 (metadata blob, provider traits, InTypes and OutTypes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/etl/record_view.h"
#include "lib/event/event.h"

namespace etwcat::decode {

/// TraceLogging InTypes (§5.3): bits 0–4 of a field's InMeta byte.
namespace tl_in {
constexpr std::uint8_t unicode_string = 1;
constexpr std::uint8_t ansi_string = 2;
constexpr std::uint8_t int8 = 3;
constexpr std::uint8_t uint8 = 4;
constexpr std::uint8_t int16 = 5;
constexpr std::uint8_t uint16 = 6;
constexpr std::uint8_t int32 = 7;
constexpr std::uint8_t uint32 = 8;
constexpr std::uint8_t int64 = 9;
constexpr std::uint8_t uint64 = 10;
constexpr std::uint8_t float32 = 11;
constexpr std::uint8_t float64 = 12;
constexpr std::uint8_t bool32 = 13;
constexpr std::uint8_t binary = 14;
constexpr std::uint8_t guid = 15;
constexpr std::uint8_t pointer = 16;
constexpr std::uint8_t filetime = 17;
constexpr std::uint8_t systemtime = 18;
constexpr std::uint8_t sid = 19;
constexpr std::uint8_t hex_int32 = 20;
constexpr std::uint8_t hex_int64 = 21;
constexpr std::uint8_t counted_string = 22;
constexpr std::uint8_t counted_ansi_string = 23;
constexpr std::uint8_t structure = 24;
constexpr std::uint8_t counted_binary = 25;
}  // namespace tl_in

/// TraceLogging OutTypes (§5.3; not TDH's numbering): bits 0–6 of OutMeta.
namespace tl_out {
constexpr std::uint8_t none = 0;
constexpr std::uint8_t no_print = 1;
constexpr std::uint8_t string = 2;
constexpr std::uint8_t boolean = 3;
constexpr std::uint8_t hex = 4;
constexpr std::uint8_t pid = 5;
constexpr std::uint8_t tid = 6;
constexpr std::uint8_t port = 7;
constexpr std::uint8_t ipv4 = 8;
constexpr std::uint8_t ipv6 = 9;
constexpr std::uint8_t socket_address = 10;
constexpr std::uint8_t xml = 11;
constexpr std::uint8_t json = 12;
constexpr std::uint8_t win32_error = 13;
constexpr std::uint8_t ntstatus = 14;
constexpr std::uint8_t hresult = 15;
constexpr std::uint8_t filetime = 16;
constexpr std::uint8_t signed_int = 17;
constexpr std::uint8_t unsigned_int = 18;
constexpr std::uint8_t datetime_culture_insensitive = 33;
constexpr std::uint8_t utf8 = 35;
constexpr std::uint8_t pkcs7_with_type_info = 36;
constexpr std::uint8_t code_pointer = 37;
constexpr std::uint8_t datetime_utc = 38;
}  // namespace tl_out

/// How many values a field holds (InMeta bits 5–6).
enum class tl_count : std::uint8_t {
  scalar = 0x00,
  fixed = 0x20,     // const count, in the metadata
  variable = 0x40,  // u16 count in the payload before the elements
  custom = 0x60,    // u16 byte count + bytes, serialized by a custom encoder
};

/// One field of a TraceLogging event, as its metadata declares it.
struct tl_field {
  std::string name;  // UTF-8
  std::uint8_t in = 0;
  std::uint8_t out = tl_out::none;
  tl_count count_kind = tl_count::scalar;
  std::uint16_t const_count = 0;   // tl_count::fixed
  std::uint16_t member_count = 0;  // structs: direct members (OutType low 7 bits)
  std::uint16_t end = 0;           // index past this field's last (nested) member
  std::uint32_t tags = 0;          // 28-bit field tags
};

/// The parsed metadata of one TraceLogging event (ext item 0x0B). Struct members follow their
/// struct in `fields`; top-level fields are found by hopping from 0 over each field's `end`.
struct tl_event_schema {
  std::string name;
  std::uint32_t tags = 0;
  std::vector<tl_field> fields;
  /// Set when the blob is malformed: one line, with the byte offset in the blob. The name is
  /// kept if it was read; `fields` is then empty.
  std::string error;
};

/// Structs nest at most this deep; deeper metadata is rejected, so that hostile blobs cannot
/// make the recursive payload walk overflow the stack.
constexpr std::size_t tl_max_struct_depth = 32;

/// Parses an EVENT_SCHEMA_TL blob (§5.1). Never fails as a call: problems go to `error`.
tl_event_schema parse_tl_event_schema(std::span<const std::byte> blob);

/// Appends the fields of `schema` read from a TraceLogging `payload` to `out`. True when every
/// field decoded and the payload was consumed exactly; otherwise `error` says which field and
/// where, e.g. "field b at offset 12: runs past the end of the payload (14 bytes)" or
/// "3 bytes left over after the last field (offset 40)", and `out` keeps what decoded (open
/// structs and arrays closed). `pointer_size` (4 or 8) is the record's (§2.10). Item names
/// point into `schema`, which must outlive them.
bool decode_tl_payload(const tl_event_schema& schema, std::span<const std::byte> payload,
                       std::uint8_t pointer_size, event_data& out, std::string& error);

/// Decodes TraceLogging events. Keeps the parsed metadata of every distinct blob (keyed by
/// its bytes, never by event id: all TraceLogging events of a provider share id 0), so decoding
/// allocates nothing once each event shape has been seen. Names in the events it fills point
/// into this cache: the decoder must outlive them. Not thread-safe.
///
///   tracelogging_decoder tl;
///   while (reader.next(record)) {
///     fill_event(record, clock, e);
///     if (!tl.decode(record, e)) { /* manifest, MOF, … */ }
///   }
class tracelogging_decoder {
 public:
  /// True when `record` carries TraceLogging metadata (ext item 0x0B). Then fills `out.data`
  /// with the fields, sets the event name and, when a PROV_TRAITS item is present,
  /// `out.provider_name`; sets `out.payload_decoded` when the payload decoded exactly, else
  /// `out.decode_error` to one line (field name + byte offset) and keeps what decoded.
  /// `out` was already filled by fill_event().
  bool decode(const etl::record_view& record, event& out);

  /// Number of distinct event metadata blobs seen (for tests and statistics).
  std::size_t cached_schemas() const noexcept { return schemas_.size(); }

 private:
  // Transparent hashing: lookups by the bytes as a string_view build no key string.
  struct bytes_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  const tl_event_schema& schema_for(std::span<const std::byte> blob);
  std::string_view provider_name_for(std::span<const std::byte> blob);

  // Map nodes never move, so views into the values stay valid as the maps grow.
  std::unordered_map<std::string, tl_event_schema, bytes_hash, std::equal_to<>> schemas_;
  std::unordered_map<std::string, std::string, bytes_hash, std::equal_to<>> provider_names_;
};

}  // namespace etwcat::decode
