// net_address: addresses from their wire bytes; numbers through std::to_chars.
#include "lib/base/net_address.h"

#include <array>
#include <charconv>
#include <cstdint>

namespace etwcat {
namespace {

unsigned byte_at(std::span<const std::byte> b, std::size_t i) noexcept {
  return static_cast<unsigned>(b[i]);
}

void append_number(std::string& out, unsigned value, int base = 10) {
  char digits[12];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value, base);
  out.append(digits, end);
}

}  // namespace

void append_ipv4(std::string& out, std::span<const std::byte> four) {
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != 0) out.push_back('.');
    append_number(out, byte_at(four, i));
  }
}

void append_ipv6(std::string& out, std::span<const std::byte> sixteen) {
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) {
    groups[i] = byte_at(sixteen, 2 * i) << 8 | byte_at(sixteen, 2 * i + 1);
  }
  bool mapped = groups[5] == 0xFFFF;
  for (std::size_t i = 0; i < 5; ++i) mapped = mapped && groups[i] == 0;
  if (mapped) {
    out.append("::ffff:");
    append_ipv4(out, sixteen.subspan(12, 4));
    return;
  }
  std::size_t best_start = 8, best_length = 0;
  for (std::size_t i = 0; i < 8;) {
    std::size_t j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length && j - i >= 2) {
      best_start = i;
      best_length = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out.append("::");
      i += best_length - 1;
      continue;
    }
    if (i != 0 && i != best_start + best_length) out.push_back(':');
    append_number(out, groups[i], 16);
  }
}

bool append_socket_address(std::string& out, std::span<const std::byte> sockaddr) {
  if (sockaddr.size() < 8) return false;
  const unsigned family = byte_at(sockaddr, 0) | byte_at(sockaddr, 1) << 8;
  const unsigned port = byte_at(sockaddr, 2) << 8 | byte_at(sockaddr, 3);
  if (family == 2) {
    append_ipv4(out, sockaddr.subspan(4, 4));
  } else if (family == 23 && sockaddr.size() >= 24) {
    out.push_back('[');
    append_ipv6(out, sockaddr.subspan(8, 16));
    out.push_back(']');
  } else {
    return false;
  }
  out.push_back(':');
  append_number(out, port);
  return true;
}

}  // namespace etwcat
