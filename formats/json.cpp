// JSON text per RFC 8259: escape '"', '\\' and controls; keep valid UTF-8.
#include "formats/json.h"

#include <charconv>

namespace etwcat::formats {
namespace {

// Length of the valid UTF-8 sequence at `s[i]`, or 0 when it is invalid.
std::size_t valid_utf8_length(std::string_view s, std::size_t i) noexcept {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = b(i);
  std::size_t n = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  // Overlongs and surrogates.
  if (lead == 0xE0 && b(i + 1) < 0xA0) return 0;
  if (lead == 0xED && b(i + 1) >= 0xA0) return 0;
  if (lead == 0xF0 && b(i + 1) < 0x90) return 0;
  if (lead == 0xF4 && b(i + 1) >= 0x90) return 0;
  return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // Runs of printable ASCII that need no escaping go out in one append.
    std::size_t run = i;
    while (run < text.size()) {
      const auto b = static_cast<unsigned char>(text[run]);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
      ++run;
    }
    if (run != i) {
      out.append(text.data() + i, run - i);
      i = run;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t n = valid_utf8_length(text, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void append_number(std::string& out, std::uint64_t value) {
  char text[20];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  out.append(text, static_cast<std::size_t>(end - text));
}

void append_hex(std::string& out, std::uint64_t value) {
  static constexpr char digits[] = "0123456789ABCDEF";
  char buffer[16];
  int n = 0;
  do {
    buffer[n++] = digits[value & 0xF];
    value >>= 4;
  } while (value != 0);
  out += "0x";
  while (n > 0) out.push_back(buffer[--n]);
}

}  // namespace etwcat::formats
