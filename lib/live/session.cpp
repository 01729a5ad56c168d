// Controller side of a live session, over etw_api: EVENT_TRACE_PROPERTIES (§3), StartTrace,
// kernel stack walking and the profile interval (TraceSetInformation, §6), EnableTraceEx2 with
// EVENT_ID / PID / EXECUTABLE_NAME filters (§5), ControlTrace STOP and QUERY, QueryAllTraces
// (§4).
#include "lib/live/session.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "lib/base/unicode.h"
#include "lib/etl/kernel_groups.h"
#include "lib/provider/known_providers.h"
#include "lib/provider/system_providers.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace etwcat::live {
namespace {

constexpr std::u16string_view kernel_logger_name = u"NT Kernel Logger";
// SystemTraceControlGuid, spelled out: mingw's import libraries lack it.
constexpr guid system_trace_control_guid{
    0x9e814aad, 0x3204, 0x11d2, {0x9a, 0x82, 0x00, 0x60, 0x08, 0xa8, 0x69, 0x39}};
constexpr std::size_t max_filter_pids = 8;           // MAX_EVENT_FILTER_PID_COUNT
constexpr std::size_t max_filter_data_bytes = 1024;  // executable-name filter, with its NUL
constexpr std::uint32_t profile_flag = 0x01000000;   // EVENT_TRACE_FLAG_PROFILE

// Kernel events worth a stack, by the flag that turns them on: (group, type) as the kernel
// logs them; kernel_group_guid() gives the class GUID a consumer sees. Types from the MOF
// classes of the NT Kernel Logger (docs/etl-format.md §6).
struct stack_rule {
  std::uint32_t flags;  // any of these EVENT_TRACE_FLAG_* bits
  std::uint8_t group;
  std::uint8_t type;
};
namespace g = etl::kernel_group;
constexpr std::uint8_t alpc_group = 0x1A;
constexpr std::uint32_t file_io_flags = 0x02000000 | 0x04000000;  // FILE_IO, FILE_IO_INIT
constexpr stack_rule stack_rules[] = {
    {0x00000001, g::process, 1},      // PROCESS: Process/Start
    {0x00000002, g::thread, 1},       // THREAD: Thread/Start
    {0x00000004, g::image, 10},       // IMAGE_LOAD: Image/Load
    {0x00000010, g::thread, 36},      // CSWITCH: Thread/CSwitch
    {0x00000080, g::perfinfo, 51},    // SYSTEMCALL: PerfInfo/SysClEnter
    {0x00000100, g::io, 10},          // DISK_IO: DiskIo/Read
    {0x00000100, g::io, 11},          //          DiskIo/Write
    {0x00000400, g::io, 12},          // DISK_IO_INIT: DiskIo/ReadInit
    {0x00000400, g::io, 13},          //               DiskIo/WriteInit
    {0x00000400, g::io, 15},          //               DiskIo/FlushInit
    {0x00000800, g::thread, 50},      // DISPATCHER: Thread/ReadyThread
    {0x00001000, g::memory, 10},      // MEMORY_PAGE_FAULTS: TransitionFault
    {0x00001000, g::memory, 11},      //   DemandZeroFault
    {0x00001000, g::memory, 12},      //   CopyOnWrite
    {0x00001000, g::memory, 13},      //   GuardPageFault
    {0x00001000, g::memory, 14},      //   HardPageFault
    {0x00001000, g::memory, 15},      //   AccessViolation
    {0x00002000, g::memory, 32},      // MEMORY_HARD_FAULTS: HardFault
    {0x00004000, g::memory, 98},      // VIRTUAL_ALLOC: VirtualAlloc
    {0x00004000, g::memory, 99},      //                VirtualFree
    {0x00010000, g::tcpip, 10},       // NETWORK_TCPIP: TcpIp/Send
    {0x00010000, g::tcpip, 11},       //   Recv
    {0x00010000, g::tcpip, 12},       //   Connect
    {0x00010000, g::tcpip, 15},       //   Accept
    {0x00010000, g::tcpip, 26},       //   SendIPV6
    {0x00010000, g::tcpip, 27},       //   RecvIPV6
    {0x00010000, g::tcpip, 28},       //   ConnectIPV6
    {0x00010000, g::tcpip, 31},       //   AcceptIPV6
    {0x00010000, g::udpip, 10},       //   UdpIp/Send
    {0x00010000, g::udpip, 11},       //   UdpIp/Recv
    {0x00010000, g::udpip, 26},       //   UdpIp/SendIPV6
    {0x00010000, g::udpip, 27},       //   UdpIp/RecvIPV6
    {0x00020000, g::registry, 10},    // REGISTRY: Create
    {0x00020000, g::registry, 11},    //   Open
    {0x00020000, g::registry, 12},    //   Delete
    {0x00020000, g::registry, 13},    //   Query
    {0x00020000, g::registry, 14},    //   SetValue
    {0x00020000, g::registry, 15},    //   DeleteValue
    {0x00020000, g::registry, 16},    //   QueryValue
    {0x00020000, g::registry, 17},    //   EnumerateKey
    {0x00020000, g::registry, 18},    //   EnumerateValueKey
    {0x00020000, g::registry, 19},    //   QueryMultipleValue
    {0x00020000, g::registry, 20},    //   SetInformation
    {0x00100000, alpc_group, 33},     // ALPC: SendMessage
    {0x00100000, alpc_group, 34},     //       ReceiveMessage
    {profile_flag, g::perfinfo, 46},  // PROFILE: PerfInfo/SampledProfile
    {file_io_flags, g::file, 64},     // FILE_IO(_INIT): FileIo/Create
    {file_io_flags, g::file, 67},     //   Read
    {file_io_flags, g::file, 68},     //   Write
    {file_io_flags, g::file, 69},     //   SetInfo
    {file_io_flags, g::file, 70},     //   Delete
    {file_io_flags, g::file, 71},     //   Rename
};

std::string utf8(std::u16string_view text) {
  std::string out;
  append_utf16_as_utf8(out, text);
  return out;
}

// What a person can do about a failed call.
error failure(std::string_view doing, const std::string& name, std::uint32_t status) {
  std::string text(doing);
  text += ' ';
  text += name;
  switch (status) {
    case win32::access_denied:
      // Only administrators (and LocalSystem) may control the NT Kernel Logger (§4.3, §9).
      text += name == utf8(kernel_logger_name) ? ": access denied: needs an Administrator prompt"
                                               : std::string(": ") + access_denied_advice;
      break;
    case win32::already_exists:
      text = name == utf8(kernel_logger_name)
                 ? "the NT Kernel Logger already runs (another tool uses it); `etwcat stop \"NT "
                   "Kernel Logger\"` ends it"
                 : "session " + name + " already runs; `etwcat stop " + name + "` ends it";
      break;
    case win32::no_system_resources:
      text +=
          ": too many sessions run (64 at most, 8 of them kernel or system loggers); "
          "`etwcat sessions` lists them";
      break;
    case win32::wmi_instance_not_found:
      text = "no session " + name + " runs";
      break;
    case win32::bad_pathname:
      text += ": the log file cannot be used (a bad path, or another session writes it)";
      break;
    case win32::disk_full:
      text += ": not enough disk space for the log file";
      break;
    default:
      text += ": Win32 error " + std::to_string(status);
      break;
  }
  return error{text, 0};
}

session_statistics statistics_of(const properties_block& block) {
  const trace_properties& p = block.get();
  session_statistics s;
  s.name = utf8(block.logger_name());
  s.logger_id = static_cast<std::uint16_t>(p.wnode.historical_context & 0xFFFF);
  s.log_file = utf8(block.log_file_name());
  s.log_file_mode = p.log_file_mode;
  s.buffer_size_kb = p.buffer_size;
  s.buffers = p.number_of_buffers;
  s.buffers_written = p.buffers_written;
  s.events_lost = p.events_lost;
  s.log_buffers_lost = p.log_buffers_lost;
  s.real_time_buffers_lost = p.real_time_buffers_lost;
  return s;
}

// "1 ms", "0.125 ms": an interval of 100 ns units as people read it.
std::string milliseconds_text(std::uint32_t interval) {
  std::string text = std::to_string(interval / 10000);
  if (std::uint32_t rest = interval % 10000; rest != 0) {
    std::string fraction = std::to_string(rest);
    fraction.insert(0, 4 - fraction.size(), '0');
    while (fraction.back() == '0') fraction.pop_back();
    text += '.' + fraction;
  }
  return text + " ms";
}

// What a person can do about a failed TraceSetInformation.
error setting_failure(const std::string& doing, std::uint32_t status) {
  std::string text = doing + ": ";
  switch (status) {
    case win32::access_denied:
      text += "access denied: needs an Administrator prompt";
      break;
    case win32::privilege_not_held:
      text += "needs the SeSystemProfilePrivilege privilege (an Administrator prompt has it)";
      break;
    case win32::not_supported:
      text += "not supported by this version of Windows";
      break;
    default:
      text += "Windows refused it (Win32 error " + std::to_string(status) + ")";
      break;
  }
  return error{text, 0};
}

// TraceSetInformation after StartTrace: the kernel events to walk stacks for, and the
// machine's profile interval (§6.1, §6.2).
result<void> configure(etw_api& etw, trace_handle handle, const std::string& name,
                       const session_options& o) {
  if (!o.stack_events.empty()) {
    const std::span<const classic_event_id> ids(o.stack_events);
    const std::uint32_t status =
        etw.set_information(handle, trace_info_class::stack_tracing, std::as_bytes(ids));
    if (status != win32::success) {
      return setting_failure("collecting kernel stacks in session " + name, status);
    }
  }
  if (o.profile_interval) {
    const trace_profile_interval interval{0, *o.profile_interval};
    // System-wide: handle 0, not the session's.
    const std::uint32_t status = etw.set_information(0, trace_info_class::sampled_profile_interval,
                                                     std::as_bytes(std::span(&interval, 1)));
    if (status != win32::success) {
      return setting_failure(
          "setting the CPU sampling interval to " + milliseconds_text(*o.profile_interval), status);
    }
  }
  return {};
}

// The options TraceSetInformation would refuse, refused before anything starts.
result<void> check_settings(const session_options& o) {
  if (!o.stack_events.empty() && o.kernel_flags == 0) {
    return error{"kernel stacks need kernel event groups (kernel flags) in the session", 0};
  }
  if (o.stack_events.size() > max_stack_events) {
    return error{"kernel stacks can be collected for at most 256 event types, not " +
                     std::to_string(o.stack_events.size()),
                 0};
  }
  if (o.profile_interval) {
    if ((o.kernel_flags & profile_flag) == 0) {
      return error{"a CPU sampling interval needs the Profile kernel group (flag 0x01000000)", 0};
    }
    if (*o.profile_interval == 0) return error{"a CPU sampling interval of 0", 0};
  }
  return {};
}

template <class T>
void append_bytes(std::vector<std::byte>& out, const T& value) {
  const auto* p = reinterpret_cast<const std::byte*>(&value);
  out.insert(out.end(), p, p + sizeof value);
}

// EnableTraceEx2 for one provider, with the filters its options ask for (§5.3).
result<void> enable(etw_api& etw, trace_handle handle, const std::string& session_name,
                    const provider_options& o) {
  const provider::provider& p = o.provider;
  std::vector<std::byte> ids, pids, exe;
  std::vector<event_filter_descriptor> filters;
  auto add = [&filters](const std::vector<std::byte>& data, std::uint32_t type) {
    filters.push_back(event_filter_descriptor{reinterpret_cast<std::uintptr_t>(data.data()),
                                              static_cast<std::uint32_t>(data.size()), type});
  };
  if (!p.event_ids.empty()) {
    // EVENT_FILTER_EVENT_ID: FilterIn, Reserved, Count, then Count USHORTs.
    ids.push_back(std::byte{p.exclude_event_ids ? std::uint8_t{0} : std::uint8_t{1}});
    ids.push_back(std::byte{0});
    append_bytes(ids, static_cast<std::uint16_t>(p.event_ids.size()));
    for (std::uint16_t id : p.event_ids) append_bytes(ids, id);
    add(ids, filter_type::event_id);
  }
  if (!o.process_ids.empty()) {
    if (o.process_ids.size() > max_filter_pids) {
      return error{"a provider's process filter takes at most 8 process IDs", 0};
    }
    for (std::uint32_t pid : o.process_ids) append_bytes(pids, pid);
    add(pids, filter_type::pid);
  }
  if (!o.executable.empty()) {
    for (char16_t c : utf8_to_utf16(o.executable)) append_bytes(exe, c);
    append_bytes(exe, char16_t{0});
    if (exe.size() > max_filter_data_bytes) {
      return error{"the executable-name filter is longer than ETW's 1024 bytes", 0};
    }
    add(exe, filter_type::executable_name);
  }
  enable_parameters parameters;
  if (o.stack_trace) parameters.enable_property |= enable_property::stack_trace;
  if (o.sid) parameters.enable_property |= enable_property::sid;
  if (o.terminal_session_id) parameters.enable_property |= enable_property::ts_id;
  if (o.process_start_key) parameters.enable_property |= enable_property::process_start_key;
  parameters.filters = filters.empty() ? nullptr : filters.data();
  parameters.filter_count = static_cast<std::uint32_t>(filters.size());
  const std::uint32_t status =
      etw.enable_trace(handle, p.id, enable_code::enable, p.level, p.match_any_keyword,
                       p.match_all_keyword, 0, &parameters);
  if (status != win32::success) {
    const std::string what = p.name.empty() ? p.id.to_string() : p.name;
    if (status == win32::no_system_resources) {  // §5.1: for EnableTraceEx2, not the session table
      return error{"enabling " + what + " in " + session_name +
                       ": 8 sessions have it enabled "
                       "already, ETW's limit; `etwcat sessions` lists them",
                   0};
    }
    return failure("enabling " + what + " in", session_name, status);
  }
  return {};
}

// The kernel flags that whole system-provider groups cover (docs/etw-api.md §4.4).
std::uint32_t system_provider_flags(std::uint32_t kernel_flags) {
  std::uint32_t covered = 0;
  for (const auto& group : provider::system_providers()) {
    if ((kernel_flags & group.kernel_flags) == group.kernel_flags) covered |= group.kernel_flags;
  }
  return covered;
}

// The system providers, with their keywords, that stand for those flags: one EnableTraceEx2
// each (groups of one provider share it: Process, Thread and ImageLoad are SystemProcess).
std::vector<provider_options> system_provider_enables(std::uint32_t kernel_flags) {
  std::vector<provider_options> enables;
  for (const auto& group : provider::system_providers()) {
    if ((kernel_flags & group.kernel_flags) != group.kernel_flags) continue;
    auto same = std::find_if(enables.begin(), enables.end(), [&](const provider_options& e) {
      return e.provider.id == group.system_provider_guid;
    });
    if (same == enables.end()) {
      provider_options e;
      e.provider.name = "the system provider of " + std::string(group.name);
      e.provider.id = group.system_provider_guid;
      e.provider.match_any_keyword = 0;
      same = enables.insert(enables.end(), e);
    }
    same->provider.match_any_keyword |= group.keywords;
  }
  return enables;
}

}  // namespace

