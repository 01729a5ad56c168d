// owned_event: an event that owns everything it shows. An event made by the pipeline borrows:
// its payload, stack and extended items point into the record's buffer, its names into
// schemas, static tables and the process tracker. After own_views() it holds its own copies
// of all of them, so it stays valid after the reader moves on and can be read on another
// thread while the decoder and the tracker go on.
#pragma once

#include <cstddef>

#include "lib/base/text_buffer.h"
#include "lib/event/event.h"

namespace etwcat {

class owned_event {
 public:
  /// The event, to be filled in place (as trace::pipeline does), then made independent with
  /// own_views(): cheaper than copying a finished event.
  event& fill() noexcept { return event_; }
  /// Copies what the event's views point into (the record's buffer, schemas, the process
  /// tracker) into storage of its own, and points them there. Nothing is allocated once the
  /// storage has grown, except after an event much larger than usual (see trim()).
  void own_views();
  const event& get() const noexcept { return event_; }
  /// Bytes held (event, items, text, copies of the record's bytes and of names).
  std::size_t memory() const noexcept;
  /// Gives back memory beyond what a usual event needs (after a 64 KB payload, say), so that
  /// many kept events stay small whatever the trace holds.
  void trim();

 private:
  event event_;
  text_buffer storage_;  // what event_'s views point into
};

}  // namespace etwcat
