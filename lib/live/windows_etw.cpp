// windows_etw: etw_api passed straight to advapi32, and the proof that the portable types are
// the SDK's: every size and offset is checked against mingw-w64's headers here.
#ifdef _WIN32

#include <windows.h>
// windows.h first: the ETW headers need its types.
#include <evntcons.h>
#include <evntrace.h>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

#include "lib/live/etw_api.h"

namespace etwcat::live {

// The portable layouts are the SDK's (docs/etw-api.md §3.1, §5.2, §5.3, §7.6).
static_assert(sizeof(event_header) == sizeof(EVENT_HEADER));
static_assert(sizeof(trace_guid_info) == sizeof(TRACE_GUID_INFO));
static_assert(sizeof(provider_instance_info) == sizeof(TRACE_PROVIDER_INSTANCE_INFO));
static_assert(sizeof(trace_enable_info) == sizeof(TRACE_ENABLE_INFO));
static_assert(offsetof(trace_enable_info, logger_id) == offsetof(TRACE_ENABLE_INFO, LoggerId));
static_assert(offsetof(trace_enable_info, match_any_keyword) ==
              offsetof(TRACE_ENABLE_INFO, MatchAnyKeyword));
static_assert(guid_query::info == TraceGuidQueryInfo && guid_query::list == TraceGuidQueryList);
static_assert(offsetof(event_header, timestamp) == offsetof(EVENT_HEADER, TimeStamp));
static_assert(offsetof(event_header, provider_id) == offsetof(EVENT_HEADER, ProviderId));
static_assert(offsetof(event_header, descriptor) == offsetof(EVENT_HEADER, EventDescriptor));
static_assert(offsetof(event_header, kernel_time) == offsetof(EVENT_HEADER, KernelTime));
static_assert(offsetof(event_header, activity_id) == offsetof(EVENT_HEADER, ActivityId));
static_assert(sizeof(event_record) == sizeof(EVENT_RECORD));
static_assert(offsetof(event_record, context) == offsetof(EVENT_RECORD, BufferContext));
static_assert(offsetof(event_record, extended_data_count) ==
              offsetof(EVENT_RECORD, ExtendedDataCount));
static_assert(offsetof(event_record, user_data_length) == offsetof(EVENT_RECORD, UserDataLength));
static_assert(offsetof(event_record, extended_data) == offsetof(EVENT_RECORD, ExtendedData));
static_assert(offsetof(event_record, user_data) == offsetof(EVENT_RECORD, UserData));
static_assert(offsetof(event_record, user_context) == offsetof(EVENT_RECORD, UserContext));
static_assert(sizeof(extended_data_item) == sizeof(EVENT_HEADER_EXTENDED_DATA_ITEM));
static_assert(offsetof(extended_data_item, ext_type) ==
              offsetof(EVENT_HEADER_EXTENDED_DATA_ITEM, ExtType));
static_assert(offsetof(extended_data_item, data_size) ==
              offsetof(EVENT_HEADER_EXTENDED_DATA_ITEM, DataSize));
static_assert(offsetof(extended_data_item, data_ptr) ==
              offsetof(EVENT_HEADER_EXTENDED_DATA_ITEM, DataPtr));
static_assert(sizeof(wnode_header) == sizeof(WNODE_HEADER));
static_assert(offsetof(wnode_header, session_guid) == offsetof(WNODE_HEADER, Guid));
static_assert(offsetof(wnode_header, client_context) == offsetof(WNODE_HEADER, ClientContext));
static_assert(sizeof(trace_properties) == sizeof(EVENT_TRACE_PROPERTIES));
static_assert(offsetof(trace_properties, log_file_mode) ==
              offsetof(EVENT_TRACE_PROPERTIES, LogFileMode));
static_assert(offsetof(trace_properties, enable_flags) ==
              offsetof(EVENT_TRACE_PROPERTIES, EnableFlags));
static_assert(offsetof(trace_properties, events_lost) ==
              offsetof(EVENT_TRACE_PROPERTIES, EventsLost));
static_assert(offsetof(trace_properties, logger_thread_id) ==
              offsetof(EVENT_TRACE_PROPERTIES, LoggerThreadId));
static_assert(offsetof(trace_properties, log_file_name_offset) ==
              offsetof(EVENT_TRACE_PROPERTIES, LogFileNameOffset));
static_assert(offsetof(trace_properties, logger_name_offset) ==
              offsetof(EVENT_TRACE_PROPERTIES, LoggerNameOffset));
static_assert(sizeof(event_filter_descriptor) == sizeof(EVENT_FILTER_DESCRIPTOR));
static_assert(offsetof(event_filter_descriptor, type) == offsetof(EVENT_FILTER_DESCRIPTOR, Type));
static_assert(sizeof(enable_parameters) == sizeof(ENABLE_TRACE_PARAMETERS));
static_assert(offsetof(enable_parameters, source_id) ==
              offsetof(ENABLE_TRACE_PARAMETERS, SourceId));
static_assert(offsetof(enable_parameters, filters) ==
              offsetof(ENABLE_TRACE_PARAMETERS, EnableFilterDesc));
static_assert(offsetof(enable_parameters, filter_count) ==
              offsetof(ENABLE_TRACE_PARAMETERS, FilterDescCount));
static_assert(sizeof(guid) == sizeof(GUID));
static_assert(sizeof(classic_event_id) == sizeof(CLASSIC_EVENT_ID));
static_assert(offsetof(classic_event_id, type) == offsetof(CLASSIC_EVENT_ID, Type));
static_assert(sizeof(trace_profile_interval) == sizeof(TRACE_PROFILE_INTERVAL));
static_assert(offsetof(trace_profile_interval, interval) ==
              offsetof(TRACE_PROFILE_INTERVAL, Interval));
static_assert(trace_info_class::stack_tracing == TraceStackTracingInfo);
static_assert(trace_info_class::sampled_profile_interval == TraceSampledProfileIntervalInfo);
static_assert(win32::privilege_not_held == ERROR_PRIVILEGE_NOT_HELD);
static_assert(win32::not_supported == ERROR_NOT_SUPPORTED);
static_assert(log_file_mode::real_time == EVENT_TRACE_REAL_TIME_MODE);
static_assert(log_file_mode::system_logger == 0x02000000);
static_assert(wnode_flag::traced_guid == WNODE_FLAG_TRACED_GUID);
static_assert(control_code::stop == EVENT_TRACE_CONTROL_STOP);
static_assert(enable_code::enable == EVENT_CONTROL_CODE_ENABLE_PROVIDER);

namespace {

const GUID* native(const guid& g) noexcept { return reinterpret_cast<const GUID*>(&g); }
EVENT_TRACE_PROPERTIES* native(trace_properties& p) noexcept {
  return reinterpret_cast<EVENT_TRACE_PROPERTIES*>(&p);
}

// What OpenTrace's Context points to: the portable callback and its own context.
struct consumer_context {
  event_record_callback callback;
  void* context;
};

void WINAPI on_event(PEVENT_RECORD record) {
  const auto* c = static_cast<const consumer_context*>(record->UserContext);
  c->callback(*reinterpret_cast<const event_record*>(record), c->context);
}

// Setting the profile interval needs SeSystemProfilePrivilege enabled in the token, not only
// held: an elevated administrator holds it disabled (docs/etw-api.md §6.2, §9). Enabling a
// privilege the token lacks changes nothing, and TraceSetInformation then says why.
void enable_profile_privilege() noexcept {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token)) {
    return;
  }
  TOKEN_PRIVILEGES privileges{};
  privileges.PrivilegeCount = 1;
  privileges.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  if (LookupPrivilegeValueW(nullptr, L"SeSystemProfilePrivilege", &privileges.Privileges[0].Luid)) {
    AdjustTokenPrivileges(token, FALSE, &privileges, 0, nullptr, nullptr);
  }
  CloseHandle(token);
}

