// The EventSource name hash and the SHA-1 under it.
#include "lib/provider/name_hash.h"

#include <doctest/doctest.h>

#include <string>

#include "lib/provider/sha1.h"

using etwcat::provider::eventsource_guid;
using etwcat::provider::sha1;

namespace {
std::string sha1_hex(const std::string& text) {
  sha1 hash;
  hash.update({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  std::string out;
  for (auto byte : hash.finish())
    out += "0123456789abcdef"[byte >> 4], out += "0123456789abcdef"[byte & 15];
  return out;
}
}  // namespace

TEST_CASE("sha1: FIPS 180 example vectors") {
  CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(sha1_hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1: input split across calls hashes the same") {
  sha1 hash;
  const std::string text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (char c : text) {
    std::uint8_t byte = static_cast<std::uint8_t>(c);
    hash.update({&byte, 1});
  }
  auto digest = hash.finish();
  CHECK(digest[0] == 0x84);
  CHECK(digest[19] == 0xf1);
}

TEST_CASE("name_hash: EventSource GUIDs of known names") {
  CHECK(eventsource_guid("MyCompany.MyComponent").to_string() ==
        "{CE5FA4EA-AB00-5402-8B76-9F76AC858FB5}");
  CHECK(eventsource_guid("Microsoft-Windows-Threat-Intelligence").to_string() ==
        "{F4E1897C-BB5D-5668-F1D8-040F4D8DD344}");
  // Microsoft-Antimalware-Scan-Interface is a TraceLogging provider: its GUID is its name hash.
  CHECK(eventsource_guid("Microsoft-Antimalware-Scan-Interface").to_string() ==
        "{2A576B87-09A7-520E-C21A-4942F0271D67}");
}

TEST_CASE("name_hash: the name is upper-cased first") {
  CHECK(eventsource_guid("mycompany.mycomponent") == eventsource_guid("MyCompany.MyComponent"));
  CHECK(eventsource_guid("MYCOMPANY.MYCOMPONENT") == eventsource_guid("MyCompany.MyComponent"));
  CHECK(eventsource_guid("\xC3\xA9t\xC3\xA9") == eventsource_guid("\xC3\x89T\xC3\x89"));  // été
  CHECK_FALSE(eventsource_guid("MyCompany.MyComponent2") ==
              eventsource_guid("MyCompany.MyComponent"));
}
