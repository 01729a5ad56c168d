// tracelogging: EVENT_SCHEMA_TL / PROV_TRAITS parsing and the payload walk, per
// docs/etl-format.md §5. Metadata is parsed once per distinct blob; the walk itself only
// appends to the event's reused item list.
#include "lib/decode/tracelogging/tracelogging.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>

#include "lib/base/byte_cursor.h"
#include "lib/base/net_address.h"
#include "lib/base/time_format.h"
#include "lib/base/unicode.h"
#include "lib/decode/schema.h"
#include "lib/etl/layout.h"
#include "lib/event/record_event.h"

namespace etwcat::decode {
namespace {

// --- metadata ---------------------------------------------------------------------------------

std::string offset_text(std::string_view what, std::size_t offset) {
  std::string s(what);
  s += " at metadata offset ";
  s += std::to_string(offset);
  return s;
}

// Reads a NUL-terminated UTF-8 string; false when no NUL comes before the end.
bool read_utf8z(byte_cursor& in, std::string& out) {
  const auto rest = in.rest();
  const auto nul = std::find(rest.begin(), rest.end(), std::byte{0});
  if (nul == rest.end()) return false;
  const auto length = static_cast<std::size_t>(nul - rest.begin());
  // Names reach the JSON output as they are, so invalid UTF-8 is replaced here, once.
  out.clear();
  append_checked_utf8(out, rest.first(length));
  return in.skip(length + 1);
}

// Tags (§5.1): 7 bits per byte, high bit = more, first byte in bits 21–27; at most 4 bytes.
bool read_tags(byte_cursor& in, std::uint32_t& tags) {
  tags = 0;
  for (int shift = 21; shift >= 0; shift -= 7) {
    std::uint8_t b = 0;
    if (!in.read(b)) return false;
    tags |= static_cast<std::uint32_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;  // a fifth byte would not fit in 28 bits
}

bool is_known_in_type(std::uint8_t in) {
  return in >= tl_in::unicode_string && in <= tl_in::counted_binary;
}

}  // namespace

tl_event_schema parse_tl_event_schema(std::span<const std::byte> blob) {
  tl_event_schema schema;
  std::uint16_t size = 0;
  if (!read_at(blob, 0, size)) {
    schema.error =
        "TraceLogging metadata of " + std::to_string(blob.size()) + " bytes has no size field";
    return schema;
  }
  if (size > blob.size()) {
    schema.error = "TraceLogging metadata Size " + std::to_string(size) +
                   " is larger than its blob (" + std::to_string(blob.size()) + " bytes)";
    return schema;
  }
  // Bytes after Size (item padding) are not metadata.
  byte_cursor in(blob.first(size), 2);
  if (!read_tags(in, schema.tags)) {
    schema.error = offset_text("TraceLogging metadata: bad event tags", in.position());
    return schema;
  }
  if (!read_utf8z(in, schema.name)) {
    schema.error = offset_text("TraceLogging metadata: event name without NUL", in.position());
    return schema;
  }

  std::vector<tl_field> fields;
  std::vector<std::size_t> starts;  // metadata offset of each field, for messages
  while (!in.at_end()) {
    const std::size_t start = in.position();
    tl_field f;
    auto fail = [&](std::string_view what) {
      schema.error = "TraceLogging metadata: field " + f.name + ": " + std::string(what);
      schema.error = offset_text(schema.error, start);
      return schema;
    };
    if (!read_utf8z(in, f.name)) {
      schema.error = offset_text("TraceLogging metadata: field name without NUL", start);
      return schema;
    }
    std::uint8_t in_meta = 0;
    if (!in.read(in_meta)) return fail("no InType byte");
    f.in = in_meta & 0x1F;
    f.count_kind = static_cast<tl_count>(in_meta & 0x60);
    if (in_meta & 0x80) {
      std::uint8_t out_meta = 0;
      if (!in.read(out_meta)) return fail("no OutType byte");
      f.out = out_meta & 0x7F;
      if ((out_meta & 0x80) && !read_tags(in, f.tags)) return fail("bad field tags");
    }
    if (f.count_kind == tl_count::fixed && !in.read(f.const_count)) return fail("no array count");
    if (f.count_kind == tl_count::custom) {
      // The custom serializer's own schema (protobuf, Bond…); the payload is shown as bytes.
      std::uint16_t schema_size = 0;
      if (!in.read(schema_size) || !in.skip(schema_size)) return fail("custom schema cut short");
    }
    if (!is_known_in_type(f.in)) return fail("unknown InType " + std::to_string(f.in));
    if (f.in == tl_in::structure) {
      if (f.count_kind == tl_count::custom) return fail("custom-serialized struct");
      f.member_count = f.out;
      f.out = tl_out::none;
    }
    if (fields.size() >= 0xFFFF) return fail("too many fields");
    fields.push_back(std::move(f));
    starts.push_back(start);
  }

  // Members follow their struct, nested structs with their own members; find where each
  // field's subtree ends, back to front, so nested ends are known before their parents.
  std::vector<std::uint8_t> depth(fields.size(), 0);
  for (std::size_t i = fields.size(); i-- > 0;) {
    tl_field& f = fields[i];
    std::size_t next = i + 1;
    if (f.in == tl_in::structure) {
      std::size_t deepest = 0;
      for (std::uint16_t k = 0; k < f.member_count; ++k) {
        if (next >= fields.size()) {
          schema.error = "TraceLogging metadata: struct " + f.name + " declares " +
                         std::to_string(f.member_count) + " members, " + std::to_string(k) +
                         " follow";
          schema.error = offset_text(schema.error, starts[i]);
          return schema;
        }
        deepest = std::max<std::size_t>(deepest, depth[next]);
        next = fields[next].end;
      }
      if (deepest + 1 > tl_max_struct_depth) {
        schema.error = "TraceLogging metadata: struct " + f.name + " nests more than " +
                       std::to_string(tl_max_struct_depth) + " levels";
        schema.error = offset_text(schema.error, starts[i]);
        return schema;
      }
      depth[i] = static_cast<std::uint8_t>(deepest + 1);
    }
    f.end = static_cast<std::uint16_t>(next);
  }
  schema.fields = std::move(fields);
  return schema;
}

// --- payload ------------------------------------------------------------------------------------
namespace {

constexpr std::size_t not_an_element = static_cast<std::size_t>(-1);

// Reads one TraceLogging payload with a parsed schema into event_data items.
class payload_walker {
 public:
  payload_walker(const tl_event_schema& schema, std::span<const std::byte> payload,
                 std::uint8_t pointer_size, event_data& out, std::string& error)
      : fields_(schema.fields),
        in_(payload),
        pointer_size_(pointer_size == 4 ? 4 : 8),
        out_(out),
        error_(error),
        // Arrays of empty structs take no bytes; cap the items so that nested const-count
        // arrays of them cannot make billions (real events need a few per payload byte).
        item_limit_(out.items().size() + 16 * payload.size() + 4096) {}

