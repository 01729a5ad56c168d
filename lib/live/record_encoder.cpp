// The header layouts are etl/layout.h's (docs/etl-format.md §2); extended items are written as
// a file stores them (§4): an 8-byte item header, the data, padding to 8, Linkage bit 0 on all
// but the last.
#include "lib/live/record_encoder.h"

#include <cstring>

#include "lib/etl/kernel_groups.h"

namespace etwcat::live {
namespace {

namespace flag = etl::event_header_flag;

enum class shape : std::uint8_t { wpp, kernel, perfinfo, classic, instance, event };

constexpr std::size_t wpp_fixed = sizeof(etl::message_trace_header);
constexpr std::size_t instance_info_size = 24;  // InstanceId, ParentInstanceId, ParentGuid

std::size_t align8(std::size_t n) noexcept { return (n + 7) & ~std::size_t{7}; }

bool is_64_bit(const event_record& r) noexcept {
  return (r.header.flags & flag::header_32_bit) == 0;
}

bool has_ids(const event_record& r) noexcept {
  return r.header.thread_id != no_id || r.header.process_id != no_id;
}

const extended_data_item* find_item(const event_record& r, std::uint16_t type) noexcept {
  for (std::size_t i = 0; i < r.extended_data_count; ++i) {
    if (r.extended_data[i].ext_type == type) return &r.extended_data[i];
  }
  return nullptr;
}

const std::byte* data_of(const extended_data_item& item) noexcept {
  return reinterpret_cast<const std::byte*>(static_cast<std::uintptr_t>(item.data_ptr));
}

shape shape_of(const event_record& r) noexcept {
  if (r.header.flags & flag::trace_message) return shape::wpp;
  if (r.header.flags & flag::classic_header) {
    if (etl::kernel_group_of_class(r.header.provider_id)) {
      return has_ids(r) ? shape::kernel : shape::perfinfo;
    }
    const extended_data_item* info = find_item(r, etl::ext_type::instance_info);
    return info != nullptr && info->data_size >= instance_info_size ? shape::instance
                                                                    : shape::classic;
  }
  return shape::event;
}

// The WPP option fields written: the GUID always, a timestamp and ids when the event has them.
std::uint16_t wpp_options(const event_record& r) noexcept {
  namespace f = etl::trace_message_flag;
  std::uint16_t options = f::guid | (is_64_bit(r) ? f::pointer64 : f::pointer32);
  if (r.header.timestamp != 0) options |= f::timestamp;
  if (has_ids(r)) options |= f::system_info;
  return options;
}

std::size_t header_size(const event_record& r, shape s) noexcept {
  switch (s) {
    case shape::wpp: {
      const std::uint16_t options = wpp_options(r);
      namespace f = etl::trace_message_flag;
      return wpp_fixed + 16 + ((options & f::timestamp) ? 8 : 0) +
             ((options & f::system_info) ? 8 : 0);
    }
    case shape::kernel:
      return sizeof(etl::system_trace_header);
    case shape::perfinfo:
      return sizeof(etl::perfinfo_trace_header);
    case shape::classic:
      return sizeof(etl::event_trace_header);
    case shape::instance:
      return sizeof(etl::event_instance_guid_header);
    case shape::event: {
      std::size_t n = sizeof(etl::event_header);
      for (std::size_t i = 0; i < r.extended_data_count; ++i) {
        n += align8(sizeof(etl::extended_item_header) + r.extended_data[i].data_size);
      }
      return n;
    }
  }
  return 0;
}

// Writes the bytes of a trivially copyable value at `at` and moves past them.
template <class T>
void put(std::span<std::byte> out, std::size_t& at, const T& value) noexcept {
  std::memcpy(out.data() + at, &value, sizeof value);
  at += sizeof value;
}

void put_guid(std::span<std::byte> out, std::size_t& at, const guid& g) noexcept {
  // Little-endian Data1..3, as in a file, whatever the host.
  std::byte bytes[16];
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<std::byte>(g.data1 >> (8 * i));
  for (int i = 0; i < 2; ++i) bytes[4 + i] = static_cast<std::byte>(g.data2 >> (8 * i));
  for (int i = 0; i < 2; ++i) bytes[6 + i] = static_cast<std::byte>(g.data3 >> (8 * i));
  for (int i = 0; i < 8; ++i) bytes[8 + i] = static_cast<std::byte>(g.data4[i]);
  std::memcpy(out.data() + at, bytes, 16);
  at += 16;
}

}  // namespace

std::optional<std::size_t> encoded_size(const event_record& r) noexcept {
  const std::size_t n = header_size(r, shape_of(r)) + r.user_data_length;
  if (n > 0xFFFF) return std::nullopt;
  return n;
}

etl::record_origin encode_record(const event_record& r, std::span<std::byte> out) noexcept {
  const shape s = shape_of(r);
  const bool wide = is_64_bit(r);
  const auto size = static_cast<std::uint16_t>(out.size());
  const event_header& h = r.header;
  std::size_t at = 0;
  constexpr std::uint8_t header_marker = 0xC0;  // TRACE_HEADER_FLAG | TRACE_HEADER_EVENT_TRACE
  namespace type = etl::header_type;
  switch (s) {
    case shape::wpp: {
      const std::uint16_t options = wpp_options(r);
      put(out, at, etl::message_trace_header{size, 0, 0x90, h.descriptor.id, options});
      put_guid(out, at, h.provider_id);
      if (options & etl::trace_message_flag::timestamp) put(out, at, h.timestamp);
      if (options & etl::trace_message_flag::system_info) {
        put(out, at, h.thread_id);
        put(out, at, h.process_id);
      }
      break;
    }
    case shape::kernel:
    case shape::perfinfo: {
      const std::uint8_t group = *etl::kernel_group_of_class(h.provider_id);
      const auto version = static_cast<std::uint16_t>(h.descriptor.version);
      if (s == shape::kernel) {
        put(out, at,
            etl::system_trace_header{version, wide ? type::system64 : type::system32, header_marker,
                                     size, h.descriptor.opcode, group, h.thread_id, h.process_id,
                                     static_cast<std::uint64_t>(h.timestamp), h.kernel_time,
                                     h.user_time});
      } else {
        put(out, at,
            etl::perfinfo_trace_header{version, wide ? type::perfinfo64 : type::perfinfo32,
                                       header_marker, size, h.descriptor.opcode, group,
                                       static_cast<std::uint64_t>(h.timestamp)});
      }
      break;
    }
    case shape::classic:
    case shape::instance: {
      const bool instance = s == shape::instance;
      const std::uint8_t kind = instance ? (wide ? type::instance64 : type::instance32)
                                         : (wide ? type::full_header64 : type::full_header32);
      put(out, at, size);
      put(out, at, kind);
      put(out, at, header_marker);
      put(out, at, h.descriptor.opcode);
      put(out, at, h.descriptor.level);
      put(out, at, static_cast<std::uint16_t>(h.descriptor.version));
      put(out, at, h.thread_id);
      put(out, at, h.process_id);
      put(out, at, h.timestamp);
      put_guid(out, at, h.provider_id);
      put(out, at, h.kernel_time);
      put(out, at, h.user_time);
      if (instance) {
        const extended_data_item& info = *find_item(r, etl::ext_type::instance_info);
        std::memcpy(out.data() + at, data_of(info), instance_info_size);
        at += instance_info_size;
      }
      break;
    }
    case shape::event: {
      std::uint16_t flags = h.flags;
      if (r.extended_data_count != 0) {
        flags |= flag::extended_info;
      } else {
        flags &= static_cast<std::uint16_t>(~flag::extended_info);
      }
      put(out, at, size);
      put(out, at, wide ? type::event_header64 : type::event_header32);
      put(out, at, header_marker);
      put(out, at, flags);
      put(out, at, h.event_property);
      put(out, at, h.thread_id);
      put(out, at, h.process_id);
      put(out, at, h.timestamp);
      put_guid(out, at, h.provider_id);
      put(out, at, h.descriptor);
      put(out, at, h.kernel_time);
      put(out, at, h.user_time);
      put_guid(out, at, h.activity_id);
      for (std::size_t i = 0; i < r.extended_data_count; ++i) {
        const extended_data_item& item = r.extended_data[i];
        const std::size_t item_size = align8(sizeof(etl::extended_item_header) + item.data_size);
        const bool more = i + 1 < r.extended_data_count;
        put(out, at,
            etl::extended_item_header{static_cast<std::uint16_t>(item_size), item.ext_type,
                                      static_cast<std::uint16_t>(more ? 1 : 0), item.data_size});
        std::memcpy(out.data() + at, data_of(item), item.data_size);
        std::memset(out.data() + at + item.data_size, 0,
                    item_size - sizeof(etl::extended_item_header) - item.data_size);
        at += item_size - sizeof(etl::extended_item_header);
      }
      break;
    }
  }
  if (r.user_data_length != 0) std::memcpy(out.data() + at, r.user_data, r.user_data_length);
  etl::record_origin origin;
  origin.processor = processor_of(r);
  return origin;
}

}  // namespace etwcat::live
