// The simulated ETW: docs/etw-api.md §3.6 (StartTrace checks, in the order Geoff Chappell
// describes: name, lengths and offsets, mode, kernel, rights, uniqueness, limits), §4.2
// (ControlTrace), §5 (EnableTraceEx2 and its filters), §6 (TraceSetInformation: stack tracing,
// profile interval), §7 (OpenTrace, ProcessTrace, CloseTrace). Events come from a real capture
// through delivered_record.
#include "tests/support/simulated_etw.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "lib/etl/kernel_groups.h"
#include "lib/etl/merged_reader.h"
#include "lib/provider/system_providers.h"
#include "tests/support/delivered_record.h"

namespace etwcat::testing {
namespace {

namespace w = live::win32;
namespace mode = live::log_file_mode;

constexpr std::u16string_view kernel_logger_name = u"NT Kernel Logger";
constexpr guid system_trace_control_guid{
    0x9e814aad, 0x3204, 0x11d2, {0x9a, 0x82, 0x00, 0x60, 0x08, 0xa8, 0x69, 0x39}};
constexpr std::size_t max_name = 1024;
constexpr std::size_t max_system_loggers = 8;
constexpr std::size_t max_sessions_per_provider = 8;

char16_t fold(char16_t c) { return c >= u'a' && c <= u'z' ? c - u'a' + u'A' : c; }

bool same_name(std::u16string_view a, std::u16string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char16_t x, char16_t y) { return fold(x) == fold(y); });
}

std::byte* block_of(live::trace_properties& p) { return reinterpret_cast<std::byte*>(&p); }

std::u16string read_name(live::trace_properties& p, std::uint32_t offset) {
  std::u16string text;
  if (offset == 0) return text;
  for (std::size_t at = offset; at + 1 < p.wnode.buffer_size; at += 2) {
    char16_t c = 0;
    std::memcpy(&c, block_of(p) + at, 2);
    if (c == 0) break;
    text.push_back(c);
  }
  return text;
}

// Writes a name at `offset` if the block has room for it and its NUL.
bool write_name(live::trace_properties& p, std::uint32_t offset, std::u16string_view name) {
  if (offset == 0) return true;
  if (offset + (name.size() + 1) * 2 > p.wnode.buffer_size) return false;
  std::memcpy(block_of(p) + offset, name.data(), name.size() * 2);
  std::memset(block_of(p) + offset + name.size() * 2, 0, 2);
  return true;
}

// The kernel flag that selects a classic kernel event (group, type) in an NT Kernel Logger or
// system-logger session [U: the type-level split follows the flag table of §4.3].
std::uint32_t kernel_flag_of(std::uint8_t group, std::uint8_t type) {
  namespace g = etl::kernel_group;
  switch (group) {
    case g::process:
      return type == 10 ? 0x4 : 0x1;  // image loads logged in the Process group
    case g::thread:
      return type == 36 ? 0x10 : type == 50 ? 0x800 : 0x2;
    case g::image:
      return 0x4;
    case g::io:
      return (type == 12 || type == 13 || type == 15) ? 0x400 : 0x100;
    case g::file:
      // Names and rundown: DISK_FILE_IO; the requests (Create … DirNotify): FILE_IO_INIT; their
      // completion (OperationEnd, 76): FILE_IO — as the EVENT_TRACE_PROPERTIES page lists them.
      if (type == 0 || type == 32 || type == 35 || type == 36) return 0x200;
      return type == 76 ? 0x02000000 : (type >= 64 && type <= 77) ? 0x04000000 : 0x02000000;
    case g::tcpip:
    case g::udpip:
      return 0x10000;
    case g::registry:
      return 0x20000;
    case g::memory:
      return type == 32 ? 0x2000 : (type == 98 || type == 99) ? 0x4000 : 0x1000;
    case g::perfinfo:
      return type == 46 ? 0x01000000 : (type == 51 || type == 52) ? 0x80 : type == 67 ? 0x40 : 0x20;
    case 0x1A:  // ALPC
      return 0x100000;
    case 0x1B:  // SplitIo
      return 0x200000;
    default:
      return 0;  // header, SystemConfig, StackWalk and the rest: see selects()
  }
}