  bool run() {
    for (std::size_t i = 0; i < fields_.size(); i = fields_[i].end) {
      if (!field(i)) return false;
    }
    if (!in_.at_end()) {
      error_ = std::to_string(in_.remaining()) + " bytes left over after the last field (offset " +
               std::to_string(in_.position()) + ")";
      return false;
    }
    return true;
  }

 private:
  bool fail(const tl_field& f, std::size_t element, std::size_t at, std::string_view what) {
    error_ = "field ";
    error_ += f.name;
    if (element != not_an_element) {
      error_ += '[';
      error_ += std::to_string(element);
      error_ += ']';
    }
    error_ += " at offset ";
    error_ += std::to_string(at);
    error_ += ": ";
    error_ += what;
    return false;
  }
  bool past_end(const tl_field& f, std::size_t element, std::size_t at) {
    return fail(f, element, at,
                "runs past the end of the payload (" + std::to_string(in_.size()) + " bytes)");
  }

  // One field with its count: a value, or an array of them.
  bool field(std::size_t index) {
    const tl_field& f = fields_[index];
    if (f.count_kind == tl_count::scalar) return value(index, f.name, not_an_element);
    const std::size_t at = in_.position();
    if (f.count_kind == tl_count::custom) {
      std::uint16_t size = 0;
      std::span<const std::byte> bytes;
      if (!in_.read(size) || !in_.read_bytes(size, bytes)) return past_end(f, not_an_element, at);
      out_.add_binary(f.name, bytes);
      return true;
    }
    std::uint16_t count = f.const_count;
    if (f.count_kind == tl_count::variable && !in_.read(count)) {
      return fail(f, not_an_element, at, "array count runs past the end of the payload");
    }
    if (f.out == tl_out::string && (f.in >= tl_in::int8 && f.in <= tl_in::uint16)) {
      return characters(f, count, at);
    }
    out_.begin_array(f.name);
    for (std::size_t k = 0; k < count; ++k) {
      if (!value(index, {}, k)) {
        out_.end_array();
        return false;
      }
    }
    out_.end_array();
    return true;
  }

