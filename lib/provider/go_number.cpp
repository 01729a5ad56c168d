// Follows Go's strconv.ParseUint with base 0 and its underscoreOK rule.
#include "lib/provider/go_number.h"

namespace etwcat::provider {
namespace {

char lower(char c) noexcept { return static_cast<char>(c | 0x20); }

int digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  char l = lower(c);
  if (l >= 'a' && l <= 'z') return l - 'a' + 10;
  return 99;  // not a digit in any base we accept
}

// Go allows '_' only between digits, or right after a base prefix; the
// prefix ("0x", "0b", "0o") counts as a digit, a lone leading '0' does too.
bool underscores_ok(std::string_view s) noexcept {
  char saw = '^';  // ^ start, 0 digit or prefix, _ underscore, ! other
  std::size_t i = 0;
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

enum class scan_status { ok, not_a_number, out_of_range };

// Reads every character, also past an overflow, so that a too-large number
// and text that is no number stay apart (Go's ErrRange and ErrSyntax).
scan_status scan_go_uint(std::string_view text, int bits, std::uint64_t& value) noexcept {
  if (text.empty() || bits <= 0 || bits > 64) return scan_status::not_a_number;
  std::string_view digits = text;
  unsigned base = 10;
  if (digits[0] == '0') {
    if (digits.size() >= 3 && lower(digits[1]) == 'b') {
      base = 2;
      digits.remove_prefix(2);
    } else if (digits.size() >= 3 && lower(digits[1]) == 'o') {
      base = 8;
      digits.remove_prefix(2);
    } else if (digits.size() >= 3 && lower(digits[1]) == 'x') {
      base = 16;
      digits.remove_prefix(2);
    } else {
      base = 8;
      digits.remove_prefix(1);
    }
  }
  const std::uint64_t max = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  value = 0;
  bool underscores = false;
  bool overflow = false;
  for (char c : digits) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    unsigned d = static_cast<unsigned>(digit_value(c));
    if (d >= base) return scan_status::not_a_number;
    if (overflow || value > (max - d) / base) {
      overflow = true;  // would pass `bits`; keep checking the syntax
      continue;
    }
    value = value * base + d;
  }
  if (underscores && !underscores_ok(text)) return scan_status::not_a_number;
  return overflow ? scan_status::out_of_range : scan_status::ok;
}

}  // namespace

std::optional<std::uint64_t> parse_go_uint(std::string_view text, int bits) noexcept {
  std::uint64_t value = 0;
  if (scan_go_uint(text, bits, value) != scan_status::ok) return std::nullopt;
  return value;
}

bool is_go_uint(std::string_view text) noexcept {
  std::uint64_t value = 0;
  return scan_go_uint(text, 64, value) != scan_status::not_a_number;
}

}  // namespace etwcat::provider