// The kernel events a consumer was given last, so that a StackWalk record can be matched to
// the event it belongs to: same raw timestamp (its EventTimeStamp) and thread (§6.1). In the
// corpus a stack follows its event within 3400 kernel records; 8192 leaves room.
class recent_events {
 public:
  void add(const etl::record_view& r) {
    entries_[next_++ % entries_.size()] = {r.timestamp(),
                                           r.has_thread_and_process() ? r.thread_id() : live::no_id,
                                           r.provider_guid(), r.opcode()};
  }

  // Whether a StackWalk/Stack record belongs to a delivered event of a type in `wanted`.
  bool wants_stack(const etl::record_view& stack,
                   const std::vector<live::classic_event_id>& wanted) const {
    const auto payload = stack.payload();
    if (wanted.empty() || payload.size() < 16) return false;
    std::uint64_t timestamp = 0;
    std::uint32_t thread = 0;
    std::memcpy(&timestamp, payload.data(), 8);
    std::memcpy(&thread, payload.data() + 12, 4);
    const std::size_t known = std::min(next_, entries_.size());
    for (std::size_t back = 1; back <= known; ++back) {
      const entry& e = entries_[(next_ - back) % entries_.size()];
      // Events without ids (PERFINFO: samples) match on the timestamp alone.
      if (e.timestamp != timestamp || (e.thread != thread && e.thread != live::no_id)) continue;
      live::classic_event_id id;
      id.event_class = e.event_class;
      id.type = e.type;
      return std::find(wanted.begin(), wanted.end(), id) != wanted.end();
    }
    return false;
  }

 private:
  struct entry {
    std::uint64_t timestamp = 0;
    std::uint32_t thread = 0;
    guid event_class;
    std::uint8_t type = 0;
  };
  std::vector<entry> entries_ = std::vector<entry>(8192);
  std::size_t next_ = 0;
};

constexpr std::uint8_t stack_walk_stack = 32;  // StackWalk type of a stack (§6.1)

bool is_stack_walk(const etl::record_view& r) {
  return etl::is_kernel_kind(r.kind()) && r.group() == etl::kernel_group::stackwalk;
}

// Whether an event of this (level, keyword) passes a provider's enable (§5.1).
bool level_and_keywords_pass(const simulated_etw::enabled_provider& p, std::uint8_t level,
                             std::uint64_t keyword) {
  const bool level_ok = p.level == 0 || level <= p.level;
  const std::uint64_t any = p.match_any == 0 ? ~std::uint64_t{0} : p.match_any;
  const bool keyword_ok =
      keyword == 0 || ((keyword & any) != 0 && (keyword & p.match_all) == p.match_all);
  return level_ok && keyword_ok;
}

}  // namespace

simulated_etw::simulated_etw() : simulated_etw(machine{}) {}
simulated_etw::simulated_etw(machine m) : machine_(m) {}
simulated_etw::~simulated_etw() = default;

void simulated_etw::feed(std::filesystem::path capture, std::chrono::microseconds pace) {
  std::lock_guard lock(mutex_);
  capture_ = std::move(capture);
  pace_ = pace;
}

std::vector<std::u16string> simulated_etw::running() const {
  std::lock_guard lock(mutex_);
  std::vector<std::u16string> names;
  for (const auto& s : sessions_) names.push_back(s->name);
  return names;
}

std::optional<live::trace_properties> simulated_etw::properties(std::u16string_view name) const {
  std::lock_guard lock(mutex_);
  if (auto s = find(name, 0)) return s->properties;
  return std::nullopt;
}

std::optional<simulated_etw::enabled_provider> simulated_etw::enabled(std::u16string_view session,
                                                                      const guid& provider) const {
  std::lock_guard lock(mutex_);
  auto s = find(session, 0);
  if (!s) return std::nullopt;
  auto it = s->providers.find(provider);
  if (it == s->providers.end()) return std::nullopt;
  return it->second;
}

std::uint64_t simulated_etw::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

