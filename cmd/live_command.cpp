// Wires a session to a writer: session -> consumer (ETW's thread, a bounded queue) ->
// trace::pipeline -> writer, as `dump` wires files. The session is ours to stop on every way out
// (the end of the run, an error, an exception: RAII), unless it was attached to.
#include "cmd/live_command.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "cmd/interruption.h"
#include "cmd/output.h"
#include "formats/loss_report.h"
#include "lib/base/duration.h"
#include "lib/base/path_text.h"
#include "lib/base/usage_error.h"
#include "lib/decode/decoder.h"
#include "lib/live/consumer.h"
#include "lib/live/session.h"
#include "lib/live/session_config.h"
#include "lib/trace/pipeline.h"

namespace etwcat::cmd {
namespace {

using steady = std::chrono::steady_clock;

// The consumer as the pipeline's record source. When the run should end (Ctrl-C, the
// duration), it ends the session once and goes on reading: what ETW still delivers, and what
// the queue holds, is written before the run ends.
class session_events {
 public:
  session_events(live::consumer& events, std::function<void()> end_session,
                 std::optional<steady::time_point> deadline)
      : events_(events), end_session_(std::move(end_session)), deadline_(deadline) {}

  bool next(etl::record_view& out) {
    for (;;) {
      // Ctrl-C is looked at per record; the clock every 64 records and on every wait.
      if (!ending_ && (interrupted() || (++since_check_ & 0x3F) == 0 || waited_)) check_end();
      waited_ = false;
      switch (events_.next(out, std::chrono::milliseconds(50))) {
        case live::consumer::wait_result::record:
          return true;
        case live::consumer::wait_result::ended:
          ended_by_itself_ = !ending_;
          return false;
        case live::consumer::wait_result::timeout:
          waited_ = true;
          // ETW should end processing soon after the session stops; if it does not, close
          // our side, and in the end give up waiting, so that the run cannot hang.
          if (ending_ && steady::now() - ending_since_ > std::chrono::seconds(2)) events_.close();
          if (ending_ && steady::now() - ending_since_ > std::chrono::seconds(5)) return false;
          break;
      }
    }
  }
  const etl::trace_clock& current_clock() const noexcept { return clock_; }
  std::uint16_t current_source() const noexcept { return 0; }

  /// True when processing ended before etwcat ended it: the session was stopped elsewhere (or
  /// its processing failed).
  bool ended_by_itself() const noexcept { return ended_by_itself_; }

  /// Ends the session now (a limit was reached), if not yet.
  void end() {
    if (ending_) return;
    ending_ = true;
    ending_since_ = steady::now();
    end_session_();
  }

 private:
  void check_end() {
    if (interrupted() || (deadline_ && steady::now() >= *deadline_)) end();
  }

