// glob: shell-style name patterns ('*', '?') for the names users type — providers, events,
// process images.
#pragma once

#include <string_view>

namespace etwcat {

/// True when `text` matches the glob `pattern` ('*' any run, '?' one character), ASCII case
/// ignored.
bool glob_matches(std::string_view pattern, std::string_view text) noexcept;

/// True when `text` holds a glob character ('*' or '?').
constexpr bool is_glob(std::string_view text) noexcept {
  return text.find_first_of("*?") != std::string_view::npos;
}

}  // namespace etwcat