bool simulated_etw::wait_for_replay(std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [this] {
    return !consumers_.empty() && std::all_of(consumers_.begin(), consumers_.end(),
                                              [](const auto& c) { return c->replayed; });
  });
}

std::vector<simulated_etw::information_call> simulated_etw::information_calls() const {
  std::lock_guard lock(mutex_);
  return information_calls_;
}

std::vector<live::classic_event_id> simulated_etw::stack_events(std::u16string_view session) const {
  std::lock_guard lock(mutex_);
  auto s = find(session, 0);
  return s ? s->stack_events : std::vector<live::classic_event_id>{};
}

std::uint32_t simulated_etw::profile_interval() const {
  std::lock_guard lock(mutex_);
  return profile_interval_;
}

std::shared_ptr<simulated_etw::session_state> simulated_etw::find(std::u16string_view name,
                                                                  live::trace_handle handle) const {
  for (const auto& s : sessions_) {
    if (!name.empty() ? same_name(s->name, name) : s->handle == handle) return s;
  }
  return nullptr;
}

void simulated_etw::write_back(const session_state& s, live::trace_properties& p) const {
  const std::uint32_t size = p.wnode.buffer_size;
  const std::uint32_t name_at = p.logger_name_offset;
  const std::uint32_t file_at = p.log_file_name_offset;
  p = s.properties;
  p.wnode.buffer_size = size;
  p.logger_name_offset = name_at;
  p.log_file_name_offset = file_at;
  p.wnode.historical_context = s.handle;
  p.number_of_buffers = s.properties.minimum_buffers;
  p.free_buffers = 0;
  p.events_lost = events_lost_;
  p.real_time_buffers_lost = real_time_buffers_lost_;
  p.buffers_written = s.log_file.empty() ? 0 : static_cast<std::uint32_t>(s.delivered / 100 + 1);
  write_name(p, name_at, s.name);
  write_name(p, file_at, s.log_file);
}

std::uint32_t simulated_etw::start_trace(live::trace_handle& handle, std::u16string_view name,
                                         live::trace_properties& p) {
  handle = 0;
  if (name.empty() || name.size() > max_name) return w::invalid_name;
  if (p.wnode.buffer_size < sizeof(live::trace_properties)) return w::bad_length;
  for (std::uint32_t offset : {p.logger_name_offset, p.log_file_name_offset}) {
    if (offset != 0 && (offset < sizeof(live::trace_properties) || offset >= p.wnode.buffer_size)) {
      return w::invalid_parameter;
    }
  }
  if (p.logger_name_offset != 0 &&
      p.logger_name_offset + (name.size() + 1) * 2 > p.wnode.buffer_size) {
    return w::bad_length;
  }
  if ((p.wnode.flags & live::wnode_flag::traced_guid) == 0) return w::invalid_parameter;  // [U]
  const std::u16string log_file = read_name(p, p.log_file_name_offset);
  const std::uint32_t m = p.log_file_mode;
  if ((m & mode::file_circular) && (m & (mode::file_append | mode::file_new_file))) {
    return w::invalid_parameter;
  }
  if ((m & (mode::file_circular | mode::file_new_file)) && p.maximum_file_size == 0) {
    return w::invalid_parameter;
  }
  if ((m & mode::real_time) && (m & mode::private_logger)) return w::invalid_parameter;
  if ((m & mode::file_new_file) && std::count(log_file.begin(), log_file.end(), u'%') != 1) {
    return w::invalid_name;
  }
  if (!(m & (mode::real_time | mode::buffering)) && log_file.empty()) return w::bad_pathname;
  const bool kernel_name = same_name(name, kernel_logger_name);
  if (p.wnode.session_guid == system_trace_control_guid && !kernel_name) {
    return w::invalid_parameter;
  }
  if (!machine_.elevated) return w::access_denied;

  std::lock_guard lock(mutex_);
  if (find(name, 0)) return w::already_exists;
  for (const auto& s : sessions_) {
    if (p.wnode.session_guid != guid{} &&
        s->properties.wnode.session_guid == p.wnode.session_guid) {
      return w::already_exists;
    }
    if (!log_file.empty() && same_name(s->log_file, log_file)) return w::bad_pathname;
  }
  const bool system = kernel_name || (m & mode::system_logger);
  const auto system_count = std::count_if(sessions_.begin(), sessions_.end(), [](const auto& s) {
    return s->kernel_logger || s->system_logger;
  });
  if (sessions_.size() >= machine_.max_sessions ||
      (system && static_cast<std::size_t>(system_count) >= max_system_loggers)) {
    return w::no_system_resources;
  }
  auto s = std::make_shared<session_state>();
  s->name = std::u16string(name);
  s->handle = next_handle_++;
  s->kernel_logger = kernel_name;
  s->system_logger = (m & mode::system_logger) != 0;
  s->log_file = log_file;
  // What ETW makes of the request (§3.5): at least 2 buffers a processor, 1 s real-time flush.
  p.minimum_buffers = std::max(p.minimum_buffers, 2 * machine_.processors);
  p.maximum_buffers = std::max(p.maximum_buffers, p.minimum_buffers);
  if ((m & mode::real_time) && p.flush_timer == 0) p.flush_timer = 1;
  if (kernel_name) p.wnode.session_guid = system_trace_control_guid;
  p.wnode.historical_context = s->handle;
  write_name(p, p.logger_name_offset, name);
  s->properties = p;
  sessions_.push_back(s);
  handle = s->handle;
  return w::success;
}

