// event_data: the EventData part of an event — named, typed values, with structs and arrays —
// stored as a flat list of items (like a JSON token stream) over one reused text arena, so
// that decoding an event allocates nothing once the vectors have grown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"

namespace etwcat {

/// The type of one EventData item, as the writers print it (docs/output-schema.md "Values").
enum class data_type : std::uint8_t {
  boolean,       // true / false
  signed_int,    // JSON number
  unsigned_int,  // JSON number
  hex_int,       // "0x1F" (upper-case digits)
  float32,       // shortest round-trip form of a float
  float64,       // shortest round-trip form of a double
  string,        // UTF-8 text (in the arena)
  guid,          // 16 bytes in the arena, printed "{…}"
  filetime,      // 100 ns since 1601 UTC, printed RFC 3339
  binary,        // bytes in the arena, printed as upper-case hex
  begin_struct,  // the members follow, up to the matching end_struct
  end_struct,
  begin_array,  // the elements (unnamed items) follow, up to the matching end_array
  end_array,
};

/// One item. Names point to storage that outlives the event (a cached schema, a static table);
/// text and bytes live in the owning event_data's arena.
struct data_item {
  std::string_view name;  // empty for array elements and end markers
  data_type type = data_type::unsigned_int;
  std::uint8_t hex_digits = 0;  // hex_int: minimum digits (0 = as many as needed)
  union {
    bool boolean;
    std::int64_t signed_value;
    std::uint64_t unsigned_value;  // also hex_int and filetime
    double float_value;            // float32 and float64
  };
  std::uint32_t arena_offset = 0;  // string, guid, binary
  std::uint32_t arena_size = 0;

  data_item() : unsigned_value(0) {}
};

/// Bytes of a payload after the last field its schema describes. TDH ignores them; the decoders
/// keep the fields, count the event as decoded, and say what was left (output: DecodeWarning,
/// Surplus). A producer that writes more than its manifest says (an 8-byte connid where the
/// template has 4), or a newer version of an event read with an older schema, leaves these.
struct payload_surplus {
  std::span<const std::byte> bytes;  // into the record's payload, like event::raw_data
  std::uint32_t offset = 0;          // where they start in the payload
  /// The version of the schema applied, when the warning should say it if the event's own
  /// version differs (manifest and MOF schemas); -1 for built-in layouts, which never do.
  std::int32_t schema_version = -1;
};

/// The EventData of one event: top-level items form an object; begin/end items nest.
///
///   data.clear();
///   data.add_unsigned("ProcessId", 4);
///   data.add_utf16("ImageName", bytes);
///   data.begin_array("Values"); data.add_signed({}, -1); data.end_array();
class event_data {
 public:
  /// Forgets all items; keeps capacity.
  void clear() noexcept {
    items_.clear();
    arena_.clear();
    surplus_ = {};
  }
  bool empty() const noexcept { return items_.empty(); }
  std::span<const data_item> items() const noexcept { return items_; }

  /// The text of a string item (empty for other types).
  std::string_view text(const data_item& item) const noexcept;
  /// The bytes of a guid/binary item (empty for other types).
  std::span<const std::byte> bytes(const data_item& item) const noexcept;
  /// The GUID of a guid item (null GUID for other types).
  guid guid_value(const data_item& item) const noexcept;

  /// What the schema left over after its last field; `bytes` empty when it consumed the payload.
  const payload_surplus& surplus() const noexcept { return surplus_; }
  void set_surplus(const payload_surplus& surplus) noexcept { surplus_ = surplus; }

  /// Calls `f(std::string_view& name)` for every item, so that a copy of the event can point
  /// its names into storage of its own (lib/event/owned_event).
  template <class F>
  void for_each_name(F&& f) {
    for (data_item& item : items_) f(item.name);
  }
  /// The heap memory held for items and text (capacity, not size).
  std::size_t memory() const noexcept {
    return items_.capacity() * sizeof(data_item) + arena_.capacity();
  }

  /// The first top-level item named `name`, ignoring ASCII case (schemas of one event differ:
  /// "ProcessId" in one, "ProcessID" in another), or nullptr.
  const data_item* find(std::string_view name) const noexcept;
  /// The integer value of the top-level member `name` (find()): unsigned and hex values as they
  /// are, signed ones as their 64 bits, booleans as 0 or 1; nothing when there is no such
  /// member or it holds no integer.
  std::optional<std::uint64_t> integer(std::string_view name) const noexcept;
  /// The text of the top-level string member `name`; empty when there is none.
  std::string_view string(std::string_view name) const noexcept;

  // --- building ------------------------------------------------------------------------------
  // (The fixed-size kinds are defined here, so that decoders inline them.)
  void add_bool(std::string_view name, bool value) {
    push(name, data_type::boolean).boolean = value;
  }
  void add_signed(std::string_view name, std::int64_t value) {
    push(name, data_type::signed_int).signed_value = value;
  }
  void add_unsigned(std::string_view name, std::uint64_t value) {
    push(name, data_type::unsigned_int).unsigned_value = value;
  }
  /// `digits` pads with zeros (8 for a HexInt32 when the format wants it); 0 = no padding.
  void add_hex(std::string_view name, std::uint64_t value, std::uint8_t digits = 0) {
    data_item& item = push(name, data_type::hex_int);
    item.unsigned_value = value;
    item.hex_digits = digits;
  }
  void add_float(std::string_view name, float value) {
    push(name, data_type::float32).float_value = value;
  }
  void add_double(std::string_view name, double value) {
    push(name, data_type::float64).float_value = value;
  }
  void add_filetime(std::string_view name, std::uint64_t filetime) {
    push(name, data_type::filetime).unsigned_value = filetime;
  }
  void add_guid(std::string_view name, const guid& value);
  void add_binary(std::string_view name, std::span<const std::byte> value);
  /// UTF-8 text, copied.
  void add_string(std::string_view name, std::string_view utf8);
  /// UTF-16LE bytes (an odd trailing byte is dropped); invalid UTF-16 becomes U+FFFD.
  void add_utf16(std::string_view name, std::span<const std::byte> utf16le);
  /// 8-bit text in Windows-1252 (ETW's "ANSI"); bytes 0x80–0x9F map per CP1252.
  void add_ansi(std::string_view name, std::span<const std::byte> ansi);
  /// 8-bit text that is UTF-8 (TraceLogging OutType UTF8/JSON/XML); invalid bytes → U+FFFD.
  void add_utf8(std::string_view name, std::span<const std::byte> utf8);

  /// For text built in pieces: append to arena() between begin_text() and end_text().
  std::size_t begin_text() const noexcept { return arena_.size(); }
  std::string& arena() noexcept { return arena_; }
  void end_text(std::string_view name, std::size_t begin);

  void begin_struct(std::string_view name);
  void end_struct();
  void begin_array(std::string_view name) { push(name, data_type::begin_array); }
  void end_array() { push({}, data_type::end_array); }

 private:
  data_item& push(std::string_view name, data_type type) {
    data_item& item = items_.emplace_back();
    item.name = name;
    item.type = type;
    return item;
  }
  std::vector<data_item> items_;
  std::string arena_;
  payload_surplus surplus_;
};

}  // namespace etwcat
