// UTF-8 per RFC 3629 (no overlongs, no surrogates), UTF-16 per RFC 2781.
#include "lib/base/unicode.h"

namespace etwcat {

void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_utf16_as_utf8(std::string& out, std::u16string_view in) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::uint32_t unit = in[i];
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < in.size() && in[i + 1] >= 0xDC00 &&
        in[i + 1] <= 0xDFFF) {
      unit = 0x10000 + ((unit - 0xD800) << 10) + (in[i + 1] - 0xDC00);
      ++i;
    }
    append_code_point(out, unit);  // a lone surrogate becomes U+FFFD there
  }
}

std::u16string utf8_to_utf16(std::string_view in) {
  std::u16string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(in[k]); };
    std::uint8_t lead = byte(i);
    std::uint32_t cp = 0xFFFD;
    std::size_t length = 1;
    std::uint32_t min = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if (lead >= 0xC2 && lead <= 0xF4) {
      length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      min = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
      cp = lead & (0x7F >> length);
      for (std::size_t k = 1; k < length; ++k) {
        if (i + k >= in.size() || (byte(i + k) & 0xC0) != 0x80) {
          cp = 0xFFFD;
          length = k;  // resume at the byte that broke the sequence
          break;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
      }
      if (cp != 0xFFFD && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
        cp = 0xFFFD;
      }
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += length;
  }
  return out;
}

}  // namespace etwcat
