// Small building blocks shared by the writers: escaped JSON strings, decimal numbers and the
// "0x…" upper-case hex form the output contract uses for masks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/base/text_buffer.h"

namespace etwcat::formats {

/// Appends `text` (UTF-8) as a JSON string literal, quotes included.
/// Control characters are escaped; invalid UTF-8 becomes U+FFFD.
void append_json_string(text_buffer& out, std::string_view text);

/// Appends `value` in decimal: 42.
void append_number(text_buffer& out, std::uint64_t value);

/// Appends "0x" and the upper-case hex digits of `value`, no padding: 0x42.
void append_hex(text_buffer& out, std::uint64_t value);

}  // namespace etwcat::formats
