// etw_api: the ETW calls etwcat makes — controlling sessions and consuming them — behind one
// small interface in portable types with the Windows layouts. On Windows it passes straight to
// advapi32 (windows_etw.cpp, the only file that includes windows.h); tests use a simulated ETW
// that follows the documented rules (tests/support). Spec: docs/etw-api.md §2–§7.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"
#include "lib/live/etw_types.h"

namespace etwcat::live {

/// The Win32 error codes the session code tells apart (winerror.h).
namespace win32 {
constexpr std::uint32_t success = 0;
constexpr std::uint32_t invalid_function = 1;
constexpr std::uint32_t access_denied = 5;
constexpr std::uint32_t invalid_handle = 6;
constexpr std::uint32_t bad_length = 24;
constexpr std::uint32_t insufficient_buffer = 122;
constexpr std::uint32_t not_supported = 50;
constexpr std::uint32_t invalid_parameter = 87;
constexpr std::uint32_t disk_full = 112;
constexpr std::uint32_t invalid_name = 123;
constexpr std::uint32_t bad_pathname = 161;
constexpr std::uint32_t already_exists = 183;
constexpr std::uint32_t more_data = 234;
constexpr std::uint32_t cancelled = 1223;
constexpr std::uint32_t privilege_not_held = 1314;
constexpr std::uint32_t no_system_resources = 1450;
constexpr std::uint32_t timeout = 1460;
constexpr std::uint32_t active_connections = 2402;
constexpr std::uint32_t wmi_instance_not_found = 4201;
constexpr std::uint32_t ctx_close_pending = 7007;
}  // namespace win32

/// WNODE_HEADER, 48 bytes.
struct wnode_header {
  std::uint32_t buffer_size;         // bytes of the whole properties block, names included
  std::uint32_t provider_id;         // reserved
  std::uint64_t historical_context;  // out: the session handle
  std::uint64_t timestamp;           // out
  guid session_guid;                 // Wnode.Guid: 0 lets ETW choose; SystemTraceControlGuid
  std::uint32_t client_context;      // clock: 1 QPC, 2 system time, 3 CPU cycles
  std::uint32_t flags;               // wnode_flag::*
};
static_assert(sizeof(wnode_header) == 48);

namespace wnode_flag {
constexpr std::uint32_t traced_guid = 0x00020000;
constexpr std::uint32_t versioned_properties = 0x00800000;
}  // namespace wnode_flag

/// EVENT_TRACE_PROPERTIES, 120 bytes on x86 and x64; the session and log file names follow it in
/// the same block, at the two offsets (see properties_block).
struct trace_properties {
  wnode_header wnode;
  std::uint32_t buffer_size;  // KB
  std::uint32_t minimum_buffers;
  std::uint32_t maximum_buffers;
  std::uint32_t maximum_file_size;  // MB
  std::uint32_t log_file_mode;      // log_file_mode::*
  std::uint32_t flush_timer;        // seconds
  std::uint32_t enable_flags;       // kernel flags, system loggers only
  std::int32_t age_limit;
  std::uint32_t number_of_buffers;  // out, and the statistics below
  std::uint32_t free_buffers;
  std::uint32_t events_lost;
  std::uint32_t buffers_written;
  std::uint32_t log_buffers_lost;
  std::uint32_t real_time_buffers_lost;
  void* logger_thread_id;  // HANDLE
  std::uint32_t log_file_name_offset;
  std::uint32_t logger_name_offset;
};
static_assert(sizeof(trace_properties) == 120);
static_assert(offsetof(trace_properties, buffer_size) == 0x30);
static_assert(offsetof(trace_properties, real_time_buffers_lost) == 0x64);

namespace log_file_mode {  // EVENT_TRACE_*_MODE
constexpr std::uint32_t file_sequential = 0x00000001;
constexpr std::uint32_t file_circular = 0x00000002;
constexpr std::uint32_t file_append = 0x00000004;
constexpr std::uint32_t file_new_file = 0x00000008;
constexpr std::uint32_t file_preallocate = 0x00000020;
constexpr std::uint32_t real_time = 0x00000100;
constexpr std::uint32_t buffering = 0x00000400;
constexpr std::uint32_t private_logger = 0x00000800;
constexpr std::uint32_t use_kbytes_for_size = 0x00002000;
constexpr std::uint32_t use_paged_memory = 0x01000000;
constexpr std::uint32_t system_logger = 0x02000000;
constexpr std::uint32_t independent_session = 0x08000000;
}  // namespace log_file_mode

/// ControlTrace codes.
namespace control_code {
constexpr std::uint32_t query = 0;
constexpr std::uint32_t stop = 1;
constexpr std::uint32_t update = 2;
constexpr std::uint32_t flush = 3;
}  // namespace control_code

/// EVENT_FILTER_DESCRIPTOR, 16 bytes.
struct event_filter_descriptor {
  std::uint64_t ptr;  // the filter's data, as an address
  std::uint32_t size;
  std::uint32_t type;  // filter_type::*
};
static_assert(sizeof(event_filter_descriptor) == 16);

namespace filter_type {  // EVENT_FILTER_TYPE_*
constexpr std::uint32_t pid = 0x80000004;
constexpr std::uint32_t executable_name = 0x80000008;
constexpr std::uint32_t event_id = 0x80000200;
constexpr std::uint32_t stackwalk = 0x80001000;
}  // namespace filter_type

/// ENABLE_TRACE_PARAMETERS (version 2): 48 bytes on x64, 36 on x86.
struct enable_parameters {
  std::uint32_t version = 2;
  std::uint32_t enable_property = 0;  // enable_property::*
  std::uint32_t control_flags = 0;
  guid source_id;
  const event_filter_descriptor* filters = nullptr;
  std::uint32_t filter_count = 0;
};

namespace enable_property {  // EVENT_ENABLE_PROPERTY_*
constexpr std::uint32_t sid = 0x001;
constexpr std::uint32_t ts_id = 0x002;
constexpr std::uint32_t stack_trace = 0x004;
constexpr std::uint32_t process_start_key = 0x080;
}  // namespace enable_property

/// EnableTraceEx2 control codes.
namespace enable_code {
constexpr std::uint32_t disable = 0;
constexpr std::uint32_t enable = 1;
constexpr std::uint32_t capture_state = 2;
}  // namespace enable_code

/// TraceSetInformation classes (TRACE_INFO_CLASS) etwcat sets.
namespace trace_info_class {
constexpr std::uint32_t stack_tracing = 3;             // TraceStackTracingInfo: classic_event_id[]
constexpr std::uint32_t sampled_profile_interval = 5;  // TraceSampledProfileIntervalInfo
}  // namespace trace_info_class

/// CLASSIC_EVENT_ID, 24 bytes: one kernel event — its class GUID (the ProviderId a consumer
/// sees, e.g. Process {3D6FA8D0-…}) and its type (the Opcode, e.g. 1 = Start).
struct classic_event_id {
  guid event_class;
  std::uint8_t type = 0;
  std::uint8_t reserved[7] = {};

