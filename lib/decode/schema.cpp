// schema: the rules every schema source shares (the count quirk) and every decoder applies
// (the keyword-mask names).
#include "lib/decode/schema.h"

#include <array>
#include <string_view>

#include "lib/base/ascii.h"

namespace etwcat::decode {
namespace {

bool is_integer(in_type t) {
  switch (t) {
    case in_type::int8:
    case in_type::uint8:
    case in_type::int16:
    case in_type::uint16:
    case in_type::int32:
    case in_type::uint32:
    case in_type::int64:
    case in_type::uint64:
    case in_type::hex_int32:
    case in_type::hex_int64:
      return true;
    default:
      return false;
  }
}

// "FrameCount", "Count", "NumberOfFrames", "ElementCount": a name that says it counts.
bool looks_like_count(std::string_view name) {
  return name.ends_with("Count") || name.ends_with("count") || name.starts_with("NumberOf") ||
         name.starts_with("Num");
}

// `name` ends in `suffix` (lower case), ignoring the case of `name`.
bool ends_with_ignoring_case(std::string_view name, std::string_view suffix) {
  return name.size() >= suffix.size() &&
         equals_ignoring_case(name.substr(name.size() - suffix.size()), suffix);
}

}  // namespace

bool preceded_by_count_field(const std::vector<property>& properties, std::size_t index) {
  if (index == 0 || index > properties.size()) return false;
  const property& before = properties[index - 1];
  return !before.is_struct && is_integer(before.in) && before.count_from == size_source::none &&
         looks_like_count(before.name);
}

bool names_bit_mask(std::string_view field_name) noexcept {
  static constexpr std::array<std::string_view, 4> suffixes = {"keyword", "keywords", "mask",
                                                               "flags"};
  if (field_name.size() >= 8 && equals_ignoring_case(field_name.substr(0, 8), "numberof")) {
    return false;
  }
  for (std::string_view suffix : suffixes) {
    if (ends_with_ignoring_case(field_name, suffix)) return true;
  }
  return false;
}

}  // namespace etwcat::decode
