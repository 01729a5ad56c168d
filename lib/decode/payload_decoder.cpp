// payload_decoder: walks an event_schema over a payload with TDH's size rules
// (docs/etl-format.md §7.3; WBEM SID §6) and appends typed EventData items.
#include "lib/decode/payload_decoder.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>

#include "lib/base/byte_cursor.h"
#include "lib/base/net_address.h"
#include "lib/base/time_format.h"
#include "lib/decode/kernel/kernel_schemas.h"
#include "lib/event/record_event.h"

namespace etwcat::decode {

namespace {

constexpr std::size_t no_index = std::numeric_limits<std::size_t>::max();
constexpr std::size_t unknown_size = std::numeric_limits<std::size_t>::max();

// The size of one value of a type whose size does not depend on the data; unknown_size else.
std::size_t fixed_size(in_type t, std::size_t pointer_size) noexcept {
  switch (t) {
    case in_type::int8:
    case in_type::uint8:
    case in_type::ansi_char:
      return 1;
    case in_type::int16:
    case in_type::uint16:
    case in_type::unicode_char:
      return 2;
    case in_type::int32:
    case in_type::uint32:
    case in_type::float32:
    case in_type::boolean:
    case in_type::hex_int32:
      return 4;
    case in_type::int64:
    case in_type::uint64:
    case in_type::float64:
    case in_type::filetime:
    case in_type::hex_int64:
      return 8;
    case in_type::guid:
    case in_type::systemtime:
      return 16;
    case in_type::pointer:
    case in_type::size_t_:
      return pointer_size;
    default:
      return unknown_size;
  }
}

bool is_hex_out(out_type o) noexcept {
  switch (o) {
    case out_type::hex_int8:
    case out_type::hex_int16:
    case out_type::hex_int32:
    case out_type::hex_int64:
    case out_type::hex_binary:
    case out_type::error_code:
    case out_type::win32_error:
    case out_type::ntstatus:
    case out_type::hresult:
    case out_type::code_pointer:
      return true;
    default:
      return false;
  }
}

bool is_decimal_out(out_type o) noexcept {
  switch (o) {
    case out_type::byte:
    case out_type::unsigned_byte:
    case out_type::short_:
    case out_type::unsigned_short:
    case out_type::int_:
    case out_type::unsigned_int:
    case out_type::long_:
    case out_type::unsigned_long:
    case out_type::pid:
    case out_type::tid:
      return true;
    default:
      return false;
  }
}

bool is_time_out(out_type o) noexcept {
  return o == out_type::datetime || o == out_type::datetime_utc ||
         o == out_type::culture_insensitive_datetime;
}

bool is_utf8_out(out_type o) noexcept {
  return o == out_type::utf8 || o == out_type::json || o == out_type::xml;
}

void append_number(std::string& out, std::uint64_t value, int base = 10) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value, base);
  out.append(digits, end);
}

void append_hex_upper(std::string& out, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value, 16);
  for (char* c = digits; c != end; ++c) {
    out.push_back(*c >= 'a' && *c <= 'f' ? static_cast<char>(*c - 'a' + 'A') : *c);
  }
}

// The schema gives the property a value map: its values print as names (`map` stays null when
// the map's definition never arrived, so the name decides).
bool has_map(const property& p) noexcept { return p.map != nullptr || !p.map_name.empty(); }

// Where a value was read: the property, and its element index inside an array.
struct frame {
  const property* field = nullptr;
  std::size_t element = no_index;
};

}  // namespace

class payload_decoder::reader {
 public:
  reader(payload_decoder& self, const event_schema& schema, std::span<const std::byte> payload,
         std::uint8_t pointer_size, event_data& out, std::string& error)
      : self_(self),
        schema_(schema),
        in_(payload),
        pointer_size_(pointer_size == 4 ? 4 : 8),
        out_(out),
        error_(error) {}

