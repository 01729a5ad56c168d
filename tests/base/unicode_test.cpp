// UTF-8 <-> UTF-16, including the broken inputs real traces carry.
#include "lib/base/unicode.h"

#include <doctest/doctest.h>

using etwcat::append_utf16_as_utf8;
using etwcat::utf8_to_utf16;

TEST_CASE("unicode: round trip of ASCII, BMP and astral characters") {
  const std::string text = "etw \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";  // été € 😀
  std::u16string wide = utf8_to_utf16(text);
  CHECK(wide == u"etw \u00e9t\u00e9 \u20ac \U0001F600");
  std::string back;
  append_utf16_as_utf8(back, wide);
  CHECK(back == text);
}

TEST_CASE("unicode: invalid input becomes U+FFFD") {
  CHECK(utf8_to_utf16("a\xFF"
                      "b") == u"a\uFFFDb");
  CHECK(utf8_to_utf16("\xC3") == u"\uFFFD");            // truncated sequence
  CHECK(utf8_to_utf16("\xC0\xAF") == u"\uFFFD\uFFFD");  // overlong
  CHECK(utf8_to_utf16("\xED\xA0\x80") == u"\uFFFD");    // encoded surrogate
  std::string out;
  append_utf16_as_utf8(out, std::u16string(1, char16_t(0xD800)) + u"x");  // lone surrogate
  CHECK(out == "\xEF\xBF\xBDx");
}
