// event_handoff: the bounded queue between the thread that reads and decodes events and the
// thread that formats and writes them. Events travel in batches (one lock per batch, not per
// event) of owned copies; a fixed set of batches goes round, so memory stays flat and a reader
// faster than the writer waits instead of queueing the whole trace.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "lib/event/owned_event.h"

namespace etwcat::trace {

/// Events in delivery order; `count` of `events` are in use.
struct event_batch {
  std::vector<owned_event> events;
  std::size_t count = 0;
  std::size_t bytes = 0;  // storage the events in use hold, to close a batch of large events
};

class event_handoff {
 public:
  /// Batches of up to this many events, or fewer when they hold more than max_batch_bytes.
  static constexpr std::size_t batch_events = 64;
  static constexpr std::size_t max_batch_bytes = std::size_t{1} << 20;
  static constexpr std::size_t batch_count = 4;

  event_handoff();

  // --- the reading thread ---
  /// An empty batch to fill; nullptr once the writer has stopped.
  event_batch* take_empty();
  /// A filled batch, for the writer, in order.
  void hand_over(event_batch* batch);
  /// No more batches will come.
  void finish();

  // --- the writing thread ---
  /// The next filled batch; nullptr at the end.
  event_batch* take_full();
  /// A batch written, for reuse.
  void give_back(event_batch* batch);
  /// The writer wants no more (its output failed, or it threw): the reader stops at its next
  /// batch.
  void stop();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<event_batch>> batches_;
  std::deque<event_batch*> empty_;
  std::deque<event_batch*> full_;
  bool finished_ = false;
  bool stopped_ = false;
};

}  // namespace etwcat::trace
