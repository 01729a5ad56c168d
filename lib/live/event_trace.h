// event_trace: a live ETW trace as one object, in the shape of the seed's EventTrace
// (windows_erg::etw): a builder names the session, its kernel groups and providers, buffers
// and enrichment; start() starts the session (session.h) and its real-time consumer
// (consumer.h); events come in reusable batches or through a callback, as record views, as
// decoded events (trace::pipeline, lib/event) or as both. Spec: docs/etw-api.md §3–§7.
//
//   auto trace = live::event_trace::builder("ProcessMonitor")
//                    .system_provider("Process")
//                    .with_detailed_events()
//                    .start(etw);
//   if (!trace) return fail(trace.failure().message);
//   live::event_batch batch(64);
//   while (trace.value().next_batch(batch, 500ms) != live::batch_result::ended) {
//     for (const event& e : batch.events()) {
//       const decode::typed_event view = decode::typed_view(e);
//       if (const auto* start = std::get_if<decode::process_start>(&view))
//         print(start->process_id, start->image_name);
//     }
//   }
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "lib/base/result.h"
#include "lib/decode/decoder.h"
#include "lib/decode/typed_events.h"
#include "lib/etl/record_view.h"
#include "lib/event/event.h"
#include "lib/live/consumer.h"
#include "lib/live/etw_api.h"
#include "lib/live/session.h"
#include "lib/provider/provider.h"

namespace etwcat::live {

/// What a trace hands out for each event.
enum class stream_mode : std::uint8_t {
  raw,      // record views: the bytes as an .etl file holds them; nothing decoded (cheapest)
  decoded,  // events (lib/event): header fields, names, extended data, and with
            // with_detailed_events() the payload as EventData (decode::typed_view works then)
  both,     // both, records()[i] and events()[i] being the same event
};

/// Up to capacity() events, filled by event_trace::next_batch() and reused from call to call.
///
/// Lifetime: everything a batch hands out — the record views, the events, and the
/// string_views and spans inside them — points into the batch's own storage (and, for names
/// from schemas, into the trace's decoder). It stays valid until the next next_batch() or
/// clear() on this batch, or until the batch or its trace goes; copy what you keep longer.
/// Each event's record is copied out of the consumer's ring into one arena that keeps its
/// capacity, so once a batch has held its largest events, filling it allocates nothing.
class event_batch {
 public:
  static constexpr std::size_t default_capacity = 64;

  explicit event_batch(std::size_t capacity = default_capacity);

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  /// The records (stream_mode raw and both; empty for decoded).
  std::span<const etl::record_view> records() const noexcept;
  /// The events (stream_mode decoded and both; empty for raw).
  std::span<const event> events() const noexcept;

  /// Empties the batch; keeps its storage.
  void clear() noexcept;

 private:
  friend class event_trace;
  struct entry {
    std::size_t offset = 0;  // in arena_
    std::size_t size = 0;
    etl::record_origin origin;
  };

  std::size_t capacity_;
  std::size_t size_ = 0;
  bool has_records_ = false;
  bool has_events_ = false;
  std::vector<std::byte> arena_;           // the records' bytes, one after another
  std::vector<entry> entries_;             // where each one is
  std::vector<etl::record_view> records_;  // capacity_ views, parsed from arena_
  std::vector<event> events_;              // grows to capacity_, never shrinks (reused)
};

/// What next_batch() brought.
enum class batch_result : std::uint8_t {
  events,   // at least one event
  timeout,  // none within the timeout; the trace still runs
  ended,    // none, and none will come: the session stopped and every event was handed out
};

/// What a trace did, from stop().
struct trace_statistics {
  session_statistics session;  // ETW's: buffers, EventsLost, RealTimeBuffersLost, …
  consumer_counts consumer;    // delivered, filtered, dropped, too large, lost-event notices
  std::uint64_t read = 0;      // events handed out by next_batch() and run() before stop()
};

/// A running trace: its session and consumer. Moves, does not copy; the destructor stops it.
/// One thread reads it (next_batch, run, stop); run()'s stop condition is the way to end a
/// run from another thread.
class event_trace {
 public:
  class builder;

  event_trace(event_trace&&) noexcept;
  event_trace& operator=(event_trace&&) noexcept;
  event_trace(const event_trace&) = delete;
  event_trace& operator=(const event_trace&) = delete;
  /// Stops the session, if stop() was not called.
  ~event_trace();

  /// Fills `batch` with up to batch.capacity() events: waits up to `timeout` for the first,
  /// then takes what is queued without waiting again. What the batch held before is gone.
  batch_result next_batch(event_batch& batch, std::chrono::milliseconds timeout);