bool live_tracing_supported() noexcept { return system_etw() != nullptr; }

std::vector<classic_event_id> kernel_stack_events(std::uint32_t kernel_flags) {
  std::vector<classic_event_id> ids;
  for (const stack_rule& rule : stack_rules) {
    if ((kernel_flags & rule.flags) == 0) continue;
    classic_event_id id;
    id.event_class = etl::kernel_group_guid(rule.group, rule.type);
    id.type = rule.type;
    ids.push_back(id);
  }
  return ids;
}

std::string session_name(const session_options& options) {
  if (options.kernel_flags != 0 && !options.system_logger) return utf8(kernel_logger_name);
  if (!options.name.empty()) return options.name;
#ifdef _WIN32
  return "etwcat-" + std::to_string(GetCurrentProcessId());
#else
  return "etwcat-" + std::to_string(getpid());
#endif
}

result<session> session::start(etw_api& etw, const session_options& o) {
  if (auto checked = check_settings(o); !checked) return checked.failure();
  const bool kernel_logger = o.kernel_flags != 0 && !o.system_logger;
  const std::string name = session_name(o);
  properties_block block(utf8_to_utf16(o.log_file));
  trace_properties& p = block.get();
  p.buffer_size = o.buffer_size_kb;
  p.minimum_buffers = o.minimum_buffers;
  p.maximum_buffers = o.maximum_buffers;
  p.flush_timer = o.flush_timer_seconds;
  p.wnode.client_context = static_cast<std::uint32_t>(o.clock);
  std::uint32_t mode = o.real_time ? log_file_mode::real_time : 0;
  if (!o.log_file.empty()) {
    switch (o.mode) {
      case file_mode::sequential:
        mode |= log_file_mode::file_sequential;
        break;
      case file_mode::circular:
        mode |= log_file_mode::file_circular;
        break;
      case file_mode::new_file:
        mode |= log_file_mode::file_new_file;
        break;
    }
    p.maximum_file_size = o.maximum_file_size_mb;
  }
  if (kernel_logger) {
    p.wnode.session_guid = system_trace_control_guid;
    p.enable_flags = o.kernel_flags;
  } else {
    // An EventWrite failure in another session must not lose this session's events (§3.2).
    mode |= log_file_mode::independent_session;
    if (o.system_logger) {
      mode |= log_file_mode::system_logger;
      // Windows 11: the groups that have a system provider are enabled as providers below;
      // the flags no system provider covers stay EnableFlags, which every Windows takes.
      p.enable_flags = etw.has_system_providers()
                           ? o.kernel_flags & ~system_provider_flags(o.kernel_flags)
                           : o.kernel_flags;
    }
  }
  p.log_file_mode = mode;

  trace_handle handle = 0;
  const std::uint32_t status = etw.start_trace(handle, utf8_to_utf16(name), p);
  if (status != win32::success) return failure("starting session", name, status);
  session started;
  started.etw_ = &etw;
  started.name_ = name;
  started.handle_ = handle;
  if (auto configured = configure(etw, handle, name, o); !configured) {
    (void)started.stop();
    return configured.failure();
  }
  if (o.system_logger && etw.has_system_providers()) {
    for (const provider_options& group : system_provider_enables(o.kernel_flags)) {
      if (auto enabled = enable(etw, handle, name, group); !enabled) {
        (void)started.stop();
        return enabled.failure();
      }
    }
  }
  for (const provider_options& provider : o.providers) {
    if (auto enabled = enable(etw, handle, name, provider); !enabled) {
      (void)started.stop();
      return enabled.failure();
    }
  }
  return started;
}

