#include "lib/base/duration.h"

#include <cstdint>
#include <limits>

namespace etwcat {

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) noexcept {
  std::size_t at = 0;
  std::uint64_t whole = 0;
  std::uint64_t fraction = 0, fraction_scale = 1;
  bool digits = false;
  constexpr std::uint64_t limit = std::numeric_limits<std::int64_t>::max() / 10;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    if (whole > limit) return std::nullopt;
    whole = whole * 10 + static_cast<std::uint64_t>(text[at] - '0');
    digits = true;
  }
  if (at < text.size() && text[at] == '.') {
    ++at;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
      if (fraction_scale < 1'000'000'000'000) {  // enough digits for nanoseconds of days
        fraction = fraction * 10 + static_cast<std::uint64_t>(text[at] - '0');
        fraction_scale *= 10;
      }
      digits = true;
    }
  }
  if (!digits) return std::nullopt;
  const std::string_view unit = text.substr(at);
  std::uint64_t ns_per_unit = 0;
  if (unit.empty() || unit == "s") {
    ns_per_unit = 1'000'000'000;
  } else if (unit == "ns") {
    ns_per_unit = 1;
  } else if (unit == "us") {
    ns_per_unit = 1'000;
  } else if (unit == "ms") {
    ns_per_unit = 1'000'000;
  } else if (unit == "m") {
    ns_per_unit = 60'000'000'000;
  } else if (unit == "h") {
    ns_per_unit = 3'600'000'000'000;
  } else if (unit == "d") {
    ns_per_unit = 86'400'000'000'000;
  } else {
    return std::nullopt;
  }
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (whole != 0 && ns_per_unit > max / whole) return std::nullopt;
  const std::uint64_t total =
      whole * ns_per_unit +
      static_cast<std::uint64_t>(static_cast<long double>(fraction) * ns_per_unit / fraction_scale);
  if (total > max) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(total));
}

}  // namespace etwcat