  bool run() {
    const std::size_t n = schema_.properties.size();
    self_.values_.assign(n, 0);
    self_.known_.assign(n, 0);
    out_.set_surplus({});
    const std::size_t top = std::min<std::size_t>(schema_.top_level_count, n);
    if (!decode_range(0, top, 0)) return false;
    if (!in_.at_end() && !schema_.allow_trailing_bytes) {
      // Every field decoded: as TDH does, keep them and leave the rest to the caller, who
      // reports it (event::decode_warning()) rather than failing the event.
      payload_surplus surplus;
      surplus.bytes = in_.rest();
      surplus.offset = static_cast<std::uint32_t>(in_.position());
      if (schema_.source != schema_source::kernel) surplus.schema_version = schema_.version;
      out_.set_surplus(surplus);
    }
    return true;
  }

 private:
  // Decodes the properties first .. first+count-1 of the schema, in order.
  bool decode_range(std::size_t first, std::size_t count, int depth) {
    for (std::size_t i = first; i < first + count; ++i) {
      if (!decode_property(i, depth)) return false;
    }
    return true;
  }

  bool decode_property(std::size_t index, int depth) {
    const property& p = schema_.properties[index];
    frames_[depth] = frame{&p, no_index};
    depth_ = depth;
    const std::size_t start = in_.position();

    // How many elements, and whether they print as a JSON array.
    std::size_t count = 1;
    bool array = p.is_array;
    switch (p.count_from) {
      case size_source::none:
        break;
      case size_source::fixed:
        count = p.count;
        array = array || count != 1;
        break;
      case size_source::property:
        if (!referenced_value(p.count, "count", start, count)) return false;
        array = true;
        break;
      case size_source::remaining:
        count = std::numeric_limits<std::size_t>::max();
        array = true;
        break;
    }

    if (array && is_char_array(p)) return decode_char_array(p, count, start);

    if (!array) {
      std::uint64_t value = 0;
      bool is_integer = false;
      if (!decode_element(p, p.name, depth, value, is_integer)) return false;
      if (is_integer) {
        self_.values_[index] = value;
        self_.known_[index] = 1;
      }
      return true;
    }

    // A count that cannot fit fails before any element is read.
    if (!p.is_struct && p.count_from != size_source::remaining) {
      const std::size_t size = fixed_size(p.in, pointer_size_);
      if (size != unknown_size && size != 0 && count > in_.remaining() / size) {
        error_.clear();
        start_error(start);
        append_number(error_, count);
        error_.append(" elements of ");
        append_number(error_, size);
        error_.append(" bytes run past the end of the payload (");
        append_number(error_, in_.remaining());
        error_.append(" bytes left)");
        return false;
      }
    }

    out_.begin_array(p.name);
    bool ok = true;
    for (std::size_t i = 0; i < count; ++i) {
      if (p.count_from == size_source::remaining && in_.at_end()) break;
      frames_[depth] = frame{&p, i};
      depth_ = depth;
      const std::size_t before = in_.position();
      std::uint64_t value = 0;
      bool is_integer = false;
      if (!decode_element(p, {}, depth, value, is_integer)) {
        ok = false;
        break;
      }
      if (in_.position() == before) {
        // Empty elements: nothing bounds their number but the count, so budget them.
        if (p.count_from == size_source::remaining) break;
        if (++empty_elements_ > max_empty_elements) {
          fail(before, "too many elements that take no bytes");
          ok = false;
          break;
        }
      }
    }
    out_.end_array();
    return ok;
  }

  // One value (or one struct) of property `p`, named `name` (empty inside arrays).
  bool decode_element(const property& p, std::string_view name, int depth, std::uint64_t& value,
                      bool& is_integer) {
    if (!p.is_struct) return decode_value(p, name, value, is_integer);
    if (depth + 1 >= max_struct_depth) {
      return fail(in_.position(), "structs nested too deeply");
    }
    if (std::size_t{p.first_member} + p.member_count > schema_.properties.size()) {
      return fail(in_.position(), "struct members lie outside the property list");
    }
    out_.begin_struct(name);
    const bool ok = decode_range(p.first_member, p.member_count, depth + 1);
    out_.end_struct();
    depth_ = depth;
    return ok;
  }