std::uint32_t simulated_etw::control_trace(live::trace_handle handle, std::u16string_view name,
                                           live::trace_properties& p, std::uint32_t code) {
  if (name.empty() && handle == 0) return w::invalid_parameter;
  if (p.wnode.buffer_size < sizeof(live::trace_properties)) return w::bad_length;
  if (!machine_.elevated) return w::access_denied;
  std::lock_guard lock(mutex_);
  auto s = find(name, handle);
  if (!s) return w::wmi_instance_not_found;
  write_back(*s, p);
  if (code == live::control_code::stop) {
    s->stopped = true;
    sessions_.erase(std::find(sessions_.begin(), sessions_.end(), s));
    changed_.notify_all();
  }
  return w::success;
}

std::uint32_t simulated_etw::enable_trace(live::trace_handle session, const guid& provider,
                                          std::uint32_t code, std::uint8_t level,
                                          std::uint64_t match_any, std::uint64_t match_all,
                                          std::uint32_t,
                                          const live::enable_parameters* parameters) {
  if (session == 0) return w::invalid_parameter;
  std::lock_guard lock(mutex_);
  auto s = find({}, session);
  if (!s) return w::invalid_parameter;  // [U] the code for an unknown session is not documented
  if (code == live::enable_code::disable) {
    s->providers.erase(provider);
    return w::success;
  }
  if (code != live::enable_code::enable) return w::success;  // capture state: nothing to add
  const auto sessions_with = std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& x) {
    return x != s && x->providers.count(provider) != 0;
  });
  if (static_cast<std::size_t>(sessions_with) >= max_sessions_per_provider) {
    return w::no_system_resources;
  }
  enabled_provider e;
  e.level = level;
  e.match_any = match_any;
  e.match_all = match_all;
  if (parameters != nullptr) {
    if (parameters->version != 2) return w::invalid_parameter;
    e.enable_property = parameters->enable_property;
    for (std::uint32_t i = 0; i < parameters->filter_count; ++i) {
      const live::event_filter_descriptor& f = parameters->filters[i];
      const auto* data = reinterpret_cast<const std::byte*>(static_cast<std::uintptr_t>(f.ptr));
      if (f.type == live::filter_type::event_id) {
        std::uint16_t count = 0;
        if (f.size < 4) return w::invalid_parameter;
        std::memcpy(&count, data + 2, 2);
        if (count > 64 || f.size < 4 + 2u * count) return w::invalid_parameter;
        e.ids_in = data[0] != std::byte{0};
        e.event_ids.resize(count);
        std::memcpy(e.event_ids.data(), data + 4, 2u * count);
      } else if (f.type == live::filter_type::pid) {
        if (f.size % 4 != 0 || f.size / 4 > 8 || f.size == 0) return w::invalid_parameter;
        e.process_ids.resize(f.size / 4);
        std::memcpy(e.process_ids.data(), data, f.size);
      } else if (f.type == live::filter_type::executable_name) {
        if (f.size > 1024 || f.size % 2 != 0) return w::invalid_parameter;
        e.executables.resize(f.size / 2);
        std::memcpy(e.executables.data(), data, f.size);
        while (!e.executables.empty() && e.executables.back() == 0) e.executables.pop_back();
      }
    }
  }
  s->providers[provider] = std::move(e);  // a second enable replaces level, keywords, filters
  return w::success;
}