result<session_statistics> session::stop_by_name(etw_api& etw, const std::string& name) {
  properties_block block = properties_block::for_query();
  const std::uint32_t status =
      etw.control_trace(0, utf8_to_utf16(name), block.get(), control_code::stop);
  // more_data: stopped all the same, the names did not fit (§4.2).
  if (status != win32::success && status != win32::more_data) {
    return failure("stopping session", name, status);
  }
  session_statistics s = statistics_of(block);
  if (s.name.empty()) s.name = name;
  return s;
}

result<std::vector<session_statistics>> session::list(etw_api& etw) {
  std::vector<properties_block> blocks(64, properties_block::for_query());
  std::uint32_t count = 0;
  std::uint32_t status = etw.query_all_traces(blocks, count);
  while (status == win32::more_data && count > blocks.size()) {
    blocks.resize(count, properties_block::for_query());
    status = etw.query_all_traces(blocks, count);
  }
  if (status != win32::success) return failure("listing", "the sessions", status);
  std::vector<session_statistics> sessions;
  for (std::size_t i = 0; i < count && i < blocks.size(); ++i) {
    sessions.push_back(statistics_of(blocks[i]));
  }
  return sessions;
}

namespace {

// EnumerateTraceGuidsEx into `out`, grown as it asks (within reason: 16 MB).
std::uint32_t enumerate(etw_api& etw, std::uint32_t query_class, std::span<const std::byte> in,
                        std::vector<std::byte>& out, std::uint32_t& returned) {
  std::uint32_t status = etw.enumerate_trace_guids(query_class, in, out, returned);
  for (int tries = 0; (status == win32::more_data || status == win32::insufficient_buffer) &&
                      tries < 4 && returned > out.size() && returned <= (16u << 20);
       ++tries) {
    out.resize(returned);
    status = etw.enumerate_trace_guids(query_class, in, out, returned);
  }
  return status;
}

template <class T>
bool read_at(std::span<const std::byte> bytes, std::size_t at, T& value) {
  if (at > bytes.size() || bytes.size() - at < sizeof(T)) return false;
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  return true;
}

}  // namespace

