// process_filter: keeps the events of some processes, decided in a consumer's callback before
// an event is queued. ETW itself filters by process only for manifest and TraceLogging
// providers, never for kernel events (docs/etw-api.md §5.3), so this is where a kernel session
// is narrowed to the processes a user watches.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "lib/base/guid.h"
#include "lib/live/etw_types.h"

namespace etwcat::live {

/// Whether an event belongs to one of a set of processes. An event belongs to the process that
/// logged it (EVENT_HEADER.ProcessId) and, for the kernel events about another process, to that
/// one too: Process start/end (a child's start is logged by its parent), Thread start/end (the
/// thread's owner), Image load/unload. A CPU sample (PerfInfo SampledProfile) has no process in
/// its header, only a thread in its payload: it belongs to that thread's process, which the
/// filter learns from the Thread events going past (start, end and the rundown of running
/// threads when a session starts). Other events without a process (DPCs, interrupts, samples of
/// a thread not seen yet) belong to none and are not kept.
///
///   process_filter only({1234});
///   if (!only.keeps(record)) ++filtered;  // in the EVENT_RECORD callback
class process_filter {
 public:
  explicit process_filter(std::vector<std::uint32_t> process_ids);

  /// True when `r` belongs to one of the processes. Learns thread owners from Thread events,
  /// kept or not. Allocates only for a thread it has not seen before.
  bool keeps(const event_record& r);

  const std::vector<std::uint32_t>& process_ids() const noexcept { return process_ids_; }

 private:
  bool listed(std::uint32_t process_id) const noexcept;

  std::vector<std::uint32_t> process_ids_;
  std::unordered_map<std::uint32_t, std::uint32_t> thread_owner_;  // thread id -> process id
  guid process_class_, thread_class_, image_class_, perfinfo_class_;
};

}  // namespace etwcat::live
