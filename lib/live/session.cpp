// Controller side of a live session, over etw_api: EVENT_TRACE_PROPERTIES (§3), StartTrace,
// EnableTraceEx2 with EVENT_ID / PID / EXECUTABLE_NAME filters (§5), ControlTrace STOP and
// QUERY, QueryAllTraces (§4).
#include "lib/live/session.h"

#include <cstring>
#include <utility>

#include "lib/base/unicode.h"

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
      text += ": access denied: needs an Administrator prompt (or the Performance Log Users group)";
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
    return failure("enabling " + what + " in", session_name, status);
  }
  return {};
}

}  // namespace

bool live_tracing_supported() noexcept { return system_etw() != nullptr; }

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
      p.enable_flags = o.kernel_flags;
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