  // The integer value of the property at `index`, for a count or length.
  bool referenced_value(std::size_t index, std::string_view what, std::size_t offset,
                        std::size_t& result) {
    if (index >= self_.known_.size() || self_.known_[index] == 0) {
      error_.clear();
      start_error(offset);
      error_.append(what);
      error_.append(" refers to property ");
      append_number(error_, index);
      error_.append(", which has no value yet");
      return false;
    }
    const std::uint64_t v = self_.values_[index];
    result = v > std::numeric_limits<std::size_t>::max() ? std::numeric_limits<std::size_t>::max()
                                                         : static_cast<std::size_t>(v);
    return true;
  }

  // Arrays of characters print as one string (see the header).
  static bool is_char_array(const property& p) noexcept {
    if (p.is_struct) return false;
    switch (p.in) {
      case in_type::ansi_char:
      case in_type::unicode_char:
        return true;
      case in_type::int8:
      case in_type::uint8:
      case in_type::uint16:
        return p.out == out_type::string && !has_map(p);
      default:
        return false;
    }
  }

  bool decode_char_array(const property& p, std::size_t count, std::size_t start) {
    const std::size_t unit = p.in == in_type::uint16 || p.in == in_type::unicode_char ? 2 : 1;
    std::size_t bytes = 0;
    if (p.count_from == size_source::remaining) {
      bytes = in_.remaining() / unit * unit;
    } else {
      if (count > in_.remaining() / unit) return past_end(start, count * unit);
      bytes = count * unit;
    }
    std::span<const std::byte> text;
    if (!in_.read_bytes(bytes, text)) return past_end(start, bytes);
    add_text(p, p.name, cut_at_nul(text, unit), unit == 2);
    return true;
  }

  static std::span<const std::byte> cut_at_nul(std::span<const std::byte> text, std::size_t unit) {
    for (std::size_t i = 0; i + unit <= text.size(); i += unit) {
      if (text[i] == std::byte{0} && (unit == 1 || text[i + 1] == std::byte{0})) {
        return text.first(i);
      }
    }
    return text;
  }

  void add_text(const property& p, std::string_view name, std::span<const std::byte> text,
                bool wide) {
    if (wide) {
      out_.add_utf16(name, text);
    } else if (is_utf8_out(p.out)) {
      out_.add_utf8(name, text);
    } else {
      out_.add_ansi(name, text);
    }
  }

  // A string whose size follows TDH's string rules: length from a property, a fixed length,
  // the rest of the payload, or up to a NUL (a missing final NUL is tolerated).
  bool decode_string(const property& p, std::string_view name, bool wide) {
    const std::size_t start = in_.position();
    const std::size_t unit = wide ? 2 : 1;
    std::size_t chars = 0;
    switch (p.length_from) {
      case size_source::property:
        if (!referenced_value(p.length, "length", start, chars)) return false;
        break;
      case size_source::fixed:
        chars = p.length;
        break;
      case size_source::remaining:
        chars = in_.remaining() / unit;
        break;
      case size_source::none:
        if (p.length != 0) {
          chars = p.length;
          break;
        }
        {
          std::span<const std::byte> rest = in_.rest();
          std::size_t end = 0;
          while (end + unit <= rest.size() &&
                 !(rest[end] == std::byte{0} && (unit == 1 || rest[end + 1] == std::byte{0}))) {
            end += unit;
          }
          const bool terminated = end + unit <= rest.size();
          // Unterminated: the rest of the payload (an odd last byte of UTF-16 included).
          const std::size_t consumed = terminated ? end + unit : rest.size();
          add_text(p, name, rest.first(std::min(end, rest.size())), wide);
          (void)in_.skip(consumed);
          return true;
        }
    }
    if (chars > in_.remaining() / unit) return past_end(start, chars * unit);
    std::span<const std::byte> text;
    (void)in_.read_bytes(chars * unit, text);
    add_text(p, name, cut_at_nul(text, unit), wide);
    return true;
  }