  // An array of 8- or 16-bit characters (TraceLoggingCharArray, TraceLoggingWCharArray) is one
  // string, cut at the first NUL as a fixed-size C buffer would be, not an array of letters.
  bool characters(const tl_field& f, std::uint16_t count, std::size_t at) {
    const std::size_t width = f.in <= tl_in::uint8 ? 1 : 2;
    std::span<const std::byte> bytes;
    if (!in_.read_bytes(width * count, bytes)) {
      (void)in_.seek(at);
      return past_end(f, not_an_element, at);
    }
    std::size_t length = 0;
    while (length < count && (bytes[width * length] != std::byte{0} ||
                              (width == 2 && bytes[width * length + 1] != std::byte{0}))) {
      ++length;
    }
    if (width == 1) {
      out_.add_ansi(f.name, bytes.first(length));
    } else {
      out_.add_utf16(f.name, bytes.first(2 * length));
    }
    return true;
  }

  // One value of field `index`; `name` is empty for array elements.
  bool value(std::size_t index, std::string_view name, std::size_t element) {
    const tl_field& f = fields_[index];
    const std::size_t at = in_.position();
    if (out_.items().size() >= item_limit_) {
      return fail(f, element, at, "too many values for a payload this size");
    }
    switch (f.in) {
      case tl_in::unicode_string: {
        // NUL-terminated UTF-16LE: look for a zero unit at an even distance.
        const auto rest = in_.rest();
        std::size_t units = 0;
        while (2 * units + 1 < rest.size() &&
               (rest[2 * units] != std::byte{0} || rest[2 * units + 1] != std::byte{0})) {
          ++units;
        }
        if (2 * units + 1 >= rest.size()) {
          return fail(f, element, at, "UTF-16 string has no NUL before the end of the payload");
        }
        out_.add_utf16(name, rest.first(2 * units));
        return in_.skip(2 * units + 2);
      }
      case tl_in::ansi_string: {
        const auto rest = in_.rest();
        const auto nul = std::find(rest.begin(), rest.end(), std::byte{0});
        if (nul == rest.end()) {
          return fail(f, element, at, "string has no NUL before the end of the payload");
        }
        const auto length = static_cast<std::size_t>(nul - rest.begin());
        text8(f, name, rest.first(length));
        return in_.skip(length + 1);
      }
      case tl_in::int8:
        return integer<std::int8_t>(f, name, element);
      case tl_in::uint8:
        return integer<std::uint8_t>(f, name, element);
      case tl_in::int16:
        return integer<std::int16_t>(f, name, element);
      case tl_in::uint16:
        return integer<std::uint16_t>(f, name, element);
      case tl_in::int32:
        return integer<std::int32_t>(f, name, element);
      case tl_in::uint32:
        return integer<std::uint32_t>(f, name, element);
      case tl_in::int64:
        return integer<std::int64_t>(f, name, element);
      case tl_in::uint64:
        return integer<std::uint64_t>(f, name, element);
      case tl_in::float32: {
        std::uint32_t bits = 0;
        if (!in_.read(bits)) return past_end(f, element, at);
        out_.add_float(name, std::bit_cast<float>(bits));
        return true;
      }
      case tl_in::float64: {
        std::uint64_t bits = 0;
        if (!in_.read(bits)) return past_end(f, element, at);
        out_.add_double(name, std::bit_cast<double>(bits));
        return true;
      }
      case tl_in::bool32: {
        std::uint32_t v = 0;
        if (!in_.read(v)) return past_end(f, element, at);
        // Win32 BOOL: any non-zero value is TRUE.
        if (f.out == tl_out::hex) {
          out_.add_hex(name, v);
        } else {
          out_.add_bool(name, v != 0);
        }
        return true;
      }
      case tl_in::binary:
      case tl_in::counted_binary: {
        std::span<const std::byte> bytes;
        if (!counted(bytes)) return past_end(f, element, at);
        binary(f, name, bytes);
        return true;
      }
      case tl_in::guid: {
        std::span<const std::byte> bytes;
        if (!in_.read_bytes(16, bytes)) return past_end(f, element, at);
        out_.add_guid(name, guid::from_bytes(bytes.first<16>()));
        return true;
      }
      case tl_in::pointer: {
        std::uint64_t v = 0;
        if (pointer_size_ == 4) {
          std::uint32_t v32 = 0;
          if (!in_.read(v32)) return past_end(f, element, at);
          v = v32;
        } else if (!in_.read(v)) {
          return past_end(f, element, at);
        }
        out_.add_hex(name, v);
        return true;
      }
      case tl_in::filetime: {
        std::uint64_t v = 0;
        if (!in_.read(v)) return past_end(f, element, at);
        out_.add_filetime(name, v);
        return true;
      }
      case tl_in::systemtime:
        return systemtime(f, name, element);
      case tl_in::sid:
        return sid(f, name, element);
      case tl_in::hex_int32: {
        std::uint32_t v = 0;
        if (!in_.read(v)) return past_end(f, element, at);
        out_.add_hex(name, v);
        return true;
      }
      case tl_in::hex_int64: {
        std::uint64_t v = 0;
        if (!in_.read(v)) return past_end(f, element, at);
        out_.add_hex(name, v);
        return true;
      }
      case tl_in::counted_string: {
        std::span<const std::byte> bytes;
        if (!counted(bytes)) return past_end(f, element, at);
        out_.add_utf16(name, bytes);
        return true;
      }
      case tl_in::counted_ansi_string: {
        std::span<const std::byte> bytes;
        if (!counted(bytes)) return past_end(f, element, at);
        text8(f, name, bytes);
        return true;
      }
      case tl_in::structure: {
        out_.begin_struct(name);
        std::size_t member = index + 1;
        for (std::uint16_t k = 0; k < f.member_count; ++k) {
          if (!field(member)) {
            out_.end_struct();
            return false;
          }
          member = fields_[member].end;
        }
        out_.end_struct();
        return true;
      }
      default:
        // parse_tl_event_schema rejects other InTypes; kept for safety.
        return fail(f, element, at, "unknown InType " + std::to_string(f.in));
    }
  }

