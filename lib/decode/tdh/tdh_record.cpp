// tdh_record: record_view -> EVENT_RECORD, the header as ETW delivers it for each kind of record.
#include "lib/decode/tdh/tdh_record.h"

#include <algorithm>
#include <cstdint>

namespace etwcat::decode {

namespace {

namespace flag = etl::event_header_flag;

constexpr std::uint16_t width_flag(std::uint8_t pointer_size) noexcept {
  return pointer_size == 4 ? flag::header_32_bit : flag::header_64_bit;
}

constexpr std::uint16_t clamp16(std::size_t n) noexcept {
  return static_cast<std::uint16_t>(std::min<std::size_t>(n, 0xFFFF));
}

}  // namespace

live::event_record tdh_event_record(const etl::record_view& record) noexcept {
  using k = etl::header_kind;
  live::event_record out{};
  live::event_header& h = out.header;
  h.size = clamp16(record.size());
  h.thread_id = record.has_thread_and_process() ? record.thread_id() : live::no_id;
  h.process_id = record.has_thread_and_process() ? record.process_id() : live::no_id;
  const std::uint16_t width = width_flag(record.pointer_size());
  switch (record.kind()) {
    case k::event_header32:
    case k::event_header64:
      // The stored flags say what the payload is (STRING_ONLY…); the width is the logger's,
      // whatever the file's header type; no extended items are passed, so none is announced.
      h.flags = static_cast<std::uint16_t>(
          (record.flags() & ~(flag::header_32_bit | flag::header_64_bit | flag::extended_info)) |
          width);
      h.event_property = record.event_property();
      h.provider_id = record.header_guid();
      h.descriptor = record.descriptor();
      h.activity_id = record.activity_id();
      break;
    case k::wpp_message:
      h.flags = flag::trace_message | width;
      h.provider_id = record.header_guid();
      h.descriptor.id = record.message_number();
      break;
    default:
      // Kernel (SYSTEM, COMPACT, PERFINFO) and MOF (FULL, INSTANCE) events: identified by their
      // class GUID, type (as Opcode) and class version, as TDH looks up a MOF class.
      h.flags = flag::classic_header | width;
      h.provider_id = record.provider_guid();
      h.descriptor.opcode = record.opcode();
      h.descriptor.version = static_cast<std::uint8_t>(record.version());
      h.descriptor.level = record.level();
      break;
  }
  const std::span<const std::byte> payload = record.payload();
  out.user_data = payload.data();  // where the payload would start, also when it is empty
  out.user_data_length = clamp16(payload.size());
  return out;
}

live::event_record tdh_event_record(const guid& provider,
                                    const etl::event_descriptor& descriptor) noexcept {
  live::event_record out{};
  out.header.size = sizeof(live::event_record);
  out.header.flags = width_flag(sizeof(void*));
  out.header.thread_id = live::no_id;
  out.header.process_id = live::no_id;
  out.header.provider_id = provider;
  out.header.descriptor = descriptor;
  return out;
}

}  // namespace etwcat::decode
