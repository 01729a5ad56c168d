// event_data_json: walks the flat item list, opening and closing objects and arrays at the
// begin/end items; numbers through std::to_chars, so nothing is allocated.
#include "formats/event_data_json.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "formats/json.h"
#include "lib/base/hex_digits.h"
#include "lib/base/time_format.h"
#include "lib/base/unicode.h"

namespace etwcat::formats {
namespace {

template <class T>
void append_chars(text_buffer& out, T value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  out.append(text, static_cast<std::size_t>(end - text));
}

// JSON has no NaN or infinities: they go out as strings, as .NET's JSON writers do.
template <class T>
void append_float(text_buffer& out, T value) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    append_chars(out, value);  // shortest round-trip form
  }
}

// "0x…" in quotes, with at least `digits` digits (at most 16).
void append_padded_hex(text_buffer& out, std::uint64_t value, unsigned digits) {
  const unsigned count = std::max(hex_digit_count(value), std::min(digits, 16u));
  char* p = out.reserve_back(count + 4);
  std::memcpy(p, "\"0x", 3);
  char* end = p + 3 + count;
  put_hex_digits(end, value, count);
  *end = '"';
  out.advance_to(end + 1);
}

void append_hex_string(text_buffer& out, std::span<const std::byte> bytes) {
  char* p = out.extend(2 + 2 * bytes.size());
  *p++ = '"';
  for (std::byte b : bytes) {
    std::memcpy(p, hex_pairs[static_cast<unsigned>(b)].data(), 2);
    p += 2;
  }
  *p = '"';
}

bool is_end(data_type t) { return t == data_type::end_struct || t == data_type::end_array; }

}  // namespace

std::size_t append_data_value(text_buffer& out, const event_data& data, std::size_t i) {
  const auto items = data.items();
  const data_item& item = items[i];
  switch (item.type) {
    case data_type::boolean:
      out += item.boolean ? "true" : "false";
      break;
    case data_type::signed_int:
      append_chars(out, item.signed_value);
      break;
    case data_type::unsigned_int:
      append_chars(out, item.unsigned_value);
      break;
    case data_type::hex_int:
      append_padded_hex(out, item.unsigned_value, item.hex_digits);
      break;
    case data_type::float32:
      append_float(out, static_cast<float>(item.float_value));
      break;
    case data_type::float64:
      append_float(out, item.float_value);
      break;
    case data_type::string:
      append_json_string(out, data.text(item));
      break;
    case data_type::guid: {
      std::array<char, 38> text;
      data.guid_value(item).format_to(text);
      out.push_back('"');
      out.append(text.data(), text.size());
      out.push_back('"');
      break;
    }
    case data_type::filetime: {
      char text[rfc3339_length];
      out.push_back('"');
      out.append(format_rfc3339(item.unsigned_value, text));
      out.push_back('"');
      break;
    }
    case data_type::binary:
      append_hex_string(out, data.bytes(item));
      break;
    case data_type::begin_struct:
    case data_type::begin_array: {
      const bool is_struct = item.type == data_type::begin_struct;
      out.push_back(is_struct ? '{' : '[');
      std::size_t k = i + 1;
      bool first = true;
      while (k < items.size() && !is_end(items[k].type)) {
        if (!first) out.push_back(',');
        first = false;
        if (is_struct) {
          append_json_string(out, items[k].name);
          out.push_back(':');
        }
        k = append_data_value(out, data, k);
      }
      out.push_back(is_struct ? '}' : ']');
      return k < items.size() ? k + 1 : k;  // past the end marker
    }
    case data_type::end_struct:
    case data_type::end_array:
      break;  // unbalanced end marker: skipped
  }
  return i + 1;
}

std::size_t append_data_text(text_buffer& out, const event_data& data, std::size_t i) {
  const data_item& item = data.items()[i];
  switch (item.type) {
    case data_type::string: {
      const std::string_view text = data.text(item);
      append_checked_utf8(out, std::as_bytes(std::span(text.data(), text.size())));
      return i + 1;
    }
    case data_type::begin_struct:
    case data_type::begin_array:
      return append_data_value(out, data, i);
    default: {
      // The JSON form; for the types JSON writes as strings, without the quotes. Their text
      // is made here ("0x1F", a GUID, a time, hex digits, "NaN") and needs no unescaping.
      const std::size_t at = out.size();
      const std::size_t next = append_data_value(out, data, i);
      if (out.size() >= at + 2 && out[at] == '"' && out.back() == '"') {
        out.erase(at, 1);
        out.pop_back();
      }
      return next;
    }
  }
}

std::size_t skip_data_value(const event_data& data, std::size_t i) {
  const auto items = data.items();
  if (items[i].type != data_type::begin_struct && items[i].type != data_type::begin_array) {
    return i + 1;
  }
  std::size_t depth = 0;
  for (; i < items.size(); ++i) {
    const data_type t = items[i].type;
    if (t == data_type::begin_struct || t == data_type::begin_array) {
      ++depth;
    } else if (is_end(t) && --depth == 0) {
      return i + 1;
    }
  }
  return i;  // unbalanced: the rest
}

void append_event_data_members(text_buffer& out, const event_data& data) {
  const auto items = data.items();
  std::size_t i = 0;
  bool first = true;
  while (i < items.size()) {
    if (is_end(items[i].type)) {  // unbalanced: skip rather than print broken JSON
      ++i;
      continue;
    }
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, items[i].name);
    out.push_back(':');
    i = append_data_value(out, data, i);
  }
}

}  // namespace etwcat::formats