  friend bool operator==(const classic_event_id& a, const classic_event_id& b) noexcept {
    return a.event_class == b.event_class && a.type == b.type;
  }
};
static_assert(sizeof(classic_event_id) == 24);

/// TraceStackTracingInfo takes at most this many event types (docs/etw-api.md §6.1).
constexpr std::size_t max_stack_events = 256;

/// TRACE_PROFILE_INTERVAL, 8 bytes: the sampling interval of a profile source, in 100 ns.
struct trace_profile_interval {
  std::uint32_t source = 0;  // 0: ProfileTime, the timer
  std::uint32_t interval = 0;
};
static_assert(sizeof(trace_profile_interval) == 8);

/// EnumerateTraceGuidsEx classes: the registered providers (GUID[]), and who enabled one.
namespace guid_query {
constexpr std::uint32_t list = 0;  // TraceGuidQueryList: out GUID[]
constexpr std::uint32_t info = 1;  // TraceGuidQueryInfo: in GUID, out trace_guid_info …
}  // namespace guid_query

/// TRACE_GUID_INFO, then `instance_count` provider_instance_info blocks, each followed by its
/// `enable_count` trace_enable_info records and found at the previous one's `next_offset`.
struct trace_guid_info {
  std::uint32_t instance_count;
  std::uint32_t reserved;
};
static_assert(sizeof(trace_guid_info) == 8);

/// TRACE_PROVIDER_INSTANCE_INFO: one registration of the provider (a process).
struct provider_instance_info {
  std::uint32_t next_offset;  // from this block to the next; 0 for the last
  std::uint32_t enable_count;
  std::uint32_t pid;
  std::uint32_t flags;
};
static_assert(sizeof(provider_instance_info) == 16);

/// TRACE_ENABLE_INFO: one session that enabled the provider.
struct trace_enable_info {
  std::uint32_t is_enabled;
  std::uint8_t level;
  std::uint8_t reserved1;
  std::uint16_t logger_id;  // the session: its handle's LoggerId (QueryAllTraces' Wnode)
  std::uint32_t enable_property;
  std::uint32_t reserved2;
  std::uint64_t match_any_keyword;
  std::uint64_t match_all_keyword;
};
static_assert(sizeof(trace_enable_info) == 32);

/// The callback a consumer gets each event through, on the thread that called process_trace.
/// `record` and all it points to are valid only during the call.
using event_record_callback = void (*)(const event_record& record, void* context);

/// What OpenTrace needs: a real-time session by name, or a log file.
struct trace_source {
  std::u16string logger_name;    // a real-time session
  std::u16string log_file_name;  // or an .etl file
  event_record_callback callback = nullptr;
  void* context = nullptr;
};

/// An EVENT_TRACE_PROPERTIES block: the struct, then room for the session name and for a log
/// file name (1024 characters each, as ControlTrace(QUERY) may write them back).
class properties_block {
 public:
  static constexpr std::size_t name_room = 1024;  // characters

