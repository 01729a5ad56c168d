// delivered_record: what Windows' ProcessTrace hands a consumer, made from the records of a real
// capture. Each record of an .etl file becomes the EVENT_RECORD that ETW delivers for it
// (docs/etw-api.md §7.6): one EVENT_HEADER form for every kind — kernel and MOF events with
// CLASSIC_HEADER, their class GUID and their type as Opcode; WPP with TRACE_MESSAGE; PERFINFO
// records without thread and process (0xFFFFFFFF) — with FILETIME timestamps.
#pragma once

#include <vector>

#include "lib/etl/kernel_groups.h"
#include "lib/etl/record_view.h"
#include "lib/etl/trace_clock.h"
#include "lib/live/etw_api.h"
#include "lib/live/etw_types.h"

namespace etwcat::testing {

/// One EVENT_RECORD and the storage its pointers point into; reused from record to record.
class delivered_record {
 public:
  /// Every extended item the record has, whatever a session asked for.
  static constexpr std::uint32_t all_items = ~std::uint32_t{0};

  /// Fills the record from a file's record, as ProcessTrace would deliver it to a session that
  /// enabled its provider with `enable_property` (EVENT_ENABLE_PROPERTY_*): the stack, SID,
  /// terminal-session and process-start-key items come only when asked for.
  const live::event_record& deliver(const etl::record_view& r, const etl::trace_clock& clock,
                                    std::uint32_t enable_property = all_items) {
    namespace flag = etl::event_header_flag;
    using k = etl::header_kind;
    record_ = live::event_record{};
    items_.clear();
    item_data_.clear();
    live::event_header& h = record_.header;
    h.thread_id = r.has_thread_and_process() ? r.thread_id() : live::no_id;
    h.process_id = r.has_thread_and_process() ? r.process_id() : live::no_id;
    h.timestamp = r.has_timestamp() ? static_cast<std::int64_t>(clock.filetime(r.timestamp())) : 0;
    if (r.has_cpu_times()) {
      h.kernel_time = r.kernel_time();
      h.user_time = r.user_time();
    }
    h.descriptor.opcode = r.opcode();
    h.descriptor.version = static_cast<std::uint8_t>(r.version());
    h.descriptor.level = r.level();
    const std::uint16_t width = r.pointer_size() == 4 ? flag::header_32_bit : flag::header_64_bit;
    switch (r.kind()) {
      case k::system32:
      case k::system64:
      case k::compact32:
      case k::compact64:
      case k::perfinfo32:
      case k::perfinfo64:
        h.flags = flag::classic_header | width;
        h.provider_id = r.provider_guid();
        break;
      case k::full_header32:
      case k::full_header64:
        h.flags = flag::classic_header | width;
        h.provider_id = r.header_guid();
        break;
      case k::instance32:
      case k::instance64: {
        h.flags = flag::classic_header | width;
        h.provider_id = r.header_guid();
        std::vector<std::byte> info(24);
        const std::uint32_t ids[2] = {r.instance_id(), r.parent_instance_id()};
        std::memcpy(info.data(), ids, 8);
        put_guid(info.data() + 8, r.parent_guid());
        add_item(etl::ext_type::instance_info, info);
        break;
      }
      case k::event_header32:
      case k::event_header64:
        // ETW says the logger's pointer size in the flags, whatever the file's record holds.
        h.flags = static_cast<std::uint16_t>(
            (r.flags() & ~(flag::header_32_bit | flag::header_64_bit)) | width);
        h.event_property = r.event_property();
        h.provider_id = r.header_guid();
        h.descriptor = r.descriptor();
        h.activity_id = r.activity_id();
        for (const etl::extended_item& item : r.extended_items()) {
          if (!asked_for(item.type, enable_property)) continue;
          add_item(item.type, {item.data.begin(), item.data.end()});
        }
        break;
      case k::wpp_message:
        h.flags = flag::trace_message | width;
        h.provider_id = r.header_guid();
        h.descriptor = {};
        h.descriptor.id = r.message_number();
        break;
    }
    // The items' data is complete now: point at it.
    std::size_t at = 0;
    for (auto& item : items_) {
      item.data_ptr = reinterpret_cast<std::uintptr_t>(item_data_.data() + at);
      at += item.data_size;
    }
    record_.extended_data = items_.data();
    record_.extended_data_count = static_cast<std::uint16_t>(items_.size());
    if (!items_.empty()) h.flags |= flag::extended_info;
    const std::uint16_t processor = r.processor_index();
    if (processor > 0xFF) h.flags |= flag::processor_index;
    record_.context.processor = processor;
    record_.user_data = r.payload().data();
    record_.user_data_length = static_cast<std::uint16_t>(r.payload().size());
    return record_;
  }

 private:
  // The items a session gets only with an enable property (docs/etw-api.md §5.2).
  static bool asked_for(std::uint16_t type, std::uint32_t enable_property) {
    namespace p = live::enable_property;
    switch (type) {
      case etl::ext_type::stack_trace32:
      case etl::ext_type::stack_trace64:
        return (enable_property & p::stack_trace) != 0;
      case etl::ext_type::sid:
        return (enable_property & p::sid) != 0;
      case etl::ext_type::ts_id:
        return (enable_property & p::ts_id) != 0;
      case etl::ext_type::process_start_key:
        return (enable_property & p::process_start_key) != 0;
      default:
        return true;
    }
  }
  void add_item(std::uint16_t type, const std::vector<std::byte>& data) {
    items_.push_back(
        live::extended_data_item{0, type, 0, static_cast<std::uint16_t>(data.size()), 0});
    item_data_.insert(item_data_.end(), data.begin(), data.end());
  }
  static void put_guid(std::byte* out, const guid& g) {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<std::byte>(g.data1 >> (8 * i));
    for (int i = 0; i < 2; ++i) out[4 + i] = static_cast<std::byte>(g.data2 >> (8 * i));
    for (int i = 0; i < 2; ++i) out[6 + i] = static_cast<std::byte>(g.data3 >> (8 * i));
    for (int i = 0; i < 8; ++i) out[8 + i] = static_cast<std::byte>(g.data4[i]);
  }

  live::event_record record_{};
  std::vector<live::extended_data_item> items_;
  std::vector<std::byte> item_data_;
};

}  // namespace etwcat::testing