std::uint32_t simulated_etw::set_information(live::trace_handle session,
                                             std::uint32_t information_class,
                                             std::span<const std::byte> data) {
  std::lock_guard lock(mutex_);
  const std::uint32_t status = set_information_locked(session, information_class, data);
  information_calls_.push_back(
      {session, information_class, std::vector<std::byte>(data.begin(), data.end()), status});
  return status;
}

std::uint32_t simulated_etw::set_information_locked(live::trace_handle session,
                                                    std::uint32_t information_class,
                                                    std::span<const std::byte> data) {
  if (!machine_.elevated) return w::access_denied;
  if (information_class == live::trace_info_class::stack_tracing) {
    // A running session's handle; CLASSIC_EVENT_IDs of 24 bytes, at most 256; each call
    // replaces the list, an empty one ends stack walking (§6.1).
    auto s = find({}, session);
    if (!s) return w::invalid_parameter;  // [U] the code for a bad handle is not documented
    if (data.size() % sizeof(live::classic_event_id) != 0) return w::bad_length;
    const std::size_t count = data.size() / sizeof(live::classic_event_id);
    if (count > live::max_stack_events) return w::invalid_parameter;  // [U]
    // Kernel stacks exist only where kernel events do [U: the code is a guess].
    if (!s->kernel_logger && !s->system_logger) return w::not_supported;
    s->stack_events.resize(count);
    if (count != 0) std::memcpy(s->stack_events.data(), data.data(), data.size());
    return w::success;
  }
  if (information_class == live::trace_info_class::sampled_profile_interval) {
    // TRACE_PROFILE_INTERVAL, machine-wide: session handle 0 (§6.2).
    if (session != 0) return w::invalid_parameter;  // [U] the SDK says 0, not what else does
    if (data.size() != sizeof(live::trace_profile_interval)) return w::bad_length;
    if (!machine_.profile_privilege) return w::privilege_not_held;  // [U] the code is a guess
    live::trace_profile_interval interval;
    std::memcpy(&interval, data.data(), sizeof interval);
    if (interval.source == 0) profile_interval_ = interval.interval;
    return w::success;
  }
  return w::not_supported;  // [U] the other classes are not simulated
}

std::uint32_t simulated_etw::query_all_traces(std::span<live::properties_block> blocks,
                                              std::uint32_t& count) {
  if (blocks.empty()) return w::invalid_parameter;
  std::lock_guard lock(mutex_);
  count = static_cast<std::uint32_t>(sessions_.size());
  for (std::size_t i = 0; i < sessions_.size() && i < blocks.size(); ++i) {
    write_back(*sessions_[i], blocks[i].get());
  }
  return sessions_.size() > blocks.size() ? w::more_data : w::success;
}

live::trace_handle simulated_etw::open_trace(const live::trace_source& source,
                                             std::uint32_t& status) {
  std::lock_guard lock(mutex_);
  auto s = source.logger_name.empty() ? nullptr : find(source.logger_name, 0);
  if (!s || !(s->properties.log_file_mode & mode::real_time)) {
    status = w::wmi_instance_not_found;  // [U] OpenTrace or only ProcessTrace
    return 0;
  }
  if (!machine_.elevated) {
    status = w::access_denied;
    return 0;
  }
  auto c = std::make_shared<consumer_state>();
  c->handle = next_handle_++ | 0x8000000000000000;  // processing handles: another range
  c->session = s;
  c->callback = source.callback;
  c->context = source.context;
  consumers_.push_back(c);
  status = w::success;
  return c->handle;
}