  // A u16 (or big-endian u16, or u32) byte count followed by that many bytes.
  bool read_counted(std::size_t prefix, bool big_endian, std::span<const std::byte>& bytes) {
    const std::size_t start = in_.position();
    std::size_t size = 0;
    if (prefix == 4) {
      std::uint32_t n = 0;
      if (!in_.read(n)) return past_end(start, 4);
      size = n;
    } else {
      std::uint16_t n = 0;
      if (!in_.read(n)) return past_end(start, 2);
      size = big_endian ? byte_swap(n) : n;
    }
    if (!in_.read_bytes(size, bytes)) {
      (void)in_.seek(start);
      return past_end(start, prefix + size);
    }
    return true;
  }

  bool decode_binary(const property& p, std::string_view name) {
    const std::size_t start = in_.position();
    std::size_t size = 0;
    switch (p.length_from) {
      case size_source::property:
        if (!referenced_value(p.length, "length", start, size)) return false;
        break;
      case size_source::fixed:
        size = p.length;
        break;
      case size_source::remaining:
        size = in_.remaining();
        break;
      case size_source::none:
        if (p.length != 0) {
          size = p.length;
        } else if (p.out == out_type::ipv6) {
          size = 16;
        } else {
          return fail(start, "BINARY has no length");
        }
        break;
    }
    std::span<const std::byte> bytes;
    if (!in_.read_bytes(size, bytes)) return past_end(start, size);
    add_bytes(p, name, bytes);
    return true;
  }

  void add_bytes(const property& p, std::string_view name, std::span<const std::byte> bytes) {
    if (p.out == out_type::ipv6 && bytes.size() == 16) {
      const std::size_t begin = out_.begin_text();
      append_ipv6(out_.arena(), bytes);
      out_.end_text(name, begin);
    } else if (p.out == out_type::ipv4 && bytes.size() == 4) {
      const std::size_t begin = out_.begin_text();
      append_ipv4(out_.arena(), bytes);
      out_.end_text(name, begin);
    } else if (p.out == out_type::socket_address && add_socket_address(name, bytes)) {
      // done
    } else if (p.out == out_type::string || is_utf8_out(p.out)) {
      add_text(p, name, cut_at_nul(bytes, 1), false);
    } else {
      out_.add_binary(name, bytes);
    }
  }

  // SOCKADDR_IN / SOCKADDR_IN6 as "a.b.c.d:port" / "[v6]:port"; false for other families.
  bool add_socket_address(std::string_view name, std::span<const std::byte> bytes) {
    const std::size_t begin = out_.begin_text();
    if (!append_socket_address(out_.arena(), bytes)) return false;
    out_.end_text(name, begin);
    return true;
  }

  // A SID (8 + 4n bytes) as "S-1-…".
  bool decode_sid(std::string_view name) {
    const std::size_t start = in_.position();
    std::uint8_t revision = 0, sub_count = 0;
    if (!read_at(in_.rest(), 0, revision) || !read_at(in_.rest(), 1, sub_count)) {
      return past_end(start, 8);
    }
    const std::size_t size = 8 + 4 * std::size_t{sub_count};
    std::span<const std::byte> bytes;
    if (!in_.read_bytes(size, bytes)) return past_end(start, size);
    char text[event::max_sid_text];
    const std::string_view s = format_sid(bytes, text);
    if (s.empty()) {
      (void)in_.seek(start);
      return fail(start, "not a SID");
    }
    out_.add_string(name, s);
    return true;
  }

