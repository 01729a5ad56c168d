// simulated_etw: an etw_api that behaves as Windows documents it (docs/etw-api.md §10), for
// tests on machines without ETW: a session table (case-insensitive unique names, 64 sessions,
// 8 kernel or system loggers, one NT Kernel Logger), EVENT_TRACE_PROPERTIES validation, the
// providers each session enabled with their level, keywords, event-ID and PID filters, and
// ProcessTrace delivering EVENT_RECORDs built from the records of a real capture — each to the
// sessions whose providers (or kernel flags) select it, at full speed or paced, with only the
// extended items (stacks, SIDs, session ids) and kernel stacks (StackWalk) the session asked
// for — and TraceSetInformation's kernel stack list and profile interval, recorded for tests.
// Behaviour the documentation leaves open is chosen here and marked [U].
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/etl/record_view.h"
#include "lib/live/etw_api.h"

namespace etwcat::testing {

class simulated_etw final : public live::etw_api {
 public:
  struct machine {
    bool elevated = true;           // false: an unelevated prompt
    std::size_t max_sessions = 64;  // EtwMaxLoggers
    std::uint32_t processors = 4;   // for MinimumBuffers
    bool profile_privilege = true;  // false: SeSystemProfilePrivilege cannot be enabled
    bool system_providers = false;  // true: Windows 11, kernel groups as system providers
  };

  simulated_etw();
  explicit simulated_etw(machine m);
  ~simulated_etw() override;

  /// What ProcessTrace delivers to real-time consumers: the records of `capture` in time order,
  /// one every `pace` (zero: as fast as the consumer takes them). After the last record a
  /// real-time ProcessTrace waits, as Windows does, until the session stops or CloseTrace.
  void feed(std::filesystem::path capture,
            std::chrono::microseconds pace = std::chrono::microseconds(0));

  /// ETW losing events, as a busy machine does: ControlTrace reports these counters for every
  /// session, and each real-time consumer gets one RTLostEvent record before the capture's.
  void simulate_loss(std::uint32_t events_lost, std::uint32_t real_time_buffers_lost);

  /// A provider as a session enabled it.
  struct enabled_provider {
    std::uint8_t level = 0;
    std::uint64_t match_any = 0;
    std::uint64_t match_all = 0;
    std::uint32_t enable_property = 0;
    std::vector<std::uint16_t> event_ids;  // from an EVENT_ID filter
    bool ids_in = true;
    std::vector<std::uint32_t> process_ids;  // from a PID filter
    std::u16string executables;              // from an EXECUTABLE_NAME filter
  };
  /// The sessions that run (names as given to StartTrace).
  std::vector<std::u16string> running() const;
  std::optional<live::trace_properties> properties(std::u16string_view name) const;
  std::optional<enabled_provider> enabled(std::u16string_view session, const guid& provider) const;
  /// Events delivered to consumers, over all sessions.
  std::uint64_t delivered() const;
  /// Waits until a consumer processes and every consumer has been given the whole capture
  /// (ProcessTrace then waits for the session to stop). False if that took longer than
  /// `limit`, which only a broken consumer makes happen.
  bool wait_for_replay(std::chrono::milliseconds limit = std::chrono::seconds(60)) const;

  /// One TraceSetInformation call, as made.
  struct information_call {
    live::trace_handle session = 0;
    std::uint32_t information_class = 0;
    std::vector<std::byte> data;
    std::uint32_t status = 0;  // what it returned
  };
  std::vector<information_call> information_calls() const;
  /// The kernel events a session collects stacks for (TraceStackTracingInfo).
  std::vector<live::classic_event_id> stack_events(std::u16string_view session) const;
  /// The machine's sampling interval (100 ns); Windows' default is 1 ms [U].
  std::uint32_t profile_interval() const;

  // --- etw_api -------------------------------------------------------------------------------
  std::uint32_t start_trace(live::trace_handle& handle, std::u16string_view name,
                            live::trace_properties& properties) override;
  std::uint32_t control_trace(live::trace_handle handle, std::u16string_view name,
                              live::trace_properties& properties, std::uint32_t code) override;
  std::uint32_t enable_trace(live::trace_handle session, const guid& provider, std::uint32_t code,
                             std::uint8_t level, std::uint64_t match_any, std::uint64_t match_all,
                             std::uint32_t timeout_ms,
                             const live::enable_parameters* parameters) override;
  std::uint32_t set_information(live::trace_handle session, std::uint32_t information_class,
                                std::span<const std::byte> data) override;
  std::uint32_t query_all_traces(std::span<live::properties_block> blocks,
                                 std::uint32_t& count) override;
  live::trace_handle open_trace(const live::trace_source& source, std::uint32_t& status) override;
  bool has_system_providers() const override { return machine_.system_providers; }
  std::uint32_t enumerate_trace_guids(std::uint32_t query_class, std::span<const std::byte> in,
                                      std::span<std::byte> out, std::uint32_t& returned) override;
  std::uint32_t process_trace(live::trace_handle handle) override;
  std::uint32_t close_trace(live::trace_handle handle) override;

 private:
  struct session_state {
    std::u16string name;
    live::trace_handle handle = 0;
    live::trace_properties properties{};
    std::u16string log_file;
    bool kernel_logger = false;
    bool system_logger = false;
    bool stopped = false;
    std::map<guid, enabled_provider> providers;
    std::vector<live::classic_event_id> stack_events;
    std::uint64_t delivered = 0;
  };
  struct consumer_state {
    live::trace_handle handle = 0;
    std::shared_ptr<session_state> session;
    live::event_record_callback callback = nullptr;
    void* context = nullptr;
    bool processing = false;
    bool closed = false;
    bool replayed = false;  // the whole capture went past
  };

  std::shared_ptr<session_state> find(std::u16string_view name, live::trace_handle handle) const;
  // Whether the session's providers (or kernel flags) select this record (§5.1, §4.3), and
  // the enable properties of the provider that did (which extended items it gets).
  bool selects(const session_state& s, const etl::record_view& r,
               std::uint32_t& enable_property) const;
  std::uint32_t set_information_locked(live::trace_handle session, std::uint32_t information_class,
                                       std::span<const std::byte> data);
  void write_back(const session_state& s, live::trace_properties& properties) const;

  machine machine_;
  std::filesystem::path capture_;
  std::chrono::microseconds pace_{0};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::shared_ptr<session_state>> sessions_;
  std::vector<std::shared_ptr<consumer_state>> consumers_;
  live::trace_handle next_handle_ = 0x1000;
  std::uint64_t delivered_ = 0;
  std::uint32_t events_lost_ = 0;
  std::uint32_t real_time_buffers_lost_ = 0;
  std::vector<information_call> information_calls_;
  std::uint32_t profile_interval_ = 10000;
};

}  // namespace etwcat::testing