std::uint32_t simulated_etw::process_trace(live::trace_handle handle) {
  std::shared_ptr<consumer_state> c;
  std::filesystem::path capture;
  std::chrono::microseconds pace{0};
  {
    std::lock_guard lock(mutex_);
    for (const auto& x : consumers_) {
      if (x->handle == handle) c = x;
    }
    if (!c) return w::invalid_handle;
    c->processing = true;
    capture = capture_;
    pace = pace_;
  }
  session_state& s = *c->session;
  auto ended = [&] { return c->closed || s.stopped; };
  // The loss notice comes first, so a reader that stops after the capture's last event has
  // seen it. [U] Windows puts it where the loss happened.
  bool lost = false;
  {
    std::lock_guard lock(mutex_);
    lost = (events_lost_ != 0 || real_time_buffers_lost_ != 0) && !ended();
  }
  if (lost) {
    // RT_LostEvent (docs/etw-api.md §7.5): a classic header, type 32 "events lost".
    live::event_record notice{};
    notice.header.flags = etl::event_header_flag::classic_header;
    notice.header.provider_id = *guid::parse("{6A399AE0-4BC6-4DE9-870B-3657F8947E7E}");
    notice.header.descriptor.opcode = 32;
    notice.header.process_id = live::no_id;
    notice.header.thread_id = live::no_id;
    c->callback(notice, c->context);
  }
  if (!capture.empty()) {
    diagnostics diags;
    auto trace = etl::merged_reader::open(std::span(&capture, 1), diags);
    etl::record_view record;
    delivered_record delivery;
    recent_events recent;
    while (trace.next(record)) {
      bool selected = false;
      std::uint32_t enable_property = 0;
      const bool stack_walk = is_stack_walk(record);
      {
        std::lock_guard lock(mutex_);
        if (ended()) break;
        // A stack comes with an event the session asked stacks for; the stack-key events of
        // stack caching (TraceStackCachingInfo) are not simulated [U].
        selected = stack_walk ? record.opcode() == stack_walk_stack &&
                                    recent.wants_stack(record, s.stack_events)
                              : selects(s, record, enable_property);
      }
      if (!selected) continue;
      if (etl::is_kernel_kind(record.kind()) && !stack_walk) recent.add(record);
      c->callback(delivery.deliver(record, trace.current_clock(), enable_property), c->context);
      {
        std::lock_guard lock(mutex_);
        ++s.delivered;
        ++delivered_;
      }
      if (pace.count() != 0) std::this_thread::sleep_for(pace);
    }
  }
  // Real time: ProcessTrace returns when the session stops or CloseTrace is called.
  std::unique_lock lock(mutex_);
  c->replayed = true;
  changed_.notify_all();
  changed_.wait(lock, ended);
  c->processing = false;
  consumers_.erase(std::find(consumers_.begin(), consumers_.end(), c));
  return w::success;  // [U] the code after CloseTrace is not documented
}