  // WBEM SID: TOKEN_USER (two pointers) + SID, or 4 zero bytes for none (§6).
  bool decode_wbem_sid(std::string_view name) {
    const std::size_t start = in_.position();
    std::uint32_t first = 0;
    if (!read_at(in_.rest(), 0, first)) return past_end(start, 4);
    if (first == 0) {
      (void)in_.skip(4);
      out_.add_string(name, {});
      return true;
    }
    if (!in_.skip(2 * std::size_t{pointer_size_})) return past_end(start, 2 * pointer_size_);
    if (!decode_sid(name)) {
      (void)in_.seek(start);
      return false;
    }
    return true;
  }

  // A mapped field is always a string, whatever its value (output-schema.md "Values"): the
  // name a value map gives `v`; for a bitmap the names of its set bits joined with "|" and the
  // bits no entry names as one "0x…" part; "0x…" alone when nothing names it (0 without a zero
  // entry) or when the map the schema names never arrived (`map` null).
  void add_mapped(const value_map* map, std::string_view name, std::uint64_t v) {
    if (map != nullptr && (map->type == value_map::kind::value || v == 0)) {
      for (const auto& e : map->entries) {
        if (e.value == v) {
          out_.add_string(name, e.name);
          return;
        }
      }
    }
    if (map == nullptr || map->type == value_map::kind::value || v == 0) {
      out_.add_hex(name, v);
      return;
    }
    const std::size_t begin = out_.begin_text();
    std::string& text = out_.arena();
    std::uint64_t named = 0;
    for (const auto& e : map->entries) {
      if (e.value != 0 && (v & e.value) == e.value) {
        if (text.size() != begin) text.push_back('|');
        text.append(e.name);
        named |= e.value;
      }
    }
    if (named == 0) {
      out_.add_hex(name, v);
      return;
    }
    if (const std::uint64_t rest = v & ~named; rest != 0) {
      text.append("|0x");
      append_hex_upper(text, rest);
    }
    out_.end_text(name, begin);
  }

  // An integer, printed as its out type says.
  void add_integer(const property& p, std::string_view name, std::uint64_t raw,
                   std::int64_t signed_value, bool is_signed, std::size_t size) {
    if (has_map(p)) {
      add_mapped(p.map, name, raw);
      return;
    }
    const bool hex_in = p.in == in_type::hex_int32 || p.in == in_type::hex_int64 ||
                        p.in == in_type::pointer || p.in == in_type::size_t_;
    if (is_hex_out(p.out) || (hex_in && !is_decimal_out(p.out))) {
      out_.add_hex(name, raw);
    } else if (p.out == out_type::boolean) {
      out_.add_bool(name, raw != 0);
    } else if (p.out == out_type::port && size == 2) {
      out_.add_unsigned(name, byte_swap(static_cast<std::uint16_t>(raw)));
    } else if (p.out == out_type::ipv4 && size == 4) {
      const std::size_t begin = out_.begin_text();
      for (int i = 0; i < 4; ++i) {
        if (i != 0) out_.arena().push_back('.');
        append_number(out_.arena(), (raw >> (8 * i)) & 0xFF);
      }
      out_.end_text(name, begin);
    } else if (is_time_out(p.out) && size == 8) {
      out_.add_filetime(name, raw);
    } else if (p.out == out_type::string && size <= 2) {
      std::array<std::byte, 2> unit{static_cast<std::byte>(raw & 0xFF),
                                    static_cast<std::byte>(raw >> 8)};
      add_text(p, name, cut_at_nul(std::span(unit).first(size), size), size == 2);
    } else if (size == 8 && names_bit_mask(p.name)) {
      out_.add_hex(name, raw);  // a keyword mask declared UInt64 (schema.h)
    } else if (is_signed) {
      out_.add_signed(name, signed_value);
    } else {
      out_.add_unsigned(name, raw);
    }
  }

