// session: an ETW trace session — the builder's options turned into EVENT_TRACE_PROPERTIES,
// StartTrace, one EnableTraceEx2 per provider (with its filters and enable properties), kernel
// stack walking — stopped with its statistics. Every call goes through etw_api, so the same code
// runs on Windows and against the simulated ETW of the tests. Spec: docs/etw-api.md §3–§6.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/base/result.h"
#include "lib/live/etw_api.h"
#include "lib/provider/provider.h"

namespace etwcat::live {

/// True where live tracing exists (Windows); false on Linux, macOS, …
bool live_tracing_supported() noexcept;

/// The message for a platform without ETW.
inline constexpr const char* no_etw_message =
    "live tracing needs Windows (ETW); on this system read .etl files with `etwcat dump`";

/// What a person can do when ETW says "access denied" (for a session other than the NT Kernel
/// Logger, which only administrators may control).
inline constexpr const char* access_denied_advice =
    "access denied: needs an Administrator prompt (or the Performance Log Users group)";

/// The session clock (Wnode.ClientContext).
enum class clock_type : std::uint32_t { qpc = 1, system_time = 2, cpu_cycles = 3 };

/// How a session logs to its file, besides (or instead of) real time.
enum class file_mode : std::uint8_t { sequential, circular, new_file };

/// A user-mode provider and what the session asks of it beyond the provider string.
struct provider_options {
  provider::provider provider;
  std::vector<std::uint32_t> process_ids;  // EVENT_FILTER_TYPE_PID, at most 8
  std::string executable;                  // EVENT_FILTER_TYPE_EXECUTABLE_NAME, ';'-separated
  bool stack_trace = false;                // EVENT_ENABLE_PROPERTY_STACK_TRACE
  bool sid = false;                        // EVENT_ENABLE_PROPERTY_SID
  bool terminal_session_id = false;        // EVENT_ENABLE_PROPERTY_TS_ID
  bool process_start_key = false;          // EVENT_ENABLE_PROPERTY_PROCESS_START_KEY
};

struct session_options {
  std::string name;  // empty: "etwcat-<pid>", so that two runs never collide
  std::vector<provider_options> providers;
  /// NT Kernel Logger flags (EVENT_TRACE_FLAG_*). Without system_logger the session is the
  /// NT Kernel Logger itself, whatever its name.
  std::uint32_t kernel_flags = 0;
  /// EVENT_TRACE_SYSTEM_LOGGER_MODE (Windows 8+): kernel events in a session of its own name,
  /// together with user providers.
  bool system_logger = false;
  std::uint32_t buffer_size_kb = 64;
  std::uint32_t minimum_buffers = 0;  // 0: ETW's choice
  std::uint32_t maximum_buffers = 0;
  std::uint32_t flush_timer_seconds = 0;
  clock_type clock = clock_type::qpc;
  bool real_time = true;
  std::string log_file;  // also (or only) to this .etl file
  file_mode mode = file_mode::sequential;
  std::uint32_t maximum_file_size_mb = 0;  // needed by circular and new_file
  /// Kernel events that carry a call stack (TraceStackTracingInfo, at most 256): each such
  /// event is followed by a StackWalk event (class DEF2FE46-…, type 32) holding its stack.
  /// Needs kernel_flags; kernel_stack_events() gives the ones worth a stack.
  std::vector<classic_event_id> stack_events;
  /// The CPU sampling interval of the PROFILE flag's SampledProfile events, in 100 ns units
  /// (10000 = 1 ms). Machine-wide (TraceSampledProfileIntervalInfo on handle 0): it applies to
  /// every session that samples, and stays after this session stops.
  std::optional<std::uint32_t> profile_interval;
};

/// The kernel events of these EVENT_TRACE_FLAG_* groups whose call stack tells something: the
/// stack of who started a process or thread, loaded an image, issued disk or file I/O, touched
/// the registry, sent or received on the network, took a page fault, switched threads, or
/// where a CPU sample hit. Groups without such events (DPC, interrupts, …) add nothing.
///
///   kernel_stack_events(0x1)  // {Process {3D6FA8D0-…}, type 1 (Start)}
std::vector<classic_event_id> kernel_stack_events(std::uint32_t kernel_flags);

/// What ControlTrace says of a session (at QUERY or STOP).
/// A provider a running session has enabled (EnumerateTraceGuidsEx).
struct session_provider {
  guid id;
  std::string name;  // from the built-in table; empty when it does not know the GUID
  std::uint8_t level = 0;
  std::uint64_t match_any_keyword = 0;
  std::uint64_t match_all_keyword = 0;
  std::uint32_t enable_property = 0;
};

struct session_statistics {
  std::string name;
  std::uint16_t logger_id = 0;  // Wnode.HistoricalContext: how ETW numbers the session
  std::string log_file;
  std::uint32_t log_file_mode = 0;
  std::uint32_t buffer_size_kb = 0;
  std::uint32_t buffers = 0;  // NumberOfBuffers
  std::uint32_t buffers_written = 0;
  std::uint32_t events_lost = 0;
  std::uint32_t log_buffers_lost = 0;
  std::uint32_t real_time_buffers_lost = 0;
  std::vector<session_provider> providers;  // filled by session::find_providers
};

/// The session's name as ETW knows it: the NT Kernel Logger for kernel flags without
/// system_logger, else the given name, else "etwcat-<pid>".
std::string session_name(const session_options& options);

/// A started session; stop() (or the destructor) ends it.
class session {
 public:
  /// Starts the session and enables its providers; a failure after StartTrace stops it again.
  /// Errors say what a person can do ("needs an Administrator prompt", "already runs").
  static result<session> start(etw_api& etw, const session_options& options);

  /// Stops the session with this name, started by anyone (`etwcat stop`).
  static result<session_statistics> stop_by_name(etw_api& etw, const std::string& name);
  /// The running sessions (QueryAllTraces).
  static result<std::vector<session_statistics>> list(etw_api& etw);
  /// Fills each session's providers: every registered provider is asked which sessions enabled
  /// it (EnumerateTraceGuidsEx). Kernel flags are not providers: they stay in log_file_mode's
  /// session. A provider that goes away meanwhile is skipped.
  static result<void> find_providers(etw_api& etw, std::vector<session_statistics>& sessions);

  session(session&& other) noexcept;
  session& operator=(session&& other) noexcept;
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  ~session();

  /// Stops it and returns its final statistics.
  result<session_statistics> stop();
  /// Leaves it running when this object goes (`etwcat start`).
  void detach() noexcept { handle_ = 0; }

  const std::string& name() const noexcept { return name_; }
  trace_handle handle() const noexcept { return handle_; }

 private:
  session() = default;
  etw_api* etw_ = nullptr;
  std::string name_;
  trace_handle handle_ = 0;
};

}  // namespace etwcat::live
