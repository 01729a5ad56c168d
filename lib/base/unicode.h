// UTF-8 <-> UTF-16 conversion for names and strings that ETW stores as
// UTF-16LE. Invalid input becomes U+FFFD; nothing here throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "lib/base/text_buffer.h"

namespace etwcat {

/// Decodes UTF-8 into UTF-16 code units; invalid sequences become U+FFFD.
std::u16string utf8_to_utf16(std::string_view utf8);

/// Appends the UTF-8 form of UTF-16 code units to `out`; unpaired
/// surrogates become U+FFFD.
void append_utf16_as_utf8(std::string& out, std::u16string_view utf16);

/// Appends UTF-16LE bytes, as ETW stores wide text, as UTF-8; an odd trailing byte is
/// dropped and unpaired surrogates become U+FFFD. No temporary buffer.
void append_utf16le_as_utf8(std::string& out, std::span<const std::byte> utf16le);

/// Appends Windows-1252 ("ANSI") bytes as UTF-8; its five undefined bytes become U+FFFD.
void append_windows1252_as_utf8(std::string& out, std::span<const std::byte> text);

/// Appends bytes that should be UTF-8, each invalid sequence replaced by U+FFFD.
void append_checked_utf8(std::string& out, std::span<const std::byte> utf8);
void append_checked_utf8(text_buffer& out, std::span<const std::byte> utf8);

/// Appends one code point as UTF-8 (U+FFFD for surrogates and > U+10FFFF).
void append_code_point(std::string& out, std::uint32_t code_point);
void append_code_point(text_buffer& out, std::uint32_t code_point);

}  // namespace etwcat