  template <class T>
  bool read_integer(const property& p, std::string_view name, std::uint64_t& value) {
    const std::size_t start = in_.position();
    T v{};
    if (!in_.read(v)) return past_end(start, sizeof(T));
    value = static_cast<std::uint64_t>(static_cast<std::make_unsigned_t<T>>(v));
    add_integer(p, name, value, static_cast<std::int64_t>(v), std::is_signed_v<T>, sizeof(T));
    return true;
  }

  bool decode_value(const property& p, std::string_view name, std::uint64_t& value,
                    bool& is_integer) {
    const std::size_t start = in_.position();
    is_integer = false;
    switch (p.in) {
      case in_type::unicode_string:
        return decode_string(p, name, true);
      case in_type::ansi_string:
        return decode_string(p, name, false);
      case in_type::int8:
        is_integer = true;
        return read_integer<std::int8_t>(p, name, value);
      case in_type::uint8:
        is_integer = true;
        return read_integer<std::uint8_t>(p, name, value);
      case in_type::int16:
        is_integer = true;
        return read_integer<std::int16_t>(p, name, value);
      case in_type::uint16:
        is_integer = true;
        return read_integer<std::uint16_t>(p, name, value);
      case in_type::int32:
        is_integer = true;
        return read_integer<std::int32_t>(p, name, value);
      case in_type::uint32:
      case in_type::hex_int32:
        is_integer = true;
        return read_integer<std::uint32_t>(p, name, value);
      case in_type::int64:
        is_integer = true;
        return read_integer<std::int64_t>(p, name, value);
      case in_type::uint64:
      case in_type::hex_int64:
        is_integer = true;
        return read_integer<std::uint64_t>(p, name, value);
      case in_type::pointer:
      case in_type::size_t_:
        is_integer = true;
        if (pointer_size_ == 4) return read_integer<std::uint32_t>(p, name, value);
        return read_integer<std::uint64_t>(p, name, value);
      case in_type::boolean: {
        std::uint32_t v = 0;
        if (!in_.read(v)) return past_end(start, 4);
        value = v;
        is_integer = true;
        if (has_map(p)) {
          add_mapped(p.map, name, v);
        } else {
          out_.add_bool(name, v != 0);
        }
        return true;
      }
      case in_type::float32: {
        std::uint32_t bits = 0;
        if (!in_.read(bits)) return past_end(start, 4);
        float f = 0;
        std::memcpy(&f, &bits, sizeof f);
        out_.add_float(name, f);
        return true;
      }
      case in_type::float64: {
        std::uint64_t bits = 0;
        if (!in_.read(bits)) return past_end(start, 8);
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        out_.add_double(name, d);
        return true;
      }
      case in_type::guid: {
        std::span<const std::byte> bytes;
        if (!in_.read_bytes(16, bytes)) return past_end(start, 16);
        out_.add_guid(name, guid::from_bytes(bytes.first<16>()));
        return true;
      }
      case in_type::filetime: {
        std::uint64_t v = 0;
        if (!in_.read(v)) return past_end(start, 8);
        if (is_hex_out(p.out)) {
          out_.add_hex(name, v);
        } else {
          out_.add_filetime(name, v);
        }
        return true;
      }
      case in_type::systemtime: {
        std::span<const std::byte> bytes;
        if (!in_.read_bytes(16, bytes)) return past_end(start, 16);
        std::uint64_t filetime = 0;
        if (systemtime_to_filetime(bytes, filetime)) {
          out_.add_filetime(name, filetime);
        } else {
          out_.add_binary(name, bytes);
        }
        return true;
      }
      case in_type::sid:
        return decode_sid(name);
      case in_type::wbem_sid:
        return decode_wbem_sid(name);
      case in_type::binary:
        return decode_binary(p, name);
      case in_type::manifest_counted_string:
      case in_type::counted_string:
      case in_type::reversed_counted_string: {
        std::span<const std::byte> bytes;
        if (!read_counted(2, p.in == in_type::reversed_counted_string, bytes)) return false;
        out_.add_utf16(name, cut_at_nul(bytes, 2));
        return true;
      }
      case in_type::manifest_counted_ansi_string:
      case in_type::counted_ansi_string:
      case in_type::reversed_counted_ansi_string: {
        std::span<const std::byte> bytes;
        if (!read_counted(2, p.in == in_type::reversed_counted_ansi_string, bytes)) return false;
        add_text(p, name, cut_at_nul(bytes, 1), false);
        return true;
      }
      case in_type::manifest_counted_binary: {
        std::span<const std::byte> bytes;
        if (!read_counted(2, false, bytes)) return false;
        add_bytes(p, name, bytes);
        return true;
      }
      case in_type::hex_dump: {
        std::span<const std::byte> bytes;
        if (!read_counted(4, false, bytes)) return false;
        out_.add_binary(name, bytes);
        return true;
      }
      case in_type::non_null_terminated_string: {
        std::span<const std::byte> bytes;
        (void)in_.read_bytes(in_.remaining(), bytes);
        out_.add_utf16(name, bytes);
        return true;
      }
      case in_type::non_null_terminated_ansi_string: {
        std::span<const std::byte> bytes;
        (void)in_.read_bytes(in_.remaining(), bytes);
        add_text(p, name, bytes, false);
        return true;
      }
      case in_type::unicode_char:
      case in_type::ansi_char: {
        const std::size_t size = p.in == in_type::unicode_char ? 2 : 1;
        std::span<const std::byte> bytes;
        if (!in_.read_bytes(size, bytes)) return past_end(start, size);
        add_text(p, name, cut_at_nul(bytes, size), size == 2);
        return true;
      }
      case in_type::null:
      default:
        break;
    }
    error_.clear();
    start_error(start);
    if (p.in == in_type::null) {
      error_.append("in-type NULL has no size");
    } else {
      error_.append("unknown in-type ");
      append_number(error_, static_cast<std::uint16_t>(p.in));
    }
    return false;
  }

