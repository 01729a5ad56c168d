// consumer: a real-time session read as ETW delivers it — OpenTrace, then ProcessTrace on a
// thread of its own — with each EVENT_RECORD copied, in the callback, into a bounded queue as
// the file record it stands for (record_encoder). The callback never waits on the reader: when
// the queue is full the event is dropped and counted. The reader takes records as views, the
// same views an .etl file gives. Spec: docs/etw-api.md §7.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lib/base/result.h"
#include "lib/etl/record_view.h"
#include "lib/etl/trace_clock.h"
#include "lib/live/etw_api.h"
#include "lib/live/process_filter.h"

namespace etwcat::live {

/// What a consumer saw of loss, beside what the session's statistics say.
struct consumer_counts {
  std::uint64_t delivered = 0;            // events ETW delivered, lost-event notices excluded
  std::uint64_t filtered = 0;             // of other processes (consumer_options::process_ids)
  std::uint64_t dropped = 0;              // not taken into the full queue
  std::uint64_t too_large = 0;            // over a record's 64 KB, or not readable again
  std::uint64_t lost_event_notices = 0;   // RTLostEvent records ETW injected (one or more each)
  std::uint64_t lost_buffer_notices = 0;  // RTLostBuffer / RTLostFile records
};

/// How a consumer takes events in.
struct consumer_options {
  std::size_t queue_bytes = std::size_t{16} << 20;  // the ring (16 MB); 128 KB at least
  /// Only events of these processes are queued (process_filter); the rest are counted as
  /// `filtered`. Empty: every event.
  std::vector<std::uint32_t> process_ids;
};

class consumer {
 public:
  static constexpr std::size_t default_queue_bytes = std::size_t{16} << 20;

  /// Opens the real-time session `session_name` and starts processing it.
  static result<std::unique_ptr<consumer>> open(etw_api& etw, const std::string& session_name,
                                                std::size_t queue_bytes = default_queue_bytes);
  static result<std::unique_ptr<consumer>> open(etw_api& etw, const std::string& session_name,
                                                const consumer_options& options);
  ~consumer();
  consumer(const consumer&) = delete;
  consumer& operator=(const consumer&) = delete;

  enum class wait_result : std::uint8_t { record, timeout, ended };
  /// The next record, waiting up to `timeout`. `out` stays valid until the next call; `ended`
  /// once processing has ended and every queued record was taken.
  wait_result next(etl::record_view& out, std::chrono::milliseconds timeout);

  /// Ends processing (CloseTrace): what ETW has queued is still delivered, then next() ends.
  void close();
  /// Closes, and waits until ProcessTrace has returned: counts() are final then. The records
  /// still queued stay readable with next(). Not to be called while next() waits elsewhere.
  void finish();
  /// finish(), giving ProcessTrace at most `limit` to return. False when it did not: its thread
  /// is then left running, and this consumer (the callback's context) must outlive it — the
  /// caller leaks it, as a process about to end can.
  bool finish_within(std::chrono::milliseconds limit);

  consumer_counts counts() const;
  /// ProcessTrace's result, once it has returned (0 until then).
  std::uint32_t status() const;

 private:
  consumer(etw_api& etw, const consumer_options& options);
  static void on_event(const event_record& record, void* self);
  void take(const event_record& record);
  void release_taken();  // frees the record last returned by next()

  etw_api& etw_;
  trace_handle handle_ = 0;
  std::thread processor_;
  std::optional<process_filter> filter_;  // used by the processing thread only

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::byte> ring_;
  std::size_t head_ = 0, tail_ = 0, used_ = 0;  // bytes; used_ counts wrap padding too
  std::size_t taken_ = 0;                       // bytes of the entry next() returned last
  bool ended_ = false;
  bool closed_ = false;
  std::uint32_t status_ = 0;
  consumer_counts counts_;
};

/// A consumer as a trace::record_source: the pipeline's loop over a live session. It ends when
/// processing ends or `stop()` says so (checked at least every `poll`).
template <class Stop>
class live_source {
 public:
  live_source(consumer& events, Stop stop,
              std::chrono::milliseconds poll = std::chrono::milliseconds(100))
      : events_(events), stop_(std::move(stop)), poll_(poll) {}

  bool next(etl::record_view& out) {
    for (;;) {
      if (stop_()) return false;
      switch (events_.next(out, poll_)) {
        case consumer::wait_result::record:
          return true;
        case consumer::wait_result::ended:
          return false;
        case consumer::wait_result::timeout:
          break;
      }
    }
  }
  /// Live timestamps arrive as FILETIMEs.
  const etl::trace_clock& current_clock() const noexcept { return clock_; }
  std::uint16_t current_source() const noexcept { return 0; }

 private:
  consumer& events_;
  Stop stop_;
  std::chrono::milliseconds poll_;
  etl::trace_clock clock_;
};

}  // namespace etwcat::live