  // A u16 byte count, then that many bytes (BINARY, COUNTED*, §5.3).
  bool counted(std::span<const std::byte>& bytes) {
    const std::size_t start = in_.position();
    std::uint16_t size = 0;
    if (in_.read(size) && in_.read_bytes(size, bytes)) return true;
    (void)in_.seek(start);
    return false;
  }

  // 8-bit text: UTF-8 when the OutType says so, else Windows-1252.
  void text8(const tl_field& f, std::string_view name, std::span<const std::byte> bytes) {
    if (f.out == tl_out::utf8 || f.out == tl_out::json || f.out == tl_out::xml) {
      out_.add_utf8(name, bytes);
    } else {
      out_.add_ansi(name, bytes);
    }
  }

  template <class T>
  bool integer(const tl_field& f, std::string_view name, std::size_t element) {
    const std::size_t at = in_.position();
    T v{};
    if (!in_.read(v)) return past_end(f, element, at);
    const auto raw = static_cast<std::uint64_t>(static_cast<std::make_unsigned_t<T>>(v));
    bool is_signed = std::is_signed_v<T>;
    switch (f.out) {
      case tl_out::boolean:
        out_.add_bool(name, raw != 0);
        return true;
      case tl_out::hex:
      case tl_out::code_pointer:
        out_.add_hex(name, raw);
        return true;
      case tl_out::win32_error:
      case tl_out::ntstatus:
      case tl_out::hresult:
        out_.add_hex(name, raw, 2 * sizeof(T));
        return true;
      case tl_out::string:
        // TraceLoggingChar8 / TraceLoggingWChar: one character, shown as text as TDH does.
        if constexpr (sizeof(T) == 1) {
          out_.add_ansi(name, in_.bytes().subspan(at, 1));
          return true;
        } else if constexpr (sizeof(T) == 2) {
          out_.add_utf16(name, in_.bytes().subspan(at, 2));
          return true;
        }
        break;
      case tl_out::port:
        if constexpr (sizeof(T) == 2) {
          out_.add_unsigned(name, byte_swap(static_cast<std::uint16_t>(raw)));
          return true;
        }
        break;
      case tl_out::ipv4:
        if constexpr (sizeof(T) == 4) {
          const std::size_t begin = out_.begin_text();
          append_ipv4(out_.arena(), in_.bytes().subspan(at, 4));
          out_.end_text(name, begin);
          return true;
        }
        break;
      case tl_out::filetime:
      case tl_out::datetime_utc:
      case tl_out::datetime_culture_insensitive:
        if constexpr (sizeof(T) == 8) {
          out_.add_filetime(name, raw);
          return true;
        }
        break;
      case tl_out::signed_int:
        is_signed = true;
        break;
      case tl_out::unsigned_int:
        is_signed = false;
        break;
      default:
        break;
    }
    if (sizeof(T) == 8 && names_bit_mask(f.name)) {
      out_.add_hex(name, raw);  // a keyword mask logged as a plain 64-bit integer (schema.h)
    } else if (is_signed) {
      out_.add_signed(name, static_cast<std::int64_t>(static_cast<std::make_signed_t<T>>(v)));
    } else {
      out_.add_unsigned(name, raw);
    }
    return true;
  }

