// net_address: IP addresses and socket addresses as text, the way TDH, TraceEvent and
// tracefmt print them; shared by every decoder that meets an address-typed field.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace etwcat {

/// "192.168.0.1" from 4 bytes in network order (`four` holds at least 4 bytes).
void append_ipv4(std::string& out, std::span<const std::byte> four);

/// RFC 5952 text of 16 bytes in network order (`sixteen` holds at least 16): lower case, no
/// leading zeros, the first longest run (2 or more) of zero groups as "::", and an
/// IPv4-mapped address with its last 32 bits dotted ("::ffff:192.0.2.1").
void append_ipv6(std::string& out, std::span<const std::byte> sixteen);

/// A SOCKADDR_IN ("a.b.c.d:port") or SOCKADDR_IN6 ("[v6]:port"): family u16 little-endian,
/// port u16 big-endian, then the address. False, with nothing appended, for other families
/// and for bytes too short for their family.
bool append_socket_address(std::string& out, std::span<const std::byte> sockaddr);

}  // namespace etwcat
