// Provider strings, goetw's grammar plus extensions:
//   (Name|GUID|*EventSourceName)[:Level[:EventIDs[:MatchAnyKeyword[:MatchAllKeyword]]]]
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "lib/base/guid.h"
#include "lib/provider/provider.h"

namespace etwcat::provider {

/// Finds the GUID of a provider name that the built-in table does not know
/// (on Windows: the providers registered with TDH). May be empty: no lookup.
using name_resolver = std::function<std::optional<guid>(std::string_view name)>;

/// Parses one provider string. Fields split on ':' by position; an empty
/// field keeps its default (Level 0xFF, MatchAny all ones, MatchAll 0, no ID
/// filter). Numbers use Go's automatic base ("0x42", "0b11", "010" == 8).
///   Level:    0-255 or critical|error|warning|information|info|verbose.
///   EventIDs: "1,2,10-20"; a leading '!' makes it an exclude list; <= 64 IDs.
///   Name:     a GUID, "*Name" (EventSource name hash), or a provider name
///             looked up in the built-in table, then through `resolver`.
/// Throws usage_error with one line naming the string, the field and the
/// bad text:  provider "KF:abc": level "abc" is neither a number (0-255) nor a level name
provider parse_provider(std::string_view text, const name_resolver& resolver);

/// As above, with this platform's resolver (TDH on Windows, none elsewhere).
provider parse_provider(std::string_view text);

/// A Level field on its own, for callers that take the fields apart (session configs): a number
/// 0-255 in Go syntax or a level name, any case. Nothing for anything else.
///   parse_level("Verbose") == 5;  parse_level("0x10") == 16;  parse_level("loud") == nullopt
std::optional<std::uint8_t> parse_level(std::string_view text) noexcept;

}  // namespace etwcat::provider
