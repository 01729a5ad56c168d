// owned_event: the copy is made in two passes, measure then copy, so that the storage is
// reserved once and the views taken from it stay valid.
#include "lib/event/owned_event.h"

#include <cstring>
#include <span>
#include <string_view>

namespace etwcat {
namespace {

// Beyond this a kept event's storage is given back after use: usual events need a few hundred
// bytes; a payload may be 64 KB.
constexpr std::size_t usual_storage = 16 * 1024;

// Visits every view of `e` that may point outside it, as string_view& or span&; the same order
// in both passes.
template <class Text, class Bytes>
void visit_views(event& e, Text&& text, Bytes&& bytes) {
  text(e.provider_name);
  text(e.level_name);
  text(e.task_name);
  text(e.opcode_name);
  text(e.channel_name);
  for (std::string_view& name : e.keyword_names) text(name);
  text(e.process_name);
  text(e.group_name);
  text(e.header_type);
  text(e.container_id);
  bytes(e.stack.frames);
  for (other_item& item : e.other_items) bytes(item.data);
  bytes(e.raw_data);
  e.data.for_each_name(text);
}

}  // namespace

void owned_event::own_views() {
  std::size_t need = 0;
  auto measure_text = [&need](std::string_view& s) { need += s.size(); };
  auto measure_bytes = [&need](std::span<const std::byte>& b) { need += b.size(); };
  visit_views(event_, measure_text, measure_bytes);
  // A name copied into the event itself (set_event_name_copy) is owned already.
  std::string_view name = event_.event_name();
  const auto* self = reinterpret_cast<const char*>(&event_);
  const bool name_inside = name.data() >= self && name.data() < self + sizeof(event_);
  if (!name_inside) need += name.size();
  payload_surplus surplus = event_.data.surplus();
  need += surplus.bytes.size();

  storage_.clear();
  char* at = storage_.reserve_back(need);  // one reservation: the views taken stay valid
  auto keep = [&at](const void* data, std::size_t size) {
    char* kept = at;
    std::memcpy(at, data, size);
    at += size;
    return kept;
  };
  auto keep_text = [&keep](std::string_view& s) {
    if (!s.empty()) s = std::string_view(keep(s.data(), s.size()), s.size());
  };
  auto keep_bytes = [&keep](std::span<const std::byte>& b) {
    if (!b.empty()) b = {reinterpret_cast<const std::byte*>(keep(b.data(), b.size())), b.size()};
  };
  visit_views(event_, keep_text, keep_bytes);
  if (!name_inside) {
    keep_text(name);
    event_.set_event_name(name);
  }
  keep_bytes(surplus.bytes);
  event_.data.set_surplus(surplus);
  storage_.advance_to(at);
}

std::size_t owned_event::memory() const noexcept {
  return sizeof(*this) + storage_.capacity() + event_.data.memory() +
         event_.decode_error.capacity() +
         event_.keyword_names.capacity() * sizeof(std::string_view) +
         event_.other_items.capacity() * sizeof(other_item);
}

void owned_event::trim() {
  if (storage_.capacity() > usual_storage) storage_ = text_buffer();
  if (event_.data.memory() > 4 * usual_storage) event_ = event{};
}

}  // namespace etwcat
