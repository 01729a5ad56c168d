// JSON text per RFC 8259: escape '"', '\\' and controls; keep valid UTF-8. Each function takes
// the room it may need once and writes through a pointer.
#include "formats/json.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "lib/base/hex_digits.h"

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

// What each byte needs: 0 none, 1 a two-char escape, 2 \u00XX, 3 a UTF-8 check (>= 0x80).
constexpr std::array<unsigned char, 256> escape_kind = [] {
  std::array<unsigned char, 256> kind{};
  for (int c = 0; c < 0x20; ++c) kind[c] = 2;
  for (char c : {'\b', '\t', '\n', '\f', '\r', '"', '\\'}) kind[static_cast<unsigned char>(c)] = 1;
  for (int c = 0x80; c < 0x100; ++c) kind[c] = 3;
  return kind;
}();

// True when one of the bytes of `word` is below 0x20, '"', '\\' or 0x80 and above (the
// classic "has a zero byte" and "has a byte less than n" bit tricks, on 4 or 8 bytes).
template <class Word>
constexpr bool needs_look(Word word) noexcept {
  constexpr Word ones = static_cast<Word>(0x0101010101010101);
  constexpr Word highs = static_cast<Word>(0x8080808080808080);
  const Word quote = word ^ (ones * '"');
  const Word backslash = word ^ (ones * '\\');
  const Word below_space = (word - ones * 0x20) & ~word;
  const Word quote_zero = (quote - ones) & ~quote;
  const Word backslash_zero = (backslash - ones) & ~backslash;
  return ((below_space | quote_zero | backslash_zero | word) & highs) != 0;
}

// Copies the last sizeof(Word) bytes of s[0, n) when none needs a look, rewriting the ones
// before `i` that were already copied as they are; true when that finished the string.
template <class Word>
bool copy_plain_tail(const unsigned char* s, std::size_t n, std::size_t i, char*& p) noexcept {
  constexpr std::size_t size = sizeof(Word);
  if (n < size || n - i > size) return false;
  Word word;
  std::memcpy(&word, s + n - size, size);
  if (needs_look(word)) return false;
  // Bytes n-size .. i-1 were plain, so each went out as itself: the last i-(n-size) written.
  p -= i - (n - size);
  std::memcpy(p, &word, size);
  p += size;
  return true;
}

char short_escape(char c) noexcept {
  switch (c) {
    case '\b':
      return 'b';
    case '\t':
      return 't';
    case '\n':
      return 'n';
    case '\f':
      return 'f';
    case '\r':
      return 'r';
    default:
      return c;  // '"' and '\\' stand for themselves
  }
}

}  // namespace

void append_json_string(text_buffer& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  // The most a byte can become is 6 chars (\u00XX); an invalid byte becomes 3 (U+FFFD).
  char* p = out.reserve_back(6 * text.size() + 2);
  *p++ = '"';
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Eight bytes at a time while none needs a look: no control, quote, backslash or non-ASCII.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, s + i, 8);
      if (needs_look(word)) break;
      std::memcpy(p, &word, 8);
      p += 8;
      i += 8;
    }
    if (i == n) break;
    // Fewer than eight left: a last word, overlapping what was copied, often finishes it.
    if (copy_plain_tail<std::uint64_t>(s, n, i, p) || copy_plain_tail<std::uint32_t>(s, n, i, p)) {
      break;
    }
    const unsigned char c = s[i];
    const unsigned char kind = escape_kind[c];
    if (kind == 0) {
      *p++ = static_cast<char>(c);
      ++i;
    } else if (kind == 1) {
      *p++ = '\\';
      *p++ = short_escape(static_cast<char>(c));
      ++i;
    } else if (kind == 2) {
      std::memcpy(p, "\\u00", 4);
      p[4] = hex[c >> 4];
      p[5] = hex[c & 0xF];
      p += 6;
      ++i;
    } else if (const std::size_t length = valid_utf8_length(text, i); length != 0) {
      std::memcpy(p, s + i, length);
      p += length;
      i += length;
    } else {
      std::memcpy(p, "\xEF\xBF\xBD", 3);  // U+FFFD
      p += 3;
      ++i;
    }
  }
  *p++ = '"';
  out.advance_to(p);
}

void append_number(text_buffer& out, std::uint64_t value) {
  char* p = out.reserve_back(20);
  out.advance_to(std::to_chars(p, p + 20, value).ptr);
}

void append_hex(text_buffer& out, std::uint64_t value) {
  const unsigned count = hex_digit_count(value);
  char* p = out.reserve_back(count + 2);
  p[0] = '0';
  p[1] = 'x';
  put_hex_digits(p + 2 + count, value, count);
  out.advance_to(p + 2 + count);
}

}  // namespace etwcat::formats