  // BINARY with an address OutType prints as an address; anything else as hex bytes.
  void binary(const tl_field& f, std::string_view name, std::span<const std::byte> bytes) {
    const std::size_t begin = out_.begin_text();
    std::string& text = out_.arena();
    if (f.out == tl_out::ipv6 && bytes.size() == 16) {
      append_ipv6(text, bytes);
    } else if (f.out == tl_out::ipv4 && bytes.size() == 4) {
      append_ipv4(text, bytes);
    } else if (f.out != tl_out::socket_address || !append_socket_address(text, bytes)) {
      out_.add_binary(name, bytes);
      return;
    }
    out_.end_text(name, begin);
  }

  bool systemtime(const tl_field& f, std::string_view name, std::size_t element) {
    const std::size_t at = in_.position();
    std::span<const std::byte> bytes;
    if (!in_.read_bytes(16, bytes)) return past_end(f, element, at);
    if (std::uint64_t ft = 0; systemtime_to_filetime(bytes, ft)) {
      out_.add_filetime(name, ft);
      return true;
    }
    std::array<unsigned, 8> st{};  // year, month, day of week, day, h, m, s, ms
    for (std::size_t i = 0; i < 8; ++i) {
      st[i] = static_cast<unsigned>(bytes[2 * i]) | static_cast<unsigned>(bytes[2 * i + 1]) << 8;
    }
    // Not a date (a zeroed struct, a bad month): show the fields as they are.
    const std::size_t begin = out_.begin_text();
    std::string& text = out_.arena();
    auto put = [&](unsigned v, int digits) {
      char buffer[8];
      const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
      for (int pad = digits - static_cast<int>(r.ptr - buffer); pad > 0; --pad) text += '0';
      text.append(buffer, r.ptr);
    };
    put(st[0], 4), text += '-', put(st[1], 2), text += '-', put(st[3], 2), text += 'T';
    put(st[4], 2), text += ':', put(st[5], 2), text += ':', put(st[6], 2), text += '.';
    put(st[7], 3);
    out_.end_text(name, begin);
    return true;
  }

