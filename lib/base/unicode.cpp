// UTF-8 per RFC 3629 (no overlongs, no surrogates), UTF-16 per RFC 2781.
#include "lib/base/unicode.h"

namespace etwcat {

namespace {

template <class Out>
void code_point_into(Out& out, std::uint32_t cp) {
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

}  // namespace

void append_code_point(std::string& out, std::uint32_t cp) { code_point_into(out, cp); }

void append_code_point(text_buffer& out, std::uint32_t cp) { code_point_into(out, cp); }

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

namespace {

// Windows-1252 0x80..0x9F; 0 marks the five undefined bytes (kept as U+FFFD).
constexpr std::uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

void append_utf16le_as_utf8(std::string& out, std::span<const std::byte> bytes) {
  const std::size_t units = bytes.size() / 2;
  for (std::size_t i = 0; i < units; ++i) {
    auto unit = [&](std::size_t k) {
      return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[2 * k])) |
             static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[2 * k + 1])) << 8;
    };
    std::uint32_t u = unit(i);
    if (u < 0x80) {
      out.push_back(static_cast<char>(u));
    } else if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      std::uint32_t low = unit(i + 1);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_code_point(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        ++i;
      } else {
        append_code_point(out, 0xFFFD);
      }
    } else {
      append_code_point(out, u);  // lone surrogates become U+FFFD there
    }
  }
}

namespace {

template <class Out>
void checked_utf8_into(Out& out, std::span<const std::byte> bytes) {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  auto at = [&](std::size_t k) { return static_cast<std::uint8_t>(bytes[k]); };
  while (i < n) {
    std::uint8_t b = at(i);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if ((b & 0xE0) == 0xC0) {
      length = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4;
      cp = b & 0x07;
    }
    bool valid = length != 0 && i + length <= n;
    for (std::size_t k = 1; valid && k < length; ++k) {
      if ((at(i + k) & 0xC0) != 0x80) valid = false;
      cp = cp << 6 | (at(i + k) & 0x3F);
    }
    if (valid) {
      static constexpr std::uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= smallest[length] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (valid) {
      out.append(reinterpret_cast<const char*>(bytes.data() + i), length);
      i += length;
    } else {
      code_point_into(out, 0xFFFD);
      ++i;
    }
  }
}

}  // namespace

void append_checked_utf8(std::string& out, std::span<const std::byte> utf8) {
  checked_utf8_into(out, utf8);
}

void append_checked_utf8(text_buffer& out, std::span<const std::byte> utf8) {
  checked_utf8_into(out, utf8);
}

void append_windows1252_as_utf8(std::string& out, std::span<const std::byte> text) {
  for (std::byte raw : text) {
    auto b = static_cast<std::uint8_t>(raw);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
    } else if (b < 0xA0) {
      std::uint16_t cp = cp1252_high[b - 0x80];
      append_code_point(out, cp != 0 ? cp : 0xFFFD);
    } else {
      append_code_point(out, b);
    }
  }
}

}  // namespace etwcat
