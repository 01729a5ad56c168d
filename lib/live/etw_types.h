// etw_types: the structures a real-time consumer receives from ETW (EVENT_RECORD and what it
// points to), in portable types with the Windows layouts, so that the code around them compiles
// and is tested on Linux too. Pointers are native, as in the SDK: the x64 layout on 64-bit
// builds, the x86 one on 32-bit builds. The Windows build checks every size and offset against
// the SDK's own types (lib/live/windows_etw.cpp). Spec: docs/etw-api.md §7.6.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/guid.h"
#include "lib/etl/layout.h"

namespace etwcat::live {

/// TRACEHANDLE: 64 bits on x86 too.
using trace_handle = std::uint64_t;

/// EVENT_HEADER, 80 bytes. Unlike the record header in a file (etl::event_header), every event
/// arrives in this form: kernel and MOF ("classic") events with the CLASSIC_HEADER flag, their
/// class GUID as ProviderId and their type as Opcode; WPP messages with TRACE_MESSAGE.
struct event_header {
  std::uint16_t size;         // record size; not to be relied on
  std::uint16_t header_type;  // reserved
  std::uint16_t flags;        // etl::event_header_flag::*
  std::uint16_t event_property;
  std::uint32_t thread_id;   // 0xFFFFFFFF when the event has none (PERFINFO, some WPP)
  std::uint32_t process_id;  // likewise
  std::int64_t timestamp;    // FILETIME, unless the consumer asked for raw timestamps
  guid provider_id;
  etl::event_descriptor descriptor;
  std::uint32_t kernel_time;  // or, with user_time, ProcessorTime (private sessions, NO_CPUTIME)
  std::uint32_t user_time;
  guid activity_id;
};
static_assert(sizeof(event_header) == 80);
static_assert(offsetof(event_header, timestamp) == 0x10);
static_assert(offsetof(event_header, descriptor) == 0x28);
static_assert(offsetof(event_header, activity_id) == 0x40);

/// ETW_BUFFER_CONTEXT, 4 bytes: ProcessorNumber (u8) + Alignment, or ProcessorIndex (u16) when
/// the header has PROCESSOR_INDEX; then LoggerId.
struct buffer_context {
  std::uint16_t processor;  // ProcessorNumber in the low byte, or ProcessorIndex
  std::uint16_t logger_id;
};
static_assert(sizeof(buffer_context) == 4);

/// EVENT_HEADER_EXTENDED_DATA_ITEM, 16 bytes: the data lives elsewhere, at DataPtr.
struct extended_data_item {
  std::uint16_t reserved1;
  std::uint16_t ext_type;  // etl::ext_type::*
  std::uint16_t linkage;   // bit 0: another item of this kind follows; the rest reserved
  std::uint16_t data_size;
  std::uint64_t data_ptr;
};
static_assert(sizeof(extended_data_item) == 16);

/// EVENT_RECORD: 112 bytes on x64, 104 on x86. Everything it points to is valid only during
/// the callback that delivers it: a consumer copies what it keeps.
struct event_record {
  event_header header;
  buffer_context context;
  std::uint16_t extended_data_count;
  std::uint16_t user_data_length;
  const extended_data_item* extended_data;
  const void* user_data;
  void* user_context;
};
static_assert(offsetof(event_record, extended_data_count) == 0x54);
static_assert(offsetof(event_record, extended_data) == 0x58);
static_assert(sizeof(void*) != 8 || sizeof(event_record) == 112);
static_assert(sizeof(void*) != 4 || sizeof(event_record) == 104);

/// The processor of an event: ProcessorIndex with PROCESSOR_INDEX, else ProcessorNumber.
constexpr std::uint16_t processor_of(const event_record& r) noexcept {
  return (r.header.flags & etl::event_header_flag::processor_index) != 0
             ? r.context.processor
             : static_cast<std::uint16_t>(r.context.processor & 0xFF);
}

/// ThreadId / ProcessId of an event that has none.
constexpr std::uint32_t no_id = 0xFFFFFFFF;

}  // namespace etwcat::live