// The registered providers are those some session enabled [U: Windows lists every provider that
// registered, enabled or not]; each is one registration (a process, PID 0 here) with one
// TRACE_ENABLE_INFO per session.
std::uint32_t simulated_etw::enumerate_trace_guids(std::uint32_t query_class,
                                                   std::span<const std::byte> in,
                                                   std::span<std::byte> out,
                                                   std::uint32_t& returned) {
  std::lock_guard lock(mutex_);
  std::vector<std::byte> answer;
  auto append = [&answer](const auto& value) {
    const auto* p = reinterpret_cast<const std::byte*>(&value);
    answer.insert(answer.end(), p, p + sizeof value);
  };
  if (query_class == live::guid_query::list) {
    std::vector<guid> ids;
    for (const auto& s : sessions_) {
      for (const auto& [id, enabled] : s->providers) {
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
    }
    for (const guid& id : ids) append(id);
  } else if (query_class == live::guid_query::info) {
    if (in.size() != sizeof(guid)) return w::invalid_parameter;
    guid id;
    std::memcpy(&id, in.data(), sizeof id);
    std::vector<live::trace_enable_info> enables;
    for (const auto& s : sessions_) {
      auto it = s->providers.find(id);
      if (it == s->providers.end()) continue;
      live::trace_enable_info e{};
      e.is_enabled = 1;
      e.level = it->second.level;
      e.logger_id = static_cast<std::uint16_t>(s->handle & 0xFFFF);
      e.enable_property = it->second.enable_property;
      e.match_any_keyword = it->second.match_any;
      e.match_all_keyword = it->second.match_all;
      enables.push_back(e);
    }
    if (enables.empty()) return w::wmi_instance_not_found;  // [U] not registered
    append(live::trace_guid_info{1, 0});
    append(live::provider_instance_info{0, static_cast<std::uint32_t>(enables.size()), 0, 0});
    for (const auto& e : enables) append(e);
  } else {
    return w::invalid_parameter;
  }
  returned = static_cast<std::uint32_t>(answer.size());
  if (answer.size() > out.size()) return w::insufficient_buffer;
  if (!answer.empty()) std::memcpy(out.data(), answer.data(), answer.size());
  return w::success;
}

void simulated_etw::simulate_loss(std::uint32_t events_lost, std::uint32_t real_time_buffers_lost) {
  std::lock_guard lock(mutex_);
  events_lost_ = events_lost;
  real_time_buffers_lost_ = real_time_buffers_lost;
}

std::uint32_t simulated_etw::close_trace(live::trace_handle handle) {
  std::lock_guard lock(mutex_);
  for (const auto& c : consumers_) {
    if (c->handle != handle) continue;
    c->closed = true;
    changed_.notify_all();
    return c->processing ? w::ctx_close_pending : w::success;
  }
  return w::invalid_handle;
}

bool simulated_etw::selects(const session_state& s, const etl::record_view& r,
                            std::uint32_t& enable_property) const {
  using k = etl::header_kind;
  enable_property = 0;
  switch (r.kind()) {
    case k::system32:
    case k::system64:
    case k::compact32:
    case k::compact64:
    case k::perfinfo32:
    case k::perfinfo64: {
      if (r.group() == etl::kernel_group::header) return true;  // the synthetic header event
      if (!s.kernel_logger && !s.system_logger) return false;
      std::uint32_t flags = s.properties.enable_flags;
      // Windows 11: a system provider enabled on a system logger turns on its groups (§4.4).
      if (s.system_logger && machine_.system_providers) {
        for (const auto& group : provider::system_providers()) {
          auto it = s.providers.find(group.system_provider_guid);
          if (it != s.providers.end() &&
              (it->second.match_any & group.keywords) == group.keywords) {
            flags |= group.kernel_flags;
          }
        }
      }
      if (r.group() == etl::kernel_group::config) return (flags & 0x10000000) == 0;
      if (r.group() == etl::kernel_group::stackwalk) return false;  // see process_trace
      const std::uint32_t flag = kernel_flag_of(r.group(), r.opcode());
      return flag != 0 && (flags & flag) != 0;
    }
    case k::event_header32:
    case k::event_header64: {
      auto it = s.providers.find(r.header_guid());
      if (it == s.providers.end()) return false;
      const enabled_provider& p = it->second;
      if (!level_and_keywords_pass(p, r.descriptor().level, r.descriptor().keyword)) return false;
      if (!p.event_ids.empty()) {
        const bool listed =
            std::find(p.event_ids.begin(), p.event_ids.end(), r.event_id()) != p.event_ids.end();
        if (listed != p.ids_in) return false;
      }
      if (!p.process_ids.empty() && std::find(p.process_ids.begin(), p.process_ids.end(),
                                              r.process_id()) == p.process_ids.end()) {
        return false;
      }
      enable_property = p.enable_property;
      return true;  // [U] executable names are not in the records: that filter passes all
    }
    default: {
      // MOF and WPP events carry a class or message GUID, not the provider's: they reach a
      // session that enabled that very GUID [U].
      auto it = s.providers.find(r.header_guid());
      return it != s.providers.end() && (it->second.level == 0 || r.level() <= it->second.level);
    }
  }
}

}  // namespace etwcat::testing