  // --- errors: "field Outer.Items[2] at offset 24: what" ------------------------------------
  void start_error(std::size_t offset) {
    error_.append("field ");
    for (int d = 0; d <= depth_; ++d) {
      if (d != 0) error_.push_back('.');
      const frame& f = frames_[d];
      if (f.field != nullptr) error_.append(f.field->name);
      if (f.element != no_index) {
        error_.push_back('[');
        append_number(error_, f.element);
        error_.push_back(']');
      }
    }
    error_.append(" at offset ");
    append_number(error_, offset);
    error_.append(": ");
  }

  bool fail(std::size_t offset, std::string_view what) {
    error_.clear();
    start_error(offset);
    error_.append(what);
    return false;
  }

  bool past_end(std::size_t offset, std::size_t needed) {
    error_.clear();
    start_error(offset);
    error_.append("runs past the end of the payload (");
    append_number(error_, needed);
    error_.append(" bytes needed, ");
    append_number(error_, in_.size() - std::min(offset, in_.size()));
    error_.append(" left)");
    return false;
  }

  payload_decoder& self_;
  const event_schema& schema_;
  byte_cursor in_;
  std::uint8_t pointer_size_;
  event_data& out_;
  std::string& error_;
  std::array<frame, max_struct_depth + 1> frames_{};
  int depth_ = 0;
  std::size_t empty_elements_ = 0;
};

bool payload_decoder::decode(const event_schema& schema, std::span<const std::byte> payload,
                             std::uint8_t pointer_size, event_data& out, std::string& error) {
  const event_schema* layout = &schema;
  if (schema.properties.empty() && !payload.empty()) {
    // A published template with no fields for an event that has a payload: the built-in
    // layouts know some (kernel_schemas.h), which TraceEvent reads by hand too.
    if (const event_schema* known = find_builtin_event_layout(
            schema.provider_guid, schema.id, schema.version, payload, pointer_size)) {
      layout = known;
    }
  }
  reader r(*this, *layout, payload, pointer_size, out, error);
  return r.run();
}

}  // namespace etwcat::decode