result<void> session::find_providers(etw_api& etw, std::vector<session_statistics>& sessions) {
  std::vector<std::byte> ids(256 * sizeof(guid));
  std::uint32_t returned = 0;
  const std::uint32_t status = enumerate(etw, guid_query::list, {}, ids, returned);
  if (status != win32::success) return failure("listing", "the registered providers", status);
  const std::size_t count = std::min<std::size_t>(returned, ids.size()) / sizeof(guid);
  std::vector<std::byte> info(4096);
  for (std::size_t i = 0; i < count; ++i) {
    guid id;
    std::memcpy(&id, ids.data() + i * sizeof(guid), sizeof id);
    const std::span<const std::byte> in(ids.data() + i * sizeof(guid), sizeof(guid));
    if (enumerate(etw, guid_query::info, in, info, returned) != win32::success) continue;
    const std::span<const std::byte> bytes(info.data(),
                                           std::min<std::size_t>(returned, info.size()));
    trace_guid_info head{};
    if (!read_at(bytes, 0, head)) continue;
    std::size_t at = sizeof head;
    for (std::uint32_t n = 0; n < head.instance_count; ++n) {
      provider_instance_info instance{};
      if (!read_at(bytes, at, instance)) break;
      for (std::uint32_t e = 0; e < instance.enable_count; ++e) {
        trace_enable_info enabled{};
        if (!read_at(bytes, at + sizeof instance + e * sizeof enabled, enabled)) break;
        if (enabled.is_enabled == 0) continue;
        for (session_statistics& s : sessions) {
          if (s.logger_id != enabled.logger_id) continue;
          // Several processes register one provider: the session lists it once.
          const bool listed = std::any_of(s.providers.begin(), s.providers.end(),
                                          [&](const session_provider& p) { return p.id == id; });
          if (listed) continue;
          session_provider p;
          p.id = id;
          if (const auto* known = provider::find_known_provider(id)) p.name = known->name;
          p.level = enabled.level;
          p.match_any_keyword = enabled.match_any_keyword;
          p.match_all_keyword = enabled.match_all_keyword;
          p.enable_property = enabled.enable_property;
          s.providers.push_back(std::move(p));
        }
      }
      if (instance.next_offset == 0) break;
      at += instance.next_offset;
    }
  }
  return {};
}

result<session_statistics> session::stop() {
  if (handle_ == 0 || etw_ == nullptr) return session_statistics{name_};
  properties_block block = properties_block::for_query();
  const std::uint32_t status =
      etw_->control_trace(std::exchange(handle_, 0), {}, block.get(), control_code::stop);
  if (status != win32::success && status != win32::more_data) {
    return failure("stopping session", name_, status);
  }
  session_statistics s = statistics_of(block);
  if (s.name.empty()) s.name = name_;
  return s;
}

session::session(session&& other) noexcept
    : etw_(other.etw_), name_(std::move(other.name_)), handle_(std::exchange(other.handle_, 0)) {}

session& session::operator=(session&& other) noexcept {
  if (this != &other) {
    (void)stop();
    etw_ = other.etw_;
    name_ = std::move(other.name_);
    handle_ = std::exchange(other.handle_, 0);
  }
  return *this;
}

session::~session() { (void)stop(); }

}  // namespace etwcat::live
