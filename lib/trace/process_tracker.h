// process_tracker: who ran what over the time of a trace — processes (ID, image name, command
// line, start and end), the threads that belong to them and the images they loaded — learnt
// from the process, thread and image events as they stream by (kernel classic events and
// Microsoft-Windows-Kernel-Process) and from record headers. It names the process of every
// event and gives a process and thread to records whose header has none: CPU samples, disk
// I/O, stack keys, context switches, DPCs and interrupts.
//
// Records arrive in time order, so the state at an event is the state the tracker holds when
// it sees that event: a process ID reused after an exit names the newer process from its start
// on, and the older one before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/event/event.h"

namespace etwcat::trace {

/// One process, from its start (or the rundown that found it running) to its end.
struct process_info {
  std::uint32_t id = 0;
  std::uint32_t parent_id = 0;
  bool has_parent = false;
  std::string image_name;        // "svchost.exe": the file name of the image, without its folder
  std::string command_line;      // as the kernel logged it; empty when not known
  std::uint64_t start_time = 0;  // FILETIME of its start event, or 0: running when the trace began
  std::uint64_t end_time = 0;    // FILETIME of its end event, or 0: still running at the end
  std::uint64_t first_seen = 0;  // FILETIME of the first event that named it
  std::uint64_t events = 0;      // events written that belong to it (note_written)
};

/// An image mapped into a process.
struct loaded_image {
  std::uint64_t base = 0;
  std::uint64_t size = 0;
  std::string file_name;          // as logged: "\Device\HarddiskVolume2\Windows\System32\ntdll.dll"
  std::uint64_t load_time = 0;    // FILETIME; 0 when loaded before the trace began
  std::uint64_t unload_time = 0;  // FILETIME; 0 while loaded
};

class process_tracker {
 public:
  /// True when the tracker learns from `e`'s payload (a process, thread or image event, or a
  /// context switch), so its record must be decoded even when it is not printed. Decided from
  /// the header fields alone.
  static bool learns_from(const event& e) noexcept;

  /// Learns from `e` (decoded, if learns_from(e)): its header's process and thread, and what a
  /// process, thread or image event says.
  void observe(const event& e);

  /// Gives `e` its process name and, when its header has no process (or -1), the process and
  /// thread its payload names or, for a CPU's own work (DPC, interrupt), the thread that ran on
  /// that CPU; those set e.attributed. e.process_name points into this tracker.
  void attribute(event& e);

  /// Counts `e` (attributed) for its process: the per-process summary.
  void note_written(const event& e);

  /// Every process seen, in the order they appeared; a process ID used twice is two entries.
  const std::deque<process_info>& processes() const noexcept { return processes_; }
  /// The process `id` at the current point of the trace, or nullptr.
  const process_info* process(std::uint32_t id) const noexcept;
  /// The process thread `id` belongs to at the current point of the trace.
  std::optional<std::uint32_t> process_of_thread(std::uint32_t id) const noexcept;
  /// The images process `id` has loaded (loaded and unloaded ones, in load order).
  const std::vector<loaded_image>* images(std::uint32_t id) const noexcept;
  /// The image of process `id` that holds `address` now (still loaded), or nullptr.
  const loaded_image* image_at(std::uint32_t id, std::uint64_t address) const noexcept;

 private:
  process_info& current(std::uint32_t id, std::uint64_t time);
  process_info& begin_process(std::uint32_t id, std::uint64_t time);
  void learn_process(const event& e, int kind);
  void learn_thread(const event& e, bool ends);
  void learn_image(const event& e, bool unloads);
  void note_thread(std::uint32_t thread, std::uint32_t process);

  std::deque<process_info> processes_;  // stable addresses: events point at image names
  std::unordered_map<std::uint32_t, std::size_t> current_;               // process ID -> index
  std::unordered_map<std::uint32_t, std::uint32_t> threads_;             // thread ID -> process ID
  std::unordered_map<std::uint32_t, std::vector<loaded_image>> images_;  // by process ID
  std::vector<std::uint32_t> running_;  // processor -> thread that runs there (context switches)
  std::vector<bool> running_known_;
  std::uint32_t last_thread_ = 0xFFFFFFFF;  // the last header pair noted, to skip repeats
  std::uint32_t last_process_ = 0xFFFFFFFF;
};

}  // namespace etwcat::trace
