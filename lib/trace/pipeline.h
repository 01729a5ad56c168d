// pipeline: the one per-event path of every command that prints events. A record — from .etl
// files now, from a live session next — becomes an event (header fields, decoded payload, the
// provider's name) and goes to a sink. `dump` and `live` differ only in their source, so their
// output has exactly the same shape.
#pragma once

#include <concepts>
#include <cstdint>
#include <exception>
#include <string_view>
#include <thread>
#include <utility>

#include "lib/base/guid.h"
#include "lib/decode/decoder.h"
#include "lib/etl/record_view.h"
#include "lib/etl/trace_clock.h"
#include "lib/event/event.h"
#include "lib/trace/event_filter.h"
#include "lib/trace/event_handoff.h"
#include "lib/trace/process_tracker.h"

namespace etwcat::trace {

/// What one run did, for a summary and the exit code.
struct counts {
  std::uint64_t records_read = 0;     // every record, headers included
  std::uint64_t events_written = 0;   // events the sink took
  std::uint64_t events_filtered = 0;  // events the filter (or --skip) left out
  std::uint64_t decode_errors = 0;    // events whose payload did not fit its schema
};

/// A source of records in delivery order (etl::merged_reader is one):
///   bool next(etl::record_view&);            // false at the end
///   const etl::trace_clock& current_clock(); // the clock of the record last returned
///   std::uint16_t current_source();          // which input (file) it came from
template <class T>
concept record_source = requires(T& s, etl::record_view& r) {
  { s.next(r) } -> std::same_as<bool>;
  { s.current_clock() } -> std::convertible_to<const etl::trace_clock&>;
  { s.current_source() } -> std::convertible_to<std::uint16_t>;
};

/// Record -> event -> filter -> sink, reusing one event object: nothing is allocated per event
/// once the schemas in use are cached.
///
///   trace::pipeline events(decoder);
///   events.use_filter(&filter);  // optional
///   auto done = events.run(reader, [&](const event& e) { writer.write(e); return !failed; });
///
/// Every event is attributed to its process (process_tracker); records the filter drops are
/// still decoded when the tracker learns from them (process, thread and image events), and
/// only then.
class pipeline {
 public:
  explicit pipeline(decode::decoder& decoder) : decoder_(decoder) {}

  /// Whether events are decoded into EventData (the default), or keep their header fields and
  /// RawData: cheaper, no schema is looked up.
  void decode_payloads(bool on) noexcept { decode_payloads_ = on; }
  /// Which events reach the sink; `filter` must outlive the run. nullptr: all.
  void use_filter(event_filter* filter) noexcept { filter_ = filter; }
  /// Leaves out the first `skip` events that pass the filter, and ends the run after `limit`
  /// (0: no limit) have been written.
  void skip_and_limit(std::uint64_t skip, std::uint64_t limit) noexcept {
    skip_ = skip;
    limit_ = limit;
  }
  /// Whether events get their process name and, where the header has none, an attributed
  /// process and thread (the default); off, events keep what their records say.
  void attribute_processes(bool on) noexcept { attribute_ = on; }
  /// What the run learnt about processes, threads and images (for summaries).
  const process_tracker& processes() const noexcept { return tracker_; }

  /// Fills `out` from `record`: header fields, EventData, names. No filter, no attribution.
  void make_event(const etl::record_view& record, const etl::trace_clock& clock,
                  std::uint16_t source, event& out);

  /// Takes every record of `source` to `sink(const event&)`, which returns false to stop (the
  /// reader of the output went away).
  template <record_source Source, class Sink>
  counts run(Source& source, Sink&& sink) {
    counts done;
    etl::record_view record;
    while (source.next(record)) {
      ++done.records_read;
      if (!admit(record, source.current_clock(), source.current_source())) {
        ++done.events_filtered;
        continue;
      }
      if (skipped_ < skip_) {
        ++skipped_;
        ++done.events_filtered;
        continue;
      }
      const event& e = *target_;
      if (!e.decode_error.empty()) ++done.decode_errors;
      ++done.events_written;
      tracker_.note_written(e);
      if (!sink(e)) break;
      if (limit_ != 0 && done.events_written >= limit_) break;
    }
    return done;
  }

  /// As run(), on two threads: a second thread reads and decodes (run() itself) while this one
  /// calls `sink`, which formats and writes. Owned copies of the events pass between them
  /// (event_handoff), so `sink` gets the same events in the same order as from run().
  /// `beside()` is called on the reading thread after each event handed over (progress). An
  /// exception on either thread stops both and is thrown here.
  template <record_source Source, class Sink, class Beside>
  counts run_on_two_threads(Source& source, Sink&& sink, Beside&& beside) {
    event_handoff handoff;
    counts done;
    std::exception_ptr reader_failure;
    std::thread reader([&] {
      // Events are made in place in the batch's slots, then their views made independent.
      event_batch* batch = nullptr;
      auto next_slot = [&] {
        if (batch == nullptr && (batch = handoff.take_empty()) == nullptr) return false;
        target_ = &batch->events[batch->count].fill();
        return true;
      };
      try {
        if (next_slot()) {
          done = run(source, [&](const event&) {
            owned_event& slot = batch->events[batch->count++];
            slot.own_views();
            batch->bytes += slot.memory();
            if (batch->count == batch->events.size() ||
                batch->bytes >= event_handoff::max_batch_bytes) {
              handoff.hand_over(std::exchange(batch, nullptr));
            }
            beside();
            return next_slot();
          });
        }
      } catch (...) {
        reader_failure = std::current_exception();
      }
      target_ = &own_event_;
      if (batch != nullptr) handoff.hand_over(batch);
      handoff.finish();
    });
    // Whatever happens here, the reader is stopped and joined before this returns or throws.
    struct joiner {
      event_handoff& handoff;
      std::thread& reader;
      ~joiner() {
        handoff.stop();
        reader.join();
      }
    };
    std::uint64_t written = 0;
    bool stopped = false;
    {
      joiner join{handoff, reader};
      while (event_batch* batch = handoff.take_full()) {
        for (std::size_t i = 0; i < batch->count && !stopped; ++i) {
          ++written;
          stopped = !sink(batch->events[i].get());
        }
        handoff.give_back(batch);
        if (stopped) break;
      }
    }
    if (reader_failure) std::rethrow_exception(reader_failure);
    if (stopped) done.events_written = written;  // the rest were read but never written
    return done;
  }

 private:
  // Makes the event of `record` in *target_; false when the filter leaves it out.
  bool admit(const etl::record_view& record, const etl::trace_clock& clock, std::uint16_t source);
  // The name of a provider the record does not name, from the built-in table; the last answer
  // is kept, since records of one provider come in runs.
  std::string_view provider_name(const guid& id);

  decode::decoder& decoder_;
  event own_event_;
  event* target_ = &own_event_;  // where the next event is made (a batch slot on two threads)
  process_tracker tracker_;
  event_filter* filter_ = nullptr;
  std::uint64_t skip_ = 0;
  std::uint64_t limit_ = 0;
  std::uint64_t skipped_ = 0;
  guid last_id_;
  std::string_view last_name_;
  bool looked_up_ = false;
  bool decode_payloads_ = true;
  bool attribute_ = true;
};

}  // namespace etwcat::trace
