// event_data: building items, text conversions (UTF-16, CP1252, UTF-8 checks), lookups.
#include "lib/event/event_data.h"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <string>

using namespace etwcat;

namespace {
template <std::size_t N>
std::array<std::byte, N - 1> bytes_of(const char (&text)[N]) {
  std::array<std::byte, N - 1> out{};
  for (std::size_t i = 0; i + 1 < N; ++i) out[i] = static_cast<std::byte>(text[i]);
  return out;
}
}  // namespace

TEST_CASE("event_data: UTF-16LE text, surrogate pairs and lone surrogates") {
  event_data data;
  // "A", U+00E9, U+1F600 (D83D DE00), a lone high surrogate, "Z".
  const auto utf16 = bytes_of("A\0\xE9\0\x3D\xD8\x00\xDE\x3D\xD8Z\0");
  data.add_utf16("s", utf16);
  REQUIRE(data.items().size() == 1);
  CHECK(data.text(data.items()[0]) == "A\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBDZ");
}

TEST_CASE("event_data: CP1252 and checked UTF-8") {
  event_data data;
  data.add_ansi("a", bytes_of("\x80\x81\xE9x"));
  data.add_utf8("u", bytes_of("ok\xC3\xA9\xFF\xE2\x82"));
  CHECK(data.text(data.items()[0]) == "\xE2\x82\xAC\xEF\xBF\xBD\xC3\xA9x");  // € U+FFFD é x
  CHECK(data.text(data.items()[1]) == "ok\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("event_data: find looks at top-level items only, guid round trip, clear keeps nothing") {
  event_data data;
  data.begin_struct("S");
  data.add_unsigned("X", 1);
  data.end_struct();
  data.add_unsigned("X", 2);
  const guid g = *guid::parse("{0AD614C4-0EF4-4225-8DD4-A8FB61B77615}");
  data.add_guid("G", g);
  const data_item* x = data.find("X");
  REQUIRE(x != nullptr);
  CHECK(x->unsigned_value == 2);
  REQUIRE(data.find("G") != nullptr);
  CHECK(data.guid_value(*data.find("G")) == g);
  CHECK(data.find("nope") == nullptr);
  data.clear();
  CHECK(data.empty());
  CHECK(data.find("X") == nullptr);
}