  /// Zeroed, with the sizes, offsets and flags ETW requires; `log_file` is copied in (the
  /// session name is written by StartTrace itself). Without a log file, LogFileNameOffset is 0:
  /// a real-time session.
  explicit properties_block(std::u16string_view log_file = {});
  /// A block for ControlTrace and QueryAllTraces to write a session's names into.
  static properties_block for_query();

  trace_properties& get() noexcept { return *reinterpret_cast<trace_properties*>(bytes_.data()); }
  const trace_properties& get() const noexcept {
    return *reinterpret_cast<const trace_properties*>(bytes_.data());
  }
  std::span<std::byte> bytes() noexcept { return bytes_; }
  /// The name at LoggerNameOffset / LogFileNameOffset (empty when the offset is 0).
  std::u16string logger_name() const;
  std::u16string log_file_name() const;

 private:
  std::u16string text_at(std::uint32_t offset) const;
  std::vector<std::byte> bytes_;
};

/// The calls. Each returns a Win32 error code, as the API does (0: success).
class etw_api {
 public:
  virtual ~etw_api() = default;

  /// StartTraceW.
  virtual std::uint32_t start_trace(trace_handle& handle, std::u16string_view name,
                                    trace_properties& properties) = 0;
  /// ControlTraceW: by name when `name` is not empty, else by handle.
  virtual std::uint32_t control_trace(trace_handle handle, std::u16string_view name,
                                      trace_properties& properties, std::uint32_t code) = 0;
  /// EnableTraceEx2.
  virtual std::uint32_t enable_trace(trace_handle session, const guid& provider, std::uint32_t code,
                                     std::uint8_t level, std::uint64_t match_any,
                                     std::uint64_t match_all, std::uint32_t timeout_ms,
                                     const enable_parameters* parameters) = 0;
  /// TraceSetInformation.
  virtual std::uint32_t set_information(trace_handle session, std::uint32_t information_class,
                                        std::span<const std::byte> data) = 0;
  /// QueryAllTracesW: fills `blocks` (each a properties_block), sets `count` to the number of
  /// sessions; more_data when there are more than blocks.
  virtual std::uint32_t query_all_traces(std::span<properties_block> blocks,
                                         std::uint32_t& count) = 0;

  /// OpenTraceW with PROCESS_TRACE_MODE_EVENT_RECORD (and REAL_TIME for a session): a
  /// processing handle, or 0 with `status` set.
  virtual trace_handle open_trace(const trace_source& source, std::uint32_t& status) = 0;
  /// ProcessTrace of one handle: blocks, calling the source's callback for every event, until
  /// the file ends, the session stops or close_trace() is called.
  virtual std::uint32_t process_trace(trace_handle handle) = 0;
  /// CloseTrace: ctx_close_pending when process_trace() is still draining (that is success).
  virtual std::uint32_t close_trace(trace_handle handle) = 0;

  /// EnumerateTraceGuidsEx: fills `out`, sets `returned` to the bytes written or needed
  /// (more_data / insufficient_buffer when `out` is too small).
  virtual std::uint32_t enumerate_trace_guids(std::uint32_t query_class,
                                              std::span<const std::byte> in,
                                              std::span<std::byte> out,
                                              std::uint32_t& returned) = 0;

  /// Whether kernel event groups can be enabled as system providers (EnableTraceEx2 on a
  /// system logger): Windows 11 and Server 2022 (build 20348) and later (docs/etw-api.md §4.4).
  virtual bool has_system_providers() const = 0;
};

/// The machine's ETW (advapi32), or nullptr where there is none (not Windows).
etw_api* system_etw() noexcept;

}  // namespace etwcat::live