class windows_etw final : public etw_api {
 public:
  std::uint32_t start_trace(trace_handle& handle, std::u16string_view name,
                            trace_properties& properties) override {
    const std::u16string z(name);
    if ((properties.enable_flags & EVENT_TRACE_FLAG_PROFILE) != 0) enable_profile_privilege();
    TRACEHANDLE h = 0;
    const ULONG status = StartTraceW(&h, reinterpret_cast<LPCWSTR>(z.c_str()), native(properties));
    handle = h;
    return status;
  }

  std::uint32_t control_trace(trace_handle handle, std::u16string_view name,
                              trace_properties& properties, std::uint32_t code) override {
    const std::u16string z(name);
    return ControlTraceW(handle, name.empty() ? nullptr : reinterpret_cast<LPCWSTR>(z.c_str()),
                         native(properties), code);
  }

  std::uint32_t enable_trace(trace_handle session, const guid& provider, std::uint32_t code,
                             std::uint8_t level, std::uint64_t match_any, std::uint64_t match_all,
                             std::uint32_t timeout_ms,
                             const enable_parameters* parameters) override {
    return EnableTraceEx2(session, native(provider), code, level, match_any, match_all, timeout_ms,
                          const_cast<PENABLE_TRACE_PARAMETERS>(
                              reinterpret_cast<const ENABLE_TRACE_PARAMETERS*>(parameters)));
  }

