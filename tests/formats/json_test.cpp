// The JSON string writer reads eight bytes at a time while nothing needs escaping; these cases
// put each kind of byte that does at every place in and around such a word.
#include "formats/json.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "lib/base/text_buffer.h"

namespace {

std::string json_of(std::string_view text) {
  etwcat::text_buffer out;
  etwcat::formats::append_json_string(out, text);
  return out.str();
}

// The escaping one byte at a time, as RFC 8259 asks, for comparison.
std::string escaped_slowly(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace

TEST_CASE("json: a byte to escape is found at every place of a word") {
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123";  // 30 bytes, none to escape
  for (const char special : {'"', '\\', '\n', '\t', '\x01', '\x1F'}) {
    // Every length from 1 to 30, the byte at every place in it.
    for (std::size_t length = 1; length <= plain.size(); ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string text = plain.substr(0, length);
        text[at] = special;
        CAPTURE(length);
        CAPTURE(at);
        CHECK(json_of(text) == escaped_slowly(text));
      }
    }
  }
  // Bytes next to the limits of the bit tricks go through as they are.
  CHECK(json_of(" !#[]^_`~\x7F 0123456789") == "\" !#[]^_`~\x7F 0123456789\"");
}

TEST_CASE("json: UTF-8 at every place of a word is kept, and invalid bytes replaced") {
  const std::string all = "abcdefghijklmnopqrstuvw";
  for (std::size_t length = 2; length <= all.size(); ++length)
    for (std::size_t at = 0; at + 2 <= length; ++at) {
      const std::string plain = all.substr(0, length);
      std::string text = plain;
      text.replace(at, 2, "\xC3\xA9");  // é
      CAPTURE(at);
      CHECK(json_of(text) == "\"" + text + "\"");
      text.replace(at, 2,
                   "\xFF"
                   "a");
      std::string want = plain;
      want.replace(at, 2,
                   "\xEF\xBF\xBD"
                   "a");
      CHECK(json_of(text) == "\"" + want + "\"");
    }
}
