// event: reset and small accessors; the filling is in record_event.cpp and the decoders.
#include "lib/event/event.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace etwcat {

std::uint64_t stack_trace::address(std::size_t i) const noexcept {
  // Little-endian by definition of the format, whatever the host.
  std::uint64_t value = 0;
  const std::byte* at = frames.data() + i * pointer_size;
  for (std::size_t k = pointer_size; k-- > 0;) {
    value = value << 8 | static_cast<std::uint64_t>(at[k]);
  }
  return value;
}

void event::clear() noexcept {
  // Member by member, so that keyword_names and other_items keep their capacity.
  source = 0;
  provider_name = {};
  provider_guid = {};
  has_event_id = has_version = has_level = has_task = has_opcode = has_keywords = has_channel =
      false;
  event_id = version = task = 0;
  level = opcode = channel = 0;
  keywords = 0;
  level_name = task_name = opcode_name = channel_name = {};
  keyword_names.clear();
  event_name_ = {};
  name_length_ = 0;
  has_time = false;
  time_created = 0;
  has_activity_id = has_related_activity_id = false;
  activity_id = related_activity_id = {};
  has_process_and_thread = false;
  process_id = thread_id = 0;
  processor_id = 0;
  cpu_times = cpu_time_kind::none;
  kernel_time = user_time = 0;
  processor_time = 0;
  process_name = {};
  attributed = false;
  is_classic = has_group = false;
  group = classic_type = 0;
  group_name = header_type = {};
  has_stack_trace = has_sid = has_terminal_session_id = has_stack_key = has_event_key =
      has_process_start_key = has_container_id = false;
  stack = {};
  sid_length_ = 0;
  terminal_session_id = 0;
  stack_key_item = {};
  event_key = process_start_key = 0;
  container_id = {};
  other_items.clear();
  raw_data = {};
  payload_decoded = false;
  data.clear();
  decode_error.clear();
}

std::string_view event::event_name() const noexcept {
  return name_length_ != 0 ? std::string_view(name_storage_.data(), name_length_) : event_name_;
}

void event::set_event_name(std::string_view name) noexcept {
  event_name_ = name;
  name_length_ = 0;
}

void event::set_event_name_copy(std::string_view name) noexcept {
  const std::size_t n = std::min(name.size(), name_storage_.size() - 1);
  std::memcpy(name_storage_.data(), name.data(), n);
  name_length_ = static_cast<std::uint8_t>(n);
  event_name_ = {};
}

void event::set_sid(std::string_view text) noexcept {
  sid_length_ = std::min(text.size(), sid_storage_.size());
  std::memcpy(sid_storage_.data(), text.data(), sid_length_);
  has_sid = true;
}

std::string_view event::decode_warning(std::span<char, max_decode_warning> buffer) const noexcept {
  if (!has_surplus()) return {};
  const payload_surplus& surplus = data.surplus();
  char* at = buffer.data();
  char* const end = buffer.data() + buffer.size();
  auto put = [&](std::string_view text) {
    at = std::copy_n(text.data(), std::min<std::size_t>(text.size(), end - at), at);
  };
  auto put_number = [&](std::uint64_t n) { at = std::to_chars(at, end, n).ptr; };
  // The schema of another version (newer versions append fields): say so, so that the
  // surplus is not read as damage.
  if (surplus.schema_version >= 0 && has_version &&
      static_cast<std::uint32_t>(surplus.schema_version) != version) {
    put("version ");
    put_number(static_cast<std::uint64_t>(surplus.schema_version));
    put(" schema applied to version ");
    put_number(version);
    put(": ");
  }
  put_number(surplus.bytes.size());
  put(surplus.bytes.size() == 1 ? " byte" : " bytes");
  put(" left over after the last field (offset ");
  put_number(surplus.offset);
  put(")");
  return std::string_view(buffer.data(), static_cast<std::size_t>(at - buffer.data()));
}

bool event::has_extended_data() const noexcept {
  return has_stack_trace || has_sid || has_terminal_session_id || has_stack_key || has_event_key ||
         has_process_start_key || has_container_id || !other_items.empty();
}

}  // namespace etwcat