  live::consumer& events_;
  std::function<void()> end_session_;
  std::optional<steady::time_point> deadline_;
  etl::trace_clock clock_;  // live timestamps arrive as FILETIMEs
  bool ending_ = false;
  bool ended_by_itself_ = false;
  bool waited_ = false;
  unsigned since_check_ = 0;
  steady::time_point ending_since_;
};

std::uint64_t filetime_now() {
  using namespace std::chrono;
  constexpr std::uint64_t unix_epoch = 116444736000000000ULL;  // 1970 in FILETIME units
  const auto since_1970 = duration_cast<nanoseconds>(system_clock::now().time_since_epoch());
  return unix_epoch + static_cast<std::uint64_t>(since_1970.count() / 100);
}

// The live session as the writers describe an input.
formats::trace_info describe_session(const std::string& name) {
  formats::trace_source s;
  s.name = name;
  s.start_time = filetime_now();
  s.processors = std::max(1u, std::thread::hardware_concurrency());
  s.pointer_size = sizeof(void*);
  formats::trace_info info;
  info.sources.push_back(std::move(s));
  return info;
}

// --config: the session from the file, and its output choices (format, -o, duration, limit)
// where the command line made none. `o` is changed accordingly; `session` gets the file's
// session. The problem to report, if any.
std::optional<std::string> apply_config(live_options& o,
                                        std::optional<live::session_options>& session) {
  if (o.session.config.empty()) return std::nullopt;
  if (!o.attach.empty()) {
    return "--config describes a session to start; --attach reads one that runs already";
  }
  auto loaded = load_config(o.session);
  if (!loaded) return loaded.failure().message;
  live::session_config& config = loaded.value();
  if (!config.session.real_time) {
    return fmt::format(
        "{}: \"realtime\": false, but live reads events in real time (for a "
        "session that only logs to a file, use `etwcat start`)",
        o.session.config);
  }
  if (!o.session.name.empty()) rename_session(config.session, o.session.name);
  if (!o.etl.empty()) config.session.log_file.clear();  // --etl says where, below
  if (o.out.format.empty() && config.format) o.out.format = *config.format;
  if (o.out.output.empty() && config.output) o.out.output = *config.output;
  if (o.max_events == 0 && config.max_events) o.max_events = *config.max_events;
  if (o.duration.empty() && config.duration) {
    o.duration = std::to_string(config.duration->count()) + "ns";
  }
  session = std::move(config.session);
  return std::nullopt;
}

// Checks that the options ask for one thing to read, and that --etl may be written.
std::optional<std::string> usage_problem(const live_options& o, bool configured) {
  const bool asks = configured || names_events(o.session);
  if (!o.attach.empty() && asks) {
    return "--attach reads a session that runs already: it takes no -p, --kernel or --system";
  }
  if (!o.attach.empty() && !o.etl.empty()) {
    return "--etl records a session etwcat starts; an attached session logs where it was told";
  }
  if (o.attach.empty() && !asks) {
    return "live needs something to trace: -p PROVIDER, --kernel FLAGS, --system GROUPS, or "
           "--attach SESSION";
  }
  if (!o.duration.empty() && !parse_duration(o.duration)) {
    return fmt::format("--duration \"{}\": not a span of time (like 10s, 500ms, 2m, 1h)",
                       o.duration);
  }
  if (o.queue_mb == 0 || o.queue_mb > 4096) return "--queue-size takes 1 to 4096 (MB)";
  return std::nullopt;
}

}  // namespace

CLI::App* add_live_command(CLI::App& app, live_options& o) {
  CLI::App* sub = app.add_subcommand(
      "live",
      "Stream the events of a real-time session (one it starts, or --attach) until Ctrl-C, "
      "--duration or --max-events; Windows only");
  add_session_arguments(sub, o.session);
  sub->add_option("--attach", o.attach,
                  "Read an existing real-time session instead of starting one (EventLog-System, "
                  "one made by `etwcat start … --realtime`); it keeps running afterwards")
      ->type_name("SESSION");
  sub->add_option("--duration", o.duration, "Stop after this long: 10s, 500ms, 2m, 1h")
      ->type_name("TIME");
  sub->add_option("--max-events", o.max_events, "Stop after writing N events")->type_name("N");
  sub->add_option("--etl", o.etl,
                  "Also log the session to this .etl file (real time and file at once); an "
                  "existing file is kept unless --force")
      ->type_name("FILE");
  sub->add_option("--queue-size", o.queue_mb,
                  "MB of events held for a slow reader before events are dropped (and counted; "
                  "default 16)")
      ->type_name("MB");
  add_event_output_options(sub, o.out);
  add_event_filter_options(sub, o.select, {.provider_and_pid = false, .limit_and_skip = false});
  return sub;
}

int run_live(const live_options& given, live::etw_api* etw) {
  if (etw == nullptr) {
    fmt::print(stderr, "etwcat live: {}\n", live::no_etw_message);
    return exit_usage_or_system_error;
  }
  live_options o = given;
  std::optional<live::session_options> configured;
  std::optional<std::string> problem = apply_config(o, configured);
  if (!problem) problem = usage_problem(o, configured.has_value());
  if (problem) {
    fmt::print(stderr, "etwcat live: {}\n", *problem);
    return exit_usage_or_system_error;
  }
  live::session_options session_options;
  std::string name = o.attach;
  if (o.attach.empty()) {
    // usage_error (a bad provider string, …): the command line says it
    session_options = configured ? *configured : session_options_of(o.session);
    if (!o.etl.empty()) {
      session_options.log_file = path_to_utf8(std::filesystem::absolute(path_from_utf8(o.etl)));
      session_options.mode = live::file_mode::sequential;
    }
    // A file the session would log to is never overwritten unasked (ETW truncates it).
    std::error_code ec;
    if (!session_options.log_file.empty() && session_options.mode != live::file_mode::new_file &&
        std::filesystem::exists(path_from_utf8(session_options.log_file), ec) && !o.session.force) {
      fmt::print(stderr, "etwcat live: {} {}: the file exists; name another, or --force\n",
                 o.etl.empty() ? "the log file" : "--etl",
                 o.etl.empty() ? session_options.log_file : o.etl);
      return exit_usage_or_system_error;
    }
    name = live::session_name(session_options);
  }
  auto filter = trace::event_filter::make(o.select.filter);
  if (!filter) {
    fmt::print(stderr, "etwcat live: {}\n", filter.failure().message);
    return exit_usage_or_system_error;
  }
  decode::decoder decoder;
  if (!load_schemas(o.out, decoder)) return exit_usage_or_system_error;
  auto output = output_target::open(o.out.output);
  if (!output) {
    fmt::print(stderr, "etwcat: {}\n", output.failure().message);
    return exit_usage_or_system_error;
  }

  // From here a Ctrl-C ends the run cleanly: the session is stopped and its loss reported.
  interruption_scope interruptions;
  std::optional<live::session> session;
  if (o.attach.empty()) {
    if (o.session.force) (void)live::session::stop_by_name(*etw, name);
    auto started = live::session::start(*etw, session_options);
    if (!started) {
      fmt::print(stderr, "etwcat live: {}\n", started.failure().message);
      (void)output.value().finish(false);
      return exit_usage_or_system_error;
    }
    session.emplace(std::move(started.value()));
    // A second Ctrl-C ends the process at once; the session must not outlive it.
    set_last_words([etw, name] { (void)live::session::stop_by_name(*etw, name); });
  }
  live::consumer_options consumer_options;
  consumer_options.queue_bytes = std::size_t{o.queue_mb} << 20;
  consumer_options.process_ids = o.session.pids;  // a config's PIDs are per provider: ETW's
  auto opened = live::consumer::open(*etw, name, consumer_options);
  if (!opened) {
    fmt::print(stderr, "etwcat live: {}\n", opened.failure().message);
    (void)output.value().finish(false);
    return exit_usage_or_system_error;  // the session stops with `session`
  }
  live::consumer& consumer = *opened.value();

  std::optional<live::session_statistics> final_statistics;
  std::optional<std::string> stop_failure;
  auto end_session = [&] {
    if (session) {
      auto stopped = session->stop();
      if (stopped) {
        final_statistics = stopped.value();
      } else {
        stop_failure = stopped.failure().message;
      }
    }
    consumer.close();
  };
  std::optional<steady::time_point> deadline;
  if (auto span = parse_duration(o.duration)) {
    deadline = steady::now() + std::chrono::duration_cast<steady::duration>(*span);
  }

  formats::summary totals;
  formats::session_loss loss;
  int write_error = 0;
  bool stopped_elsewhere = false;
  bool finished = true;
  std::uint32_t processing_status = 0;
  {
    formats::output_sink sink(output.value().stream());
    const std::unique_ptr<formats::event_writer> writer =
        make_writer(resolve_format(o.out, output.value().stream()), sink);
    writer->begin(describe_session(name));
    session_events source(consumer, end_session, deadline);
    trace::pipeline events(decoder);
    if (!filter.value().empty()) events.use_filter(&filter.value());
    std::uint64_t written = 0;
    const trace::counts done = events.run(source, [&](const event& e) {
      writer->write(e);
      if (sink.failed()) return false;
      return o.max_events == 0 || ++written < o.max_events;
    });
    source.end();  // a limit, a failed write: the session ends here at the latest
    stopped_elsewhere = source.ended_by_itself();
    // The counts are final once ProcessTrace has returned; should it never, the run still ends.
    finished = consumer.finish_within(std::chrono::seconds(5));
    processing_status = consumer.status();
    totals.records_read = done.records_read;
    totals.events_written = done.events_written;
    totals.decode_errors = done.decode_errors;

    const live::consumer_counts counted = consumer.counts();
    loss.session = name;
    loss.delivered = counted.delivered;
    loss.written = done.events_written;
    loss.filtered = counted.filtered;
    loss.dropped_by_queue = counted.dropped;
    loss.too_large = counted.too_large;
    loss.lost_event_notices = counted.lost_event_notices;
    loss.lost_buffer_notices = counted.lost_buffer_notices;
    if (final_statistics) {
      loss.events_lost = final_statistics->events_lost;
      loss.real_time_buffers_lost = final_statistics->real_time_buffers_lost;
      loss.log_buffers_lost = final_statistics->log_buffers_lost;
    }
    totals.events_lost = loss.events_lost + loss.dropped_by_queue + loss.too_large;
    totals.loss = &loss;
    totals.processes = &events.processes().processes();
    writer->finish(totals);
    sink.flush();
    write_error = sink.failed() ? sink.error() : 0;
  }

  // What was lost, always: a live run cannot be read again.
  fmt::print(stderr, "etwcat: {}\n", formats::loss_text(loss));
  int outcome = exit_success;
  if (!finished) {
    // ProcessTrace has not returned: its thread and this consumer are left to the process's end.
    (void)opened.value().release();
    fmt::print(stderr, "etwcat live: ETW did not end the processing of {} within 5 s\n", name);
    outcome = exit_usage_or_system_error;
  }
  const bool processing_failed = processing_status != live::win32::success &&
                                 processing_status != live::win32::cancelled &&
                                 processing_status != live::win32::ctx_close_pending;
  if (stopped_elsewhere && processing_failed) {
    fmt::print(stderr, "etwcat live: reading session {} failed: {}\n", name,
               processing_status == live::win32::wmi_instance_not_found
                   ? "it is no real-time session (or no longer runs)"
               : processing_status == live::win32::access_denied
                   ? live::access_denied_advice
                   : "Win32 error " + std::to_string(processing_status));
    outcome = exit_usage_or_system_error;
  } else if (stopped_elsewhere && session) {
    // Ours, stopped by someone else: what ETW lost went with it.
    fmt::print(stderr,
               "etwcat live: session {} was stopped by another program; what ETW lost before "
               "is not known\n",
               name);
    outcome = std::max(outcome, exit_data_error);
    stop_failure.reset();  // stopping it again found it gone: no news
  }
  if (stop_failure) fmt::print(stderr, "etwcat live: {}\n", *stop_failure);
  if (totals.decode_errors != 0) {
    fmt::print(stderr,
               "etwcat: {} events did not fit their schema (System.DecodeError says "
               "where); they keep RawData\n",
               totals.decode_errors);
  }
  if (write_error != 0) {
    (void)output.value().finish(false);
    if (auto message = write_failure(output.value().name(), write_error)) {
      fmt::print(stderr, "etwcat: {}\n", *message);
      return exit_usage_or_system_error;
    }
  } else if (auto finished = output.value().finish(true); !finished) {
    fmt::print(stderr, "etwcat: {}\n", finished.failure().message);
    return exit_usage_or_system_error;
  }
  if (stop_failure || outcome == exit_usage_or_system_error) return exit_usage_or_system_error;
  return loss.any() || totals.decode_errors != 0 || outcome != exit_success ? exit_data_error
                                                                            : exit_success;
}

}  // namespace etwcat::cmd