  std::uint32_t set_information(trace_handle session, std::uint32_t information_class,
                                std::span<const std::byte> data) override {
    // Samples and kernel stacks, like the interval, want the profiling privilege enabled.
    if (information_class == trace_info_class::sampled_profile_interval ||
        information_class == trace_info_class::stack_tracing) {
      enable_profile_privilege();
    }
    return TraceSetInformation(session, static_cast<TRACE_INFO_CLASS>(information_class),
                               const_cast<std::byte*>(data.data()),
                               static_cast<ULONG>(data.size()));
  }

  std::uint32_t query_all_traces(std::span<properties_block> blocks,
                                 std::uint32_t& count) override {
    std::vector<PEVENT_TRACE_PROPERTIES> array;
    for (auto& block : blocks) array.push_back(native(block.get()));
    ULONG found = 0;
    const ULONG status = QueryAllTracesW(array.data(), static_cast<ULONG>(array.size()), &found);
    count = found;
    return status;
  }

  trace_handle open_trace(const trace_source& source, std::uint32_t& status) override {
    auto context =
        std::make_unique<consumer_context>(consumer_context{source.callback, source.context});
    std::u16string logger(source.logger_name), file(source.log_file_name);
    EVENT_TRACE_LOGFILEW logfile{};
    const bool real_time = !logger.empty();
    if (real_time) {
      logfile.LoggerName = reinterpret_cast<LPWSTR>(logger.data());
    } else {
      logfile.LogFileName = reinterpret_cast<LPWSTR>(file.data());
    }
    logfile.ProcessTraceMode =
        PROCESS_TRACE_MODE_EVENT_RECORD | (real_time ? PROCESS_TRACE_MODE_REAL_TIME : 0);
    logfile.EventRecordCallback = on_event;
    logfile.Context = context.get();
    const TRACEHANDLE h = OpenTraceW(&logfile);
    // The failure value is all ones in a 64-bit process, 0xFFFFFFFF in a 32-bit one (§2).
    if (h == INVALID_PROCESSTRACE_HANDLE || h == static_cast<TRACEHANDLE>(ULONG_PTR(-1))) {
      status = GetLastError();
      return 0;
    }
    status = ERROR_SUCCESS;
    std::lock_guard lock(mutex_);
    contexts_[h] = std::move(context);
    return h;
  }

  std::uint32_t enumerate_trace_guids(std::uint32_t query_class, std::span<const std::byte> in,
                                      std::span<std::byte> out, std::uint32_t& returned) override {
    ULONG length = 0;
    const ULONG status = EnumerateTraceGuidsEx(
        static_cast<TRACE_QUERY_INFO_CLASS>(query_class),
        in.empty() ? nullptr : const_cast<std::byte*>(in.data()), static_cast<ULONG>(in.size()),
        out.empty() ? nullptr : out.data(), static_cast<ULONG>(out.size()), &length);
    returned = length;
    return status;
  }

  bool has_system_providers() const override {
    // RtlGetVersion tells the true build (GetVersionEx lies to unmanifested programs).
    using get_version = LONG(WINAPI*)(OSVERSIONINFOW*);
    static const bool has = [] {
      const HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
      if (ntdll == nullptr) return false;
      // Through void(*)(), which matches every function type (no -Wcast-function-type).
      const auto rtl_get_version = reinterpret_cast<get_version>(
          reinterpret_cast<void (*)()>(GetProcAddress(ntdll, "RtlGetVersion")));
      OSVERSIONINFOW version{};
      version.dwOSVersionInfoSize = sizeof version;
      if (rtl_get_version == nullptr || rtl_get_version(&version) != 0) return false;
      return version.dwMajorVersion > 10 ||
             (version.dwMajorVersion == 10 && version.dwBuildNumber >= 20348);
    }();
    return has;
  }

  std::uint32_t process_trace(trace_handle handle) override {
    TRACEHANDLE h = handle;
    return ProcessTrace(&h, 1, nullptr, nullptr);
  }

  std::uint32_t close_trace(trace_handle handle) override {
    // The context stays: callbacks may run after CloseTrace returns (it drains the queue).
    return CloseTrace(handle);
  }

 private:
  std::mutex mutex_;
  std::map<trace_handle, std::unique_ptr<consumer_context>> contexts_;
};

}  // namespace

etw_api* system_etw() noexcept {
  static windows_etw etw;
  return &etw;
}

}  // namespace etwcat::live

#endif
