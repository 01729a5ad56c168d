// duration: spans of time as people write them on a command line — "10s", "500ms", "2m",
// "1.5h", "90" (seconds) — for --duration and, later, time filters.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace etwcat {

/// The span `text` names: a non-negative decimal number (a fraction allowed) and a unit — ns,
/// us, ms, s, m, h, d — or no unit for seconds. Nothing for anything else, or an overflow.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) noexcept;

}  // namespace etwcat
