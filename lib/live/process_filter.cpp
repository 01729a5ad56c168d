// Payload offsets of the kernel classes read here, from their MOF layouts (docs/etl-format.md
// §6.1–§6.3, §6.8), version 1 and later; pointers are 4 or 8 bytes by the event's header flags:
//   Process 1-4, 39   ProcessId at 1 pointer (after UniqueProcessKey / PageDirectoryBase)
//   Thread 1-4        ProcessId at 0, ThreadId at 4 (version 0: ThreadId first)
//   Image 2-4, 10     ProcessId at 2 pointers (after ImageBase, ImageSize)
//   PerfInfo 46       ThreadId at 1 pointer (after InstructionPointer)
#include "lib/live/process_filter.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "lib/etl/kernel_groups.h"
#include "lib/etl/layout.h"

namespace etwcat::live {
namespace {

std::optional<std::uint32_t> u32_at(const event_record& r, std::size_t offset) noexcept {
  if (r.user_data == nullptr || offset + 4 > r.user_data_length) return std::nullopt;
  std::uint32_t value = 0;
  std::memcpy(&value, static_cast<const std::byte*>(r.user_data) + offset, 4);
  return value;
}

std::size_t pointer_size(const event_record& r) noexcept {
  return (r.header.flags & etl::event_header_flag::header_32_bit) != 0 ? 4 : 8;
}

}  // namespace

process_filter::process_filter(std::vector<std::uint32_t> process_ids)
    : process_ids_(std::move(process_ids)),
      process_class_(etl::kernel_group_guid(etl::kernel_group::process, 1)),
      thread_class_(etl::kernel_group_guid(etl::kernel_group::thread, 1)),
      image_class_(etl::kernel_group_guid(etl::kernel_group::image, 10)),
      perfinfo_class_(etl::kernel_group_guid(etl::kernel_group::perfinfo, 46)) {}

bool process_filter::listed(std::uint32_t process_id) const noexcept {
  return std::find(process_ids_.begin(), process_ids_.end(), process_id) != process_ids_.end();
}

bool process_filter::keeps(const event_record& r) {
  const event_header& h = r.header;
  std::optional<std::uint32_t> subject;  // the process a kernel event is about
  if ((h.flags & etl::event_header_flag::classic_header) != 0) {
    const std::uint8_t type = h.descriptor.opcode;
    const std::uint8_t version = h.descriptor.version;
    const std::size_t pointer = pointer_size(r);
    if (h.provider_id == thread_class_ && type >= 1 && type <= 4) {
      const auto owner = u32_at(r, version == 0 ? 4 : 0);
      const auto thread = u32_at(r, version == 0 ? 0 : 4);
      if (owner && thread) thread_owner_[*thread] = *owner;
      subject = owner;
    } else if (h.provider_id == process_class_ && version >= 1 &&
               ((type >= 1 && type <= 4) || type == 39)) {
      subject = u32_at(r, pointer);
    } else if (h.provider_id == image_class_ && version >= 1 &&
               ((type >= 2 && type <= 4) || type == 10)) {
      subject = u32_at(r, 2 * pointer);
    } else if (h.provider_id == perfinfo_class_ && type == 46) {
      if (const auto thread = u32_at(r, pointer)) {
        const auto owner = thread_owner_.find(*thread);
        if (owner != thread_owner_.end()) subject = owner->second;
      }
    }
  }
  if (h.process_id != no_id && listed(h.process_id)) return true;
  return subject && listed(*subject);
}

}  // namespace etwcat::live
