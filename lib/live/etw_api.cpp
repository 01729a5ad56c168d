// properties_block: the one allocation EVENT_TRACE_PROPERTIES needs (docs/etw-api.md §3.3).
#include "lib/live/etw_api.h"

#include <algorithm>
#include <cstring>

namespace etwcat::live {

properties_block::properties_block(std::u16string_view log_file)
    : bytes_(sizeof(trace_properties) + 2 * (name_room + 1) * sizeof(char16_t)) {
  trace_properties& p = get();
  p.wnode.buffer_size = static_cast<std::uint32_t>(bytes_.size());
  p.wnode.flags = wnode_flag::traced_guid;
  p.logger_name_offset = sizeof(trace_properties);
  // The file name comes after the session name, as ETW wants it.
  p.log_file_name_offset =
      static_cast<std::uint32_t>(sizeof(trace_properties) + (name_room + 1) * sizeof(char16_t));
  if (!log_file.empty()) {
    const std::size_t n = std::min(log_file.size(), name_room);
    std::memcpy(bytes_.data() + p.log_file_name_offset, log_file.data(), n * sizeof(char16_t));
  } else {
    p.log_file_name_offset = 0;  // real time only
  }
}

properties_block properties_block::for_query() {
  properties_block block(u" ");
  trace_properties& p = block.get();
  std::memset(block.bytes_.data() + p.log_file_name_offset, 0, sizeof(char16_t));
  return block;
}

std::u16string properties_block::text_at(std::uint32_t offset) const {
  std::u16string text;
  if (offset == 0 || offset >= bytes_.size()) return text;
  for (std::size_t at = offset; at + 1 < bytes_.size(); at += 2) {
    char16_t c = 0;
    std::memcpy(&c, bytes_.data() + at, 2);
    if (c == 0) break;
    text.push_back(c);
  }
  return text;
}

std::u16string properties_block::logger_name() const { return text_at(get().logger_name_offset); }
std::u16string properties_block::log_file_name() const {
  return text_at(get().log_file_name_offset);
}

#ifndef _WIN32
etw_api* system_etw() noexcept { return nullptr; }
#endif

}  // namespace etwcat::live
