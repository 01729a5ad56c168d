// layout: the on-disk structures of an .etl file (buffer header, log-file header, record
// headers) as padding-free structs read with byte_cursor. Spec: docs/etl-format.md §1.2–§2.7, §4.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/byte_cursor.h"
#include "lib/base/guid.h"

namespace etwcat::etl {

static_assert(sizeof(guid) == 16 && byte_readable<guid>, "GUIDs are embedded in headers");

/// Records are 8-byte aligned relative to the buffer start (ntwmi DEFAULT_TRACE_ALIGNMENT).
constexpr std::size_t align8(std::size_t n) noexcept { return (n + 7) & ~std::size_t{7}; }

// ---------------------------------------------------------------------------------------------
// Buffers (§1.1–§1.3)

struct wmi_buffer_header {          // WMI_BUFFER_HEADER, 72 bytes, same for 32- and 64-bit
  std::uint32_t buffer_size;        // BufferSize: on-disk size incl. header = stride to the next
  std::uint32_t saved_offset;       // SavedOffset: may be < offset in relogged header buffers
  std::uint32_t current_offset;     // CurrentOffset: logger-internal, ignore
  std::uint32_t reference_count;    // ReferenceCount
  std::uint64_t timestamp;          // TimeStamp: flush time, not reliable in relogged files
  std::uint64_t sequence_number;    // SequenceNumber: unique per file, not always contiguous
  std::uint64_t clock;              // {ClockType:3, Frequency:61} or a list pointer: ignore
  std::uint16_t processor_index;    // ProcessorIndex (byte 0 = ProcessorNumber w/o PROC_INDEX)
  std::uint16_t logger_id;          // LoggerId
  std::uint32_t state;              // State (ETW_BUFFER_STATE)
  std::uint32_t offset;             // Offset (= ETW_BUFFER_HEADER.FilledBytes): end of data
  std::uint16_t buffer_flag;        // BufferFlag
  std::uint16_t buffer_type;        // BufferType
  std::uint8_t reference_time[16];  // ReferenceTime / list entries: ignore
};
static_assert(sizeof(wmi_buffer_header) == 0x48);
static_assert(offsetof(wmi_buffer_header, timestamp) == 0x10);
static_assert(offsetof(wmi_buffer_header, sequence_number) == 0x18);
static_assert(offsetof(wmi_buffer_header, processor_index) == 0x28);
static_assert(offsetof(wmi_buffer_header, state) == 0x2C);
static_assert(offsetof(wmi_buffer_header, offset) == 0x30);
static_assert(offsetof(wmi_buffer_header, buffer_flag) == 0x34);
static_assert(offsetof(wmi_buffer_header, buffer_type) == 0x36);
static_assert(byte_readable<wmi_buffer_header>);

constexpr std::size_t buffer_header_size = sizeof(wmi_buffer_header);

/// Buffer sizes are 1 KB … 16 MB (Win8+, header included) [§1.1]. A compressed buffer's
/// on-disk size may exceed its decompressed size: Plain LZ77 spends at most a 4-byte flag word
/// per 32 literals, so 1/8 extra is the worst case.
constexpr std::size_t max_buffer_size = std::size_t{16} << 20;
constexpr std::size_t max_compressed_buffer_size =
    buffer_header_size + max_buffer_size + max_buffer_size / 8;

namespace buffer_flag {  // WMI_BUFFER_FLAG_*
constexpr std::uint16_t flush_marker = 0x0001;
constexpr std::uint16_t events_lost = 0x0002;
constexpr std::uint16_t buffer_lost = 0x0004;
constexpr std::uint16_t rtbackup_corrupt = 0x0008;
constexpr std::uint16_t rtbackup = 0x0010;
constexpr std::uint16_t proc_index = 0x0020;  // processor_index is a full u16 (mask 0x07FF)
constexpr std::uint16_t compressed = 0x0040;  // payload is MS-XCA Plain LZ77 (§1.5)
}  // namespace buffer_flag

enum class buffer_type : std::uint16_t {  // WMI_BUFFER_TYPE
  generic = 0,
  rundown = 1,
  ctx_swap = 2,
  reftime = 3,
  header = 4,
  batched = 5,
  empty_marker = 6,
  dbg_info = 7,
};

/// The CPU that filled the buffer. Without PROC_INDEX only byte 0x28 counts: Win7 files keep an
/// alignment byte of 8 in 0x29, which would make a u16 read 0x0800 + cpu [§1.2].
constexpr std::uint16_t buffer_processor(const wmi_buffer_header& h) noexcept {
  return (h.buffer_flag & buffer_flag::proc_index) ? (h.processor_index & 0x07FF)
                                                   : (h.processor_index & 0x00FF);
}

// ---------------------------------------------------------------------------------------------
// The log-file header event (§1.7): TRACE_LOGFILE_HEADER in the first record of buffer 0.

struct system_time_fields {  // SYSTEMTIME, 16 bytes
  std::uint16_t year, month, day_of_week, day, hour, minute, second, milliseconds;
};
static_assert(sizeof(system_time_fields) == 16);

struct time_zone_fields {           // TIME_ZONE_INFORMATION (172 bytes) + 4 bytes padding
  std::int32_t bias;                // minutes, UTC = local + bias
  std::uint16_t standard_name[32];  // UTF-16, NUL-padded
  system_time_fields standard_date;
  std::int32_t standard_bias;
  std::uint16_t daylight_name[32];
  system_time_fields daylight_date;
  std::int32_t daylight_bias;
  std::uint32_t padding;  // the kernel MOF declares the zone as uint8[176] in both widths
};
static_assert(sizeof(time_zone_fields) == 176);
static_assert(offsetof(time_zone_fields, standard_date) == 0x44);
static_assert(offsetof(time_zone_fields, standard_bias) == 0x54);
static_assert(offsetof(time_zone_fields, daylight_name) == 0x58);
static_assert(offsetof(time_zone_fields, daylight_date) == 0x98);
static_assert(offsetof(time_zone_fields, daylight_bias) == 0xA8);

/// TRACE_LOGFILE_HEADER; `Ptr` is std::uint32_t for the 32-bit form (0x110 bytes, SYSTEM32
/// header record) and std::uint64_t for the 64-bit form (0x118 bytes, SYSTEM64).
template <class Ptr>
struct trace_logfile_header_t {
  std::uint32_t buffer_size;           // BufferSize: the session's buffer size
  std::uint8_t version[4];             // Version: OS major, OS minor, format major, format minor
  std::uint32_t provider_version;      // ProviderVersion: OS build number
  std::uint32_t number_of_processors;  // NumberOfProcessors
  std::uint64_t end_time;              // EndTime: FILETIME UTC
  std::uint32_t timer_resolution;      // TimerResolution: 100 ns units
  std::uint32_t maximum_file_size;     // MaximumFileSize: MB
  std::uint32_t log_file_mode;         // LogFileMode: EVENT_TRACE_* bits (§1.8)
  std::uint32_t buffers_written;       // BuffersWritten: buffers in the file
  std::uint32_t start_buffers;         // StartBuffers (union with LogInstanceGuid)
  std::uint32_t pointer_size;          // PointerSize
  std::uint32_t events_lost;           // EventsLost
  std::uint32_t cpu_speed_mhz;         // CpuSpeedInMHz
  Ptr logger_name;                     // LoggerName: not a pointer in files, ignore
  Ptr log_file_name;                   // LogFileName: likewise
  time_zone_fields time_zone;          // TimeZone
  std::uint64_t boot_time;             // BootTime: FILETIME
  std::uint64_t perf_freq;             // PerfFreq: QPC ticks per second
  std::uint64_t start_time;            // StartTime: FILETIME UTC, the time anchor (§3)
  std::uint32_t reserved_flags;        // ReservedFlags = ClockType: 1 QPC, 2 system, 3 cycles
  std::uint32_t buffers_lost;          // BuffersLost
};
using trace_logfile_header32 = trace_logfile_header_t<std::uint32_t>;
using trace_logfile_header64 = trace_logfile_header_t<std::uint64_t>;
static_assert(sizeof(trace_logfile_header32) == 0x110);
static_assert(sizeof(trace_logfile_header64) == 0x118);
static_assert(offsetof(trace_logfile_header32, time_zone) == 0x40);
static_assert(offsetof(trace_logfile_header64, time_zone) == 0x48);
static_assert(offsetof(trace_logfile_header32, boot_time) == 0xF0);
static_assert(offsetof(trace_logfile_header64, boot_time) == 0xF8);
static_assert(offsetof(trace_logfile_header32, start_time) == 0x100);
static_assert(offsetof(trace_logfile_header64, start_time) == 0x108);
static_assert(offsetof(trace_logfile_header32, buffers_lost) == 0x10C);
static_assert(offsetof(trace_logfile_header64, buffers_lost) == 0x114);
static_assert(byte_readable<trace_logfile_header32>);
static_assert(byte_readable<trace_logfile_header64>);

namespace log_file_mode {  // EVENT_TRACE_* LogFileMode bits (§1.8)
constexpr std::uint32_t file_mode_sequential = 0x00000001;
constexpr std::uint32_t file_mode_circular = 0x00000002;
constexpr std::uint32_t file_mode_append = 0x00000004;
constexpr std::uint32_t file_mode_newfile = 0x00000008;
constexpr std::uint32_t real_time = 0x00000100;
constexpr std::uint32_t relog = 0x00010000;
constexpr std::uint32_t system_logger = 0x02000000;
constexpr std::uint32_t compressed = 0x04000000;
}  // namespace log_file_mode

// ---------------------------------------------------------------------------------------------
// Record headers (§2). Byte 3 of the first dword holds the marker flags; for the "fixed"
// headers (flags 0xC0) byte 2 is the header type.

namespace marker {
constexpr std::uint8_t trace_header_flag = 0x80;   // TRACE_HEADER_FLAG
constexpr std::uint8_t event_trace_flag = 0x40;    // TRACE_HEADER_EVENT_TRACE
constexpr std::uint8_t trace_message_flag = 0x10;  // TRACE_MESSAGE
constexpr std::uint32_t end_of_data = 0xFFFFFFFF;  // fill pattern after the last record
}  // namespace marker

namespace header_type {  // TRACE_HEADER_TYPE_* (byte 2 of the marker)
constexpr std::uint8_t system32 = 0x01;
constexpr std::uint8_t system64 = 0x02;
constexpr std::uint8_t compact32 = 0x03;
constexpr std::uint8_t compact64 = 0x04;
constexpr std::uint8_t full_header32 = 0x0A;
constexpr std::uint8_t instance32 = 0x0B;
constexpr std::uint8_t timed = 0x0C;         // "not used"
constexpr std::uint8_t error = 0x0D;         // layout unknown
constexpr std::uint8_t wnode_header = 0x0E;  // "not used"
constexpr std::uint8_t message = 0x0F;       // WPP uses marker 0x90 instead
constexpr std::uint8_t perfinfo32 = 0x10;
constexpr std::uint8_t perfinfo64 = 0x11;
constexpr std::uint8_t event_header32 = 0x12;
constexpr std::uint8_t event_header64 = 0x13;
constexpr std::uint8_t full_header64 = 0x14;
constexpr std::uint8_t instance64 = 0x15;
}  // namespace header_type

struct system_trace_header {  // SYSTEM_TRACE_HEADER, 32 bytes (COMPACT: the first 24)
  std::uint16_t version;      // event version
  std::uint8_t header_type;   // 0x01/0x02 (compact 0x03/0x04)
  std::uint8_t marker_flags;  // 0xC0
  std::uint16_t size;         // whole record
  std::uint8_t type;          // event type (opcode)
  std::uint8_t group;         // EVENT_TRACE_GROUP_* >> 8
  std::uint32_t thread_id;
  std::uint32_t process_id;
  std::uint64_t system_time;  // timestamp, raw session clock
  std::uint32_t kernel_time;  // absent in COMPACT
  std::uint32_t user_time;    // absent in COMPACT
};
static_assert(sizeof(system_trace_header) == 0x20);
static_assert(offsetof(system_trace_header, system_time) == 0x10);
constexpr std::size_t compact_trace_header_size = 0x18;

struct perfinfo_trace_header {  // PERFINFO_TRACE_HEADER, 16 bytes (+ PEBS/PMC extension)
  std::uint16_t version;        // event version | 0x8000 PEBS | 0x0700 PMC count
  std::uint8_t header_type;     // 0x10/0x11
  std::uint8_t marker_flags;    // 0xC0
  std::uint16_t size;
  std::uint8_t type;
  std::uint8_t group;
  std::uint64_t timestamp;
};
static_assert(sizeof(perfinfo_trace_header) == 0x10);
constexpr std::uint16_t perfinfo_pebs_flag = 0x8000;     // TRACE_HEADER_PEBS_INDEX_FLAG
constexpr std::uint16_t perfinfo_pmc_mask = 0x0700;      // TRACE_HEADER_PMC_COUNTERS_MASK
constexpr std::uint16_t perfinfo_version_mask = 0x78FF;  // what is left: the event version

struct event_trace_header {  // EVENT_TRACE_HEADER ("full header"), 48 bytes
  std::uint16_t size;
  std::uint8_t header_type;   // 0x0A/0x14
  std::uint8_t marker_flags;  // 0xC0
  std::uint8_t type;          // Class.Type (opcode)
  std::uint8_t level;         // Class.Level
  std::uint16_t version;      // Class.Version
  std::uint32_t thread_id;
  std::uint32_t process_id;
  std::uint64_t timestamp;
  guid class_guid;            // event class GUID
  std::uint32_t kernel_time;  // or, with the next field, ProcessorTime u64
  std::uint32_t user_time;
};
static_assert(sizeof(event_trace_header) == 0x30);
static_assert(offsetof(event_trace_header, class_guid) == 0x18);

struct event_instance_guid_header {  // EVENT_INSTANCE_GUID_HEADER, 72 bytes
  event_trace_header base;
  std::uint32_t instance_id;
  std::uint32_t parent_instance_id;
  guid parent_guid;
};
static_assert(sizeof(event_instance_guid_header) == 0x48);

struct event_descriptor {  // EVENT_DESCRIPTOR, 16 bytes
  std::uint16_t id;
  std::uint8_t version;
  std::uint8_t channel;
  std::uint8_t level;
  std::uint8_t opcode;
  std::uint16_t task;
  std::uint64_t keyword;
};
static_assert(sizeof(event_descriptor) == 16);

struct event_header {         // EVENT_HEADER as stored in files, 80 bytes
  std::uint16_t size;         // header + extended items + user data
  std::uint8_t header_type;   // 0x12/0x13
  std::uint8_t marker_flags;  // 0xC0
  std::uint16_t flags;        // EVENT_HEADER_FLAG_*
  std::uint16_t event_property;
  std::uint32_t thread_id;
  std::uint32_t process_id;
  std::uint64_t timestamp;
  guid provider_id;
  event_descriptor descriptor;
  std::uint32_t kernel_time;  // or, with the next field, ProcessorTime u64
  std::uint32_t user_time;
  guid activity_id;
};
static_assert(sizeof(event_header) == 0x50);
static_assert(offsetof(event_header, descriptor) == 0x28);
static_assert(offsetof(event_header, kernel_time) == 0x38);
static_assert(offsetof(event_header, activity_id) == 0x40);

namespace event_header_flag {  // EVENT_HEADER_FLAG_*
constexpr std::uint16_t extended_info = 0x0001;
constexpr std::uint16_t private_session = 0x0002;
constexpr std::uint16_t string_only = 0x0004;
constexpr std::uint16_t trace_message = 0x0008;
constexpr std::uint16_t no_cputime = 0x0010;
constexpr std::uint16_t header_32_bit = 0x0020;
constexpr std::uint16_t header_64_bit = 0x0040;
constexpr std::uint16_t decode_guid = 0x0080;
constexpr std::uint16_t classic_header = 0x0100;
constexpr std::uint16_t processor_index = 0x0200;
}  // namespace event_header_flag

struct extended_item_header {  // on-disk extended data item header, 8 bytes (§4)
  std::uint16_t item_size;     // align8(8 + data_size) (documented as Reserved1)
  std::uint16_t ext_type;      // EVENT_HEADER_EXT_TYPE_*
  std::uint16_t linkage;       // bit 0: another item follows
  std::uint16_t data_size;
};
static_assert(sizeof(extended_item_header) == 8);

namespace ext_type {  // EVENT_HEADER_EXT_TYPE_*
constexpr std::uint16_t related_activityid = 0x01;
constexpr std::uint16_t sid = 0x02;
constexpr std::uint16_t ts_id = 0x03;
constexpr std::uint16_t instance_info = 0x04;
constexpr std::uint16_t stack_trace32 = 0x05;
constexpr std::uint16_t stack_trace64 = 0x06;
constexpr std::uint16_t pebs_index = 0x07;
constexpr std::uint16_t pmc_counters = 0x08;
constexpr std::uint16_t psm_key = 0x09;
constexpr std::uint16_t event_key = 0x0A;
constexpr std::uint16_t event_schema_tl = 0x0B;
constexpr std::uint16_t prov_traits = 0x0C;
constexpr std::uint16_t process_start_key = 0x0D;
constexpr std::uint16_t control_guid = 0x0E;
constexpr std::uint16_t qpc_delta = 0x0F;
constexpr std::uint16_t container_id = 0x10;
constexpr std::uint16_t stack_key32 = 0x11;
constexpr std::uint16_t stack_key64 = 0x12;
}  // namespace ext_type

struct message_trace_header {  // MESSAGE_TRACE_HEADER (WPP TraceMessage), 8 bytes
  std::uint16_t size;          // whole record, not 8-aligned
  std::uint8_t reserved;
  std::uint8_t marker_flags;  // 0x90
  std::uint16_t message_number;
  std::uint16_t option_flags;  // TRACE_MESSAGE_* below: which optional fields follow
};
static_assert(sizeof(message_trace_header) == 8);

namespace trace_message_flag {              // TRACE_MESSAGE_*; optional fields follow in this order
constexpr std::uint16_t sequence = 0x0001;  // u32
constexpr std::uint16_t guid = 0x0002;      // 16 bytes (or component id)
constexpr std::uint16_t component_id = 0x0004;           // u32
constexpr std::uint16_t timestamp = 0x0008;              // i64 raw clock
constexpr std::uint16_t performance_timestamp = 0x0010;  // i64 raw clock
constexpr std::uint16_t system_info = 0x0020;            // ThreadId u32 + ProcessId u32
constexpr std::uint16_t pointer32 = 0x0040;
constexpr std::uint16_t pointer64 = 0x0080;
}  // namespace trace_message_flag

}  // namespace etwcat::etl
