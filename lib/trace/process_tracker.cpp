#include "lib/trace/process_tracker.h"

#include <array>

#include "lib/base/guid.h"

namespace etwcat::trace {
namespace {

// The kernel's event classes (their records carry these as provider GUID) and the manifest
// provider of process events since Windows 7.
const guid& class_guid(int which) {
  static const std::array<guid, 5> ids = {
      guid::parse("{3D6FA8D0-FE05-11D0-9DDA-00C04FD7BA7C}").value(),  // Process
      guid::parse("{3D6FA8D1-FE05-11D0-9DDA-00C04FD7BA7C}").value(),  // Thread
      guid::parse("{2CB15D1D-5FC1-11D2-ABE1-00A0C911F518}").value(),  // Image
      guid::parse("{CE1DBFB4-137E-4DA6-87B0-3F59AA102CBC}").value(),  // PerfInfo
      guid::parse("{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}")
          .value(),  // Microsoft-Windows-Kernel-Process
  };
  return ids[static_cast<std::size_t>(which)];
}
enum { process_class, thread_class, image_class, perfinfo_class, kernel_process };

constexpr std::uint32_t none = 0xFFFFFFFF;

// What an event tells the tracker.
enum class kind : std::uint8_t {
  nothing,
  process_start,    // a new process
  process_rundown,  // a process running when the trace began (DCStart) or ended (DCStop)
  process_end,
  thread_start,  // also a thread rundown
  thread_end,
  image_load,  // also an image rundown
  image_unload,
  context_switch,
};

kind kind_of(const event& e) noexcept {
  if (e.is_classic) {
    const std::uint8_t type = e.classic_type;
    if (e.provider_guid == class_guid(process_class)) {
      if (type == 1) return kind::process_start;
      if (type == 3 || type == 4) return kind::process_rundown;
      if (type == 2 || type == 39) return kind::process_end;  // Stop, Defunct
    } else if (e.provider_guid == class_guid(thread_class)) {
      if (type == 1 || type == 3) return kind::thread_start;
      if (type == 2) return kind::thread_end;
      if (type == 36) return kind::context_switch;
    } else if (e.provider_guid == class_guid(image_class)) {
      if (type == 10 || type == 3) return kind::image_load;
      if (type == 2) return kind::image_unload;
      // DCStop (4) lists the images still loaded at the end: nothing new.
    }
    return kind::nothing;
  }
  if (e.has_event_id && e.provider_guid == class_guid(kernel_process)) {
    switch (e.event_id) {
      case 1:
        return kind::process_start;
      case 2:
        return kind::process_end;
      case 3:
        return kind::thread_start;
      case 4:
        return kind::thread_end;
      case 5:
        return kind::image_load;
      case 6:
        return kind::image_unload;
      case 15:
        return kind::process_rundown;
      default:
        break;
    }
  }
  return kind::nothing;
}

std::optional<std::uint32_t> id_field(const event& e, std::string_view name) noexcept {
  auto value = e.data.integer(name);
  if (!value || *value > none) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

// "\Device\HarddiskVolume2\Windows\explorer.exe" -> "explorer.exe".
std::string_view file_part(std::string_view path) noexcept {
  const std::size_t slash = path.find_last_of("\\/");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Payload members that name the process or thread an event is about, in the names the kernel's
// classes and manifests use (matched ignoring case).
constexpr std::array<std::string_view, 3> process_fields = {"ProcessId", "StackProcess", "PID"};
constexpr std::array<std::string_view, 6> thread_fields = {
    "ThreadId", "TThreadId", "IssuingThreadId", "StackThread", "NewThreadId", "TID"};

}  // namespace

bool process_tracker::learns_from(const event& e) noexcept { return kind_of(e) != kind::nothing; }

process_info& process_tracker::begin_process(std::uint32_t id, std::uint64_t time) {
  process_info& p = processes_.emplace_back();
  p.id = id;
  p.first_seen = time;
  current_[id] = processes_.size() - 1;
  return p;
}

process_info& process_tracker::current(std::uint32_t id, std::uint64_t time) {
  auto it = current_.find(id);
  if (it != current_.end()) return processes_[it->second];
  return begin_process(id, time);
}

const process_info* process_tracker::process(std::uint32_t id) const noexcept {
  auto it = current_.find(id);
  return it == current_.end() ? nullptr : &processes_[it->second];
}

std::optional<std::uint32_t> process_tracker::process_of_thread(std::uint32_t id) const noexcept {
  auto it = threads_.find(id);
  if (it == threads_.end()) return std::nullopt;
  return it->second;
}

const std::vector<loaded_image>* process_tracker::images(std::uint32_t id) const noexcept {
  auto it = images_.find(id);
  return it == images_.end() ? nullptr : &it->second;
}

const loaded_image* process_tracker::image_at(std::uint32_t id,
                                              std::uint64_t address) const noexcept {
  const auto* list = images(id);
  if (list == nullptr) return nullptr;
  // The latest load wins: an address range reused after an unload belongs to the newer image.
  for (auto it = list->rbegin(); it != list->rend(); ++it) {
    if (it->unload_time == 0 && address >= it->base && address - it->base < it->size) return &*it;
  }
  return nullptr;
}

void process_tracker::note_thread(std::uint32_t thread, std::uint32_t process) {
  if (thread == last_thread_ && process == last_process_) return;
  last_thread_ = thread;
  last_process_ = process;
  threads_[thread] = process;
}

void process_tracker::learn_process(const event& e, int how) {
  const auto pid = id_field(e, "ProcessId");
  if (!pid) return;
  const auto k = static_cast<kind>(how);
  const std::uint64_t time = e.has_time ? e.time_created : 0;
  std::string_view image = e.data.string("ImageFileName");
  if (image.empty()) image = file_part(e.data.string("ImageName"));
  const std::string_view command_line = e.data.string("CommandLine");

  process_info* p = nullptr;
  if (k == kind::process_start) {
    p = &begin_process(*pid, time);
    p->start_time = time;
  } else {
    p = &current(*pid, time);
    // A rundown or end that names another image than the process known by this ID: the ID was
    // reused while the trace did not see the start.
    if (!image.empty() && !p->image_name.empty() && p->image_name != image) {
      p = &begin_process(*pid, time);
    }
    if (k == kind::process_end && p->end_time == 0) p->end_time = time;
  }
  if (!image.empty()) p->image_name.assign(image);
  if (!command_line.empty()) p->command_line.assign(command_line);
  if (auto parent = id_field(e, "ParentId")) {
    p->parent_id = *parent;
    p->has_parent = true;
  } else if (auto parent_pid = id_field(e, "ParentProcessId")) {
    p->parent_id = *parent_pid;
    p->has_parent = true;
  }
}

void process_tracker::learn_thread(const event& e, bool ends) {
  const auto pid = id_field(e, "ProcessId");
  const auto tid = id_field(e, "ThreadId");
  if (!pid || !tid) {
    if (const auto tt = id_field(e, "TThreadId"); pid && tt) note_thread(*tt, *pid);
    return;
  }
  // An ended thread keeps its process until the ID is used again: late events (a disk I/O
  // completing for it) still belong there.
  (void)ends;
  note_thread(*tid, *pid);
}

void process_tracker::learn_image(const event& e, bool unloads) {
  const auto pid = id_field(e, "ProcessId");
  const auto base = e.data.integer("ImageBase");
  if (!pid || !base) return;
  const std::uint64_t size = e.data.integer("ImageSize").value_or(0);
  const std::uint64_t time = e.has_time ? e.time_created : 0;
  std::vector<loaded_image>& list = images_[*pid];
  if (unloads) {
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      if (it->base == *base && it->unload_time == 0) {
        it->unload_time = time;
        return;
      }
    }
    return;
  }
  std::string_view name = e.data.string("FileName");
  if (name.empty()) name = e.data.string("ImageName");
  for (const loaded_image& image : list) {
    if (image.base == *base && image.unload_time == 0 && image.file_name == name) return;
  }
  // A rundown lists what was loaded before the trace: no load time.
  const bool rundown = e.is_classic && e.classic_type == 3;
  list.push_back(loaded_image{*base, size, std::string(name), rundown ? 0 : time, 0});
}

void process_tracker::observe(const event& e) {
  if (e.has_process_and_thread && e.process_id != none && e.thread_id != none && !e.attributed) {
    note_thread(e.thread_id, e.process_id);
  }
  switch (const kind k = kind_of(e)) {
    case kind::process_start:
    case kind::process_rundown:
    case kind::process_end:
      learn_process(e, static_cast<int>(k));
      break;
    case kind::thread_start:
    case kind::thread_end:
      learn_thread(e, k == kind::thread_end);
      break;
    case kind::image_load:
    case kind::image_unload:
      learn_image(e, k == kind::image_unload);
      break;
    case kind::context_switch:
      if (auto next = id_field(e, "NewThreadId")) {
        if (running_.size() <= e.processor_id) {
          running_.resize(std::size_t{e.processor_id} + 1);
          running_known_.resize(std::size_t{e.processor_id} + 1);
        }
        running_[e.processor_id] = *next;
        running_known_[e.processor_id] = true;
      }
      break;
    case kind::nothing:
      break;
  }
}

void process_tracker::attribute(event& e) {
  const bool header_has_process = e.has_process_and_thread && e.process_id != none;
  if (!header_has_process) {
    std::optional<std::uint32_t> pid;
    std::optional<std::uint32_t> tid;
    for (std::string_view name : process_fields) {
      if ((pid = id_field(e, name))) break;
    }
    for (std::string_view name : thread_fields) {
      if ((tid = id_field(e, name))) break;
    }
    if (!pid && tid) pid = process_of_thread(*tid);
    // A CPU's own work (DPC, interrupt, system call) runs on whatever thread the CPU ran.
    if (!pid && !tid && e.is_classic && e.provider_guid == class_guid(perfinfo_class) &&
        e.processor_id < running_.size() && running_known_[e.processor_id]) {
      tid = running_[e.processor_id];
      pid = process_of_thread(*tid);
    }
    if (pid) {
      e.process_id = *pid;
      e.thread_id = tid.value_or(none);
      e.has_process_and_thread = true;
      e.attributed = true;
    }
  }
  if (e.has_process_and_thread && e.process_id != none) {
    if (const process_info* p = process(e.process_id)) e.process_name = p->image_name;
  }
}

void process_tracker::note_written(const event& e) {
  if (!e.has_process_and_thread || e.process_id == none) return;
  ++current(e.process_id, e.has_time ? e.time_created : 0).events;
}

}  // namespace etwcat::trace
