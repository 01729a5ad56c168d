// net_address: the address forms every decoder prints.
#include "lib/base/net_address.h"

#include <doctest/doctest.h>

#include <array>
#include <initializer_list>
#include <string>
#include <vector>

using namespace etwcat;

namespace {
std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}
}  // namespace

TEST_CASE("net_address: IPv4, IPv6 per RFC 5952, IPv4-mapped") {
  std::string out;
  append_ipv4(out, bytes({127, 0, 0, 1}));
  CHECK(out == "127.0.0.1");
  out.clear();
  append_ipv6(out, bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  CHECK(out == "2001:db8::1");
  out.clear();  // first of two equal zero runs; a single zero group stays "0"
  append_ipv6(out, bytes({0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0}));
  CHECK(out == "1::2:0:0:3:0");
  out.clear();
  append_ipv6(out, bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1}));
  CHECK(out == "::ffff:192.0.2.1");
}

TEST_CASE("net_address: socket addresses, and families it does not print") {
  std::string out;
  CHECK(append_socket_address(out, bytes({2, 0, 0x01, 0xBD, 10, 50, 10, 50})));
  CHECK(out == "10.50.10.50:445");
  out.clear();
  auto v6 = bytes({23, 0, 0, 80, 0, 0, 0, 0, 0x20, 0x01, 0x48, 0x98,
                   0,  0, 0, 0,  0, 0, 0, 0, 0x10, 0x50, 0x10, 0x50});
  CHECK(append_socket_address(out, v6));
  CHECK(out == "[2001:4898::1050:1050]:80");
  out = "x";
  CHECK(!append_socket_address(out, bytes({23, 0, 0, 80, 0, 0, 0, 0})));  // too short for v6
  CHECK(!append_socket_address(out, bytes({1, 0, 0, 80, 1, 2, 3, 4})));   // AF_UNIX
  CHECK(out == "x");
}