  bool sid(const tl_field& f, std::string_view name, std::size_t element) {
    const std::size_t at = in_.position();
    std::uint8_t sub_authorities = 0;
    std::span<const std::byte> bytes;
    if (!read_at(in_.bytes(), at + 1, sub_authorities) ||
        !in_.read_bytes(8 + 4 * std::size_t{sub_authorities}, bytes)) {
      return past_end(f, element, at);
    }
    std::array<char, event::max_sid_text> text{};
    if (const auto s = format_sid(bytes, text); !s.empty()) {
      out_.add_string(name, s);
    } else {
      out_.add_binary(name, bytes);  // more sub-authorities than a SID may have
    }
    return true;
  }

  std::span<const tl_field> fields_;
  byte_cursor in_;
  std::uint8_t pointer_size_;
  event_data& out_;
  std::string& error_;
  std::size_t item_limit_;
};

}  // namespace

bool decode_tl_payload(const tl_event_schema& schema, std::span<const std::byte> payload,
                       std::uint8_t pointer_size, event_data& out, std::string& error) {
  if (!schema.error.empty()) {
    error = schema.error;
    return false;
  }
  return payload_walker(schema, payload, pointer_size, out, error).run();
}

// --- decoder ----------------------------------------------------------------------------------

const tl_event_schema& tracelogging_decoder::schema_for(std::span<const std::byte> blob) {
  const std::string_view key(reinterpret_cast<const char*>(blob.data()), blob.size());
  if (const auto it = schemas_.find(key); it != schemas_.end()) return it->second;
  return schemas_.emplace(std::string(key), parse_tl_event_schema(blob)).first->second;
}

std::string_view tracelogging_decoder::provider_name_for(std::span<const std::byte> blob) {
  const std::string_view key(reinterpret_cast<const char*>(blob.data()), blob.size());
  if (const auto it = provider_names_.find(key); it != provider_names_.end()) return it->second;
  // §5.2: u16 Size, then the NUL-terminated UTF-8 name; the traits after it are not needed.
  std::string name;
  std::uint16_t size = 0;
  if (read_at(blob, 0, size) && size <= blob.size()) {
    byte_cursor in(blob.first(size), 2);
    if (!read_utf8z(in, name)) name.clear();
  }
  return provider_names_.emplace(std::string(key), std::move(name)).first->second;
}

bool tracelogging_decoder::decode(const etl::record_view& record, event& out) {
  std::span<const std::byte> metadata, traits;
  bool has_metadata = false, has_traits = false;
  for (const etl::extended_item& item : record.extended_items()) {
    if (item.type == etl::ext_type::event_schema_tl && !has_metadata) {
      metadata = item.data;
      has_metadata = true;
    } else if (item.type == etl::ext_type::prov_traits && !has_traits) {
      traits = item.data;
      has_traits = true;
    }
  }
  if (!has_metadata) return false;

  if (has_traits) {
    if (const std::string_view name = provider_name_for(traits); !name.empty()) {
      out.provider_name = name;
    }
  }
  const tl_event_schema& schema = schema_for(metadata);
  if (!schema.name.empty()) out.set_event_name(schema.name);
  out.data.clear();
  out.decode_error.clear();
  out.payload_decoded = decode_tl_payload(schema, record.payload(), record.pointer_size(), out.data,
                                          out.decode_error);
  return true;
}

}  // namespace etwcat::decode
