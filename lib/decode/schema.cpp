// schema: the rules every schema source shares.
#include "lib/decode/schema.h"

#include <string_view>

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

}  // namespace

bool preceded_by_count_field(const std::vector<property>& properties, std::size_t index) {
  if (index == 0 || index > properties.size()) return false;
  const property& before = properties[index - 1];
  return !before.is_struct && is_integer(before.in) && before.count_from == size_source::none &&
         looks_like_count(before.name);
}

}  // namespace etwcat::decode
