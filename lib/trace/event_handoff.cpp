#include "lib/trace/event_handoff.h"

namespace etwcat::trace {

event_handoff::event_handoff() {
  for (std::size_t i = 0; i < batch_count; ++i) {
    batches_.push_back(std::make_unique<event_batch>());
    batches_.back()->events.resize(batch_events);
    empty_.push_back(batches_.back().get());
  }
}

event_batch* event_handoff::take_empty() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return stopped_ || !empty_.empty(); });
  if (stopped_) return nullptr;
  event_batch* batch = empty_.front();
  empty_.pop_front();
  return batch;
}

void event_handoff::hand_over(event_batch* batch) {
  {
    std::lock_guard lock(mutex_);
    full_.push_back(batch);
  }
  changed_.notify_all();
}

void event_handoff::finish() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

event_batch* event_handoff::take_full() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return finished_ || !full_.empty(); });
  if (full_.empty()) return nullptr;  // finished, and everything taken
  event_batch* batch = full_.front();
  full_.pop_front();
  return batch;
}

void event_handoff::give_back(event_batch* batch) {
  for (std::size_t i = 0; i < batch->count; ++i) batch->events[i].trim();
  batch->count = 0;
  batch->bytes = 0;
  {
    std::lock_guard lock(mutex_);
    empty_.push_back(batch);
  }
  changed_.notify_all();
}

void event_handoff::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
}

}  // namespace etwcat::trace
