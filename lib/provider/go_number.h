// Unsigned integers written as Go's strconv.ParseUint(s, 0, bits) reads them,
// because goetw provider strings use that syntax.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace etwcat::provider {

/// Parses `text` with Go's automatic base: decimal, `0x` hex, `0b` binary,
/// `0o` or a leading `0` octal ("010" is 8), `_` allowed between digits and
/// after a base prefix. Returns nothing when the text is not such a number
/// or does not fit in `bits` bits (8, 16, 32 or 64).
///   parse_go_uint("0x_FF", 8) == 255;  parse_go_uint("256", 8) == nullopt
std::optional<std::uint64_t> parse_go_uint(std::string_view text, int bits) noexcept;

/// True when `text` is an unsigned number in that syntax, however large: it
/// tells "out of range" from "not a number" after parse_go_uint said no.
///   is_go_uint("70000") == true;  is_go_uint("7x") == false
bool is_go_uint(std::string_view text) noexcept;

}  // namespace etwcat::provider