  /// Calls `on_event` for every event until `stop()` says so (asked between batches, at least
  /// every `poll`), `on_event` returns false, or the trace ends. `on_event` takes one of
  ///   (const event&)                           stream_mode decoded or both
  ///   (const etl::record_view&)                raw or both
  ///   (const etl::record_view&, const event&)  both
  /// and returns bool (false: stop) or nothing. Returns the events it was given, or an error
  /// when the trace's stream mode lacks what `on_event` takes. After `on_event` said stop, the
  /// next run() goes on with the event after that one.
  template <class OnEvent, class Stop>
  result<std::uint64_t> run(OnEvent&& on_event, Stop&& stop,
                            std::chrono::milliseconds poll = std::chrono::milliseconds(100));
  /// As above, until `token` is asked to stop (std::jthread, std::stop_source).
  template <class OnEvent>
  result<std::uint64_t> run(OnEvent&& on_event, std::stop_token token,
                            std::chrono::milliseconds poll = std::chrono::milliseconds(100)) {
    return run(
        std::forward<OnEvent>(on_event), [&token] { return token.stop_requested(); }, poll);
  }

  /// Stops the session, waits until the consumer has processed what ETW still delivers, and
  /// returns the final statistics. The events still queued stay readable: next_batch() hands
  /// them out, then says `ended`. A second call returns the same statistics.
  result<trace_statistics> stop();

  /// The consumer's counts so far.
  consumer_counts counts() const;
  /// The session's name, as ETW knows it.
  const std::string& name() const noexcept;
  stream_mode mode() const noexcept;
  /// What the session asked ETW for (the builder's options, resolved).
  const session_options& options() const noexcept;
  /// The decoder of this trace's events: add manifests or TMF files before reading.
  decode::decoder& decoder() noexcept;

 private:
  struct state;
  explicit event_trace(std::unique_ptr<state> s);
  event_batch& run_batch() noexcept;
  std::size_t& run_position() noexcept;

  template <class OnEvent>
  static bool call(OnEvent& on_event, const event_batch& batch, std::size_t i);

  std::unique_ptr<state> state_;
};

/// The seed's EventTraceBuilder. Each call returns the builder, so calls chain; a mistake
/// (an unknown group, a provider string that does not parse) is kept and returned by start().
///
/// Kernel groups and user-mode providers share one session: with kernel groups the session is
/// a system logger (EVENT_TRACE_SYSTEM_LOGGER_MODE, Windows 8 and later) of its own name, so
/// several traces can run at once. kernel_logger() uses the NT Kernel Logger instead (needed
/// before Windows 8; kernel groups only, and one such session on the machine).
class event_trace::builder {
 public:
  /// `name`: the session's name; empty gives "etwcat-<pid>".
  explicit builder(std::string name = {});

  /// Kernel groups by name, as `etwcat providers --kernel` lists them ("Process", "FileIo",
  /// "Network", "Cpu", …; a comma-separated list works too).
  builder& system_provider(std::string_view groups);
  /// Kernel groups as EVENT_TRACE_FLAG_* bits.
  builder& kernel_flags(std::uint32_t flags);
  /// A user-mode provider by provider string: "Microsoft-Windows-Kernel-File:4:12,14".
  builder& provider(std::string_view provider_string);
  builder& provider(etwcat::provider::provider p);
  /// The NT Kernel Logger rather than a system logger of the trace's own name.
  builder& kernel_logger();

  builder& buffer_size(std::uint32_t kilobytes);
  builder& min_buffers(std::uint32_t count);
  builder& max_buffers(std::uint32_t count);
  builder& flush(std::chrono::seconds interval);
  builder& clock(clock_type type);
  /// Bytes of the consumer's queue (16 MB by default): what a reader may fall behind by
  /// before events are dropped (and counted).
  builder& queue_capacity(std::size_t bytes);
  /// Also log to an .etl file.
  builder& log_file(std::string path, file_mode mode = file_mode::sequential,
                    std::uint32_t maximum_size_mb = 0);
  builder& stream(stream_mode mode);

