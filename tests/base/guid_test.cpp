// GUID text and byte forms.
#include "lib/base/guid.h"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>

using etwcat::guid;

TEST_CASE("guid: parses braced and bare, any case, prints upper case braced") {
  auto a = guid::parse("{45d8cccd-539f-4b72-a8b7-5c683142609a}");
  REQUIRE(a);
  CHECK(a->data1 == 0x45d8cccdu);
  CHECK(a->data2 == 0x539f);
  CHECK(a->data3 == 0x4b72);
  CHECK(a->data4[0] == 0xa8);
  CHECK(a->data4[7] == 0x9a);
  CHECK(a->to_string() == "{45D8CCCD-539F-4B72-A8B7-5C683142609A}");
  CHECK(guid::parse("45D8CCCD-539F-4B72-A8B7-5C683142609A") == a);
}

TEST_CASE("guid: rejects every other shape") {
  CHECK_FALSE(guid::parse(""));
  CHECK_FALSE(guid::parse("{45d8cccd-539f-4b72-a8b7-5c683142609a"));
  CHECK_FALSE(guid::parse("45d8cccd-539f-4b72-a8b7-5c683142609a}"));
  CHECK_FALSE(guid::parse("(45d8cccd-539f-4b72-a8b7-5c683142609a)"));
  CHECK_FALSE(guid::parse("45d8cccd 539f-4b72-a8b7-5c683142609a"));
  CHECK_FALSE(guid::parse("45d8cccd539f4b72a8b75c683142609a"));
  CHECK_FALSE(guid::parse("45d8cccd-539f-4b72-a8b7-5c683142609g"));
  CHECK_FALSE(guid::parse("45d8cccd-539f-4b72-a8b7-5c683142609"));
  CHECK_FALSE(guid::parse("45d8cccd-539f-4b72-a8b7-5c683142609aa"));
  CHECK_FALSE(guid::parse("+5d8cccd-539f-4b72-a8b7-5c683142609a"));
}

TEST_CASE("guid: the 16-byte on-disk form is little-endian in its first three fields") {
  const unsigned char raw[16] = {0x0a, 0xf9, 0x5e, 0xdd, 0x98, 0x63, 0xa4, 0x47,
                                 0xad, 0x34, 0x4d, 0xce, 0xcd, 0xef, 0x79, 0x5f};
  std::array<std::byte, 16> bytes{};
  for (int i = 0; i < 16; ++i) bytes[i] = std::byte{raw[i]};
  CHECK(guid::from_bytes(bytes).to_string() == "{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}");
}