  /// Call stacks. User-mode providers are enabled with EVENT_ENABLE_PROPERTY_STACK_TRACE: their
  /// events carry the stack as an extended item (event::stack, ExtendedData "StackTrace").
  /// Kernel groups get stack walking for their events worth a stack (kernel_stack_events()):
  /// each such event is followed by a StackWalk/Stack event holding its stack (EventTimeStamp,
  /// StackProcess, StackThread, Stack).
  builder& with_stack_traces();
  /// Who an event ran as. User-mode providers are enabled with EVENT_ENABLE_PROPERTY_SID and
  /// _TS_ID: their events carry the user's SID and the terminal session (ExtendedData "Sid",
  /// "TerminalSessionID"). With kernel groups the Thread group is added: thread start/end and,
  /// when the session starts, a rundown of every running thread (Thread/DCStart), which tells
  /// the process of each thread — with_process_filter() uses it to place CPU samples.
  builder& with_thread_context();
  /// Payloads decoded into EventData by their schemas (manifests, TraceLogging, the kernel's
  /// MOF layouts, WPP); decode::typed_view() needs it. Without it, events carry their header
  /// fields, names and RawData only, which is cheaper.
  builder& with_detailed_events();
  /// CPU samples: the Profile kernel group (PerfInfo/Sample events: where each CPU was,
  /// every `interval`), and the machine's sampling interval set to `interval` (in 100 ns
  /// steps; machine-wide, so it stays after the trace). Every event carries the CPU that
  /// logged it (event::processor_id, record_view::processor_index()).
  builder& with_cpu_samples(std::chrono::nanoseconds interval = std::chrono::milliseconds(1));
  /// Only events of these processes. User-mode providers get ETW's PID filter (EVENT_FILTER_-
  /// TYPE_PID, when there are at most 8), so other processes do not even log them; everything
  /// else — kernel events above all — is filtered in the consumer before it is queued
  /// (process_filter; counted as `filtered`). With CPU samples the Thread group is added, to
  /// know whose thread a sample hit.
  builder& with_process_filter(std::vector<std::uint32_t> process_ids);

  /// The session these options ask for, or why they cannot be.
  result<session_options> session_plan() const;
  /// Starts the session and its consumer.
  result<event_trace> start(etw_api& etw) const;
  /// On the machine's ETW (an error where there is none).
  result<event_trace> start() const;

 private:
  session_options base_;
  std::vector<etwcat::provider::provider> providers_;
  std::string problem_;  // the first mistake
  bool kernel_logger_ = false;
  std::size_t queue_bytes_ = consumer::default_queue_bytes;
  stream_mode mode_ = stream_mode::decoded;
  bool stacks_ = false;
  bool thread_context_ = false;
  bool detailed_ = false;
  std::optional<std::chrono::nanoseconds> cpu_interval_;
  std::vector<std::uint32_t> process_ids_;
  bool process_filter_ = false;
};

// --- run(): in terms of next_batch() ------------------------------------------------------

template <class OnEvent>
bool event_trace::call(OnEvent& on_event, const event_batch& batch, std::size_t i) {
  auto invoke = [&](auto&&... args) {
    if constexpr (std::is_same_v<std::invoke_result_t<OnEvent&, decltype(args)...>, void>) {
      on_event(args...);
      return true;
    } else {
      return static_cast<bool>(on_event(args...));
    }
  };
  if constexpr (std::is_invocable_v<OnEvent&, const etl::record_view&, const event&>) {
    return invoke(batch.records_[i], batch.events_[i]);
  } else if constexpr (std::is_invocable_v<OnEvent&, const event&>) {
    return invoke(batch.events_[i]);
  } else {
    static_assert(std::is_invocable_v<OnEvent&, const etl::record_view&>,
                  "on_event takes (const event&), (const etl::record_view&) or both");
    return invoke(batch.records_[i]);
  }
}

template <class OnEvent, class Stop>
result<std::uint64_t> event_trace::run(OnEvent&& on_event, Stop&& stop,
                                       std::chrono::milliseconds poll) {
  using F = std::remove_reference_t<OnEvent>;
  constexpr bool wants_record =
      std::is_invocable_v<F&, const etl::record_view&, const event&> ||
      (!std::is_invocable_v<F&, const event&> && std::is_invocable_v<F&, const etl::record_view&>);
  constexpr bool wants_event = std::is_invocable_v<F&, const etl::record_view&, const event&> ||
                               std::is_invocable_v<F&, const event&>;
  if (wants_record && mode() == stream_mode::decoded) {
    return error{"the callback takes records, but the trace streams decoded events only", 0};
  }
  if (wants_event && mode() == stream_mode::raw) {
    return error{"the callback takes events, but the trace streams raw records only", 0};
  }
  std::uint64_t given = 0;
  event_batch& batch = run_batch();
  std::size_t& at = run_position();  // a run that stopped early resumes where it left off
  for (;;) {
    while (at < batch.size()) {
      ++given;
      if (!call(on_event, batch, at++)) return given;
    }
    if (stop() || next_batch(batch, poll) == batch_result::ended) break;
    at = 0;
  }
  return given;
}

}  // namespace etwcat::live
