// Wires input files to a writer: input files -> merged_reader -> trace::pipeline -> writer.
// What the command line names is checked before anything is written: inputs that cannot be
// opened and an output that would overwrite an input end the run with 2. Damage found while
// reading goes to stderr, one line each, and every event that survives is still written.
#include "cmd/dump_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "cmd/event_output.h"
#include "cmd/interruption.h"
#include "cmd/output.h"
#include "cmd/progress.h"
#include "lib/base/diagnostics.h"
#include "lib/base/input_file.h"
#include "lib/base/path_text.h"
#include "lib/decode/decoder.h"
#include "lib/etl/follow_reader.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"

namespace etwcat::cmd {
namespace {

// The records `dump` reads: the named files merged in time order, or with --follow the one file
// a session is still writing, as it grows.
class input_trace {
 public:
  explicit input_trace(etl::merged_reader merged) : merged_(std::move(merged)) {}
  explicit input_trace(etl::follow_reader follow) : follow_(std::move(follow)) {}

  bool next(etl::record_view& r) { return follow_ ? follow_->next(r) : merged_->next(r); }
  const etl::trace_clock& current_clock() const noexcept {
    return follow_ ? follow_->current_clock() : merged_->current_clock();
  }
  std::uint16_t current_source() const noexcept {
    return follow_ ? follow_->current_source() : merged_->current_source();
  }
  std::size_t file_count() const noexcept { return follow_ ? 1 : merged_->file_count(); }
  bool opened(std::size_t f) const noexcept { return follow_ || merged_->opened(f); }
  const etl::logfile_header& header(std::size_t f) const noexcept {
    return follow_ ? follow_->header() : merged_->header(f);
  }
  std::uint64_t bytes_read() const noexcept { return follow_ ? 0 : merged_->bytes_read(); }

 private:
  std::optional<etl::merged_reader> merged_;
  std::optional<etl::follow_reader> follow_;
};

formats::trace_info describe(const input_trace& trace,
                             const std::vector<std::shared_ptr<const input_file>>& inputs) {
  formats::trace_info info;
  for (std::size_t f = 0; f < trace.file_count(); ++f) {
    if (!trace.opened(f)) continue;
    info.sources.push_back(formats::describe_source(trace.header(f), inputs[f]->name(),
                                                    static_cast<std::uint16_t>(f)));
  }
  return info;
}

// The --follow source, or why there is none (said on stderr).
std::optional<input_trace> follow(const std::vector<std::shared_ptr<const input_file>>& inputs,
                                  diagnostics& diags) {
  if (inputs.size() != 1 || inputs[0]->copied()) {
    fmt::print(stderr, "etwcat: --follow reads one file (not standard input), as it grows\n");
    return std::nullopt;
  }
  auto reader = etl::follow_reader::open(inputs[0], diags, [] { return !interrupted(); });
  if (!reader) {
    fmt::print(stderr, "etwcat: {}: {}\n", inputs[0]->name(), reader.failure().message);
    return std::nullopt;
  }
  return input_trace(std::move(reader.value()));
}

// Opens the trace files named on the command line, each once: a file named twice (directly,
// or through a link, or "-" and /dev/stdin) is read once, and said so. False when one cannot
// be opened (each such file is told on stderr).
bool open_inputs(const std::vector<std::string>& names,
                 std::vector<std::shared_ptr<const input_file>>& inputs) {
  bool all_opened = true;
  auto already = [&inputs](const file_identity& id) -> const input_file* {
    for (const auto& input : inputs) {
      if (input->identity() == id) return input.get();
    }
    return nullptr;
  };
  auto say_once = [](std::string_view again, const input_file& first) {
    if (again == first.name()) {
      fmt::print(stderr, "etwcat: {} is named twice: read once\n", again);
    } else {
      fmt::print(stderr, "etwcat: {} is the same file as {}: read once\n", again, first.name());
    }
  };
  for (const std::string& name : names) {
    const std::filesystem::path path = path_from_utf8(name);
    // Before opening: a pipe named twice must not be read (copied) twice.
    if (auto id = identify(path)) {
      if (const input_file* first = already(*id)) {
        say_once(is_standard_input(path) ? input_file::standard_input_name : name, *first);
        continue;
      }
    }
    auto file = input_file::open(path);
    if (!file) {
      fmt::print(stderr, "etwcat: {}: {}\n",
                 is_standard_input(path) ? input_file::standard_input_name : name,
                 file.failure().message);
      all_opened = false;
      continue;
    }
    if (const input_file* first = already(file.value()->identity())) {
      say_once(file.value()->name(), *first);
      continue;
    }
    inputs.push_back(std::move(file.value()));
  }
  return all_opened;
}

// The input among `paths` (files, or folders whose files are read) that `output` is, if any.
std::optional<std::string> input_named_by(const file_identity& output,
                                          const std::vector<std::string>& paths) {
  for (const std::string& name : paths) {
    const std::filesystem::path path = path_from_utf8(name);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end;
           it.increment(ec)) {
        if (identify(it->path()) == output) return path_to_utf8(it->path());
      }
    } else if (identify(path) == output) {
      return name;
    }
  }
  return std::nullopt;
}

// Refuses an output that is one of the inputs (same device and inode, so also through a link):
// it would be destroyed by the very run that reads it.
std::optional<std::string> output_overwrites_input(
    const dump_options& options, const std::vector<std::shared_ptr<const input_file>>& inputs) {
  const bool to_stdout = is_standard_output(options.out.output);
  const auto output =
      to_stdout ? identify_standard_output() : identify(path_from_utf8(options.out.output));
  if (!output) return std::nullopt;  // not there yet
  std::optional<std::string> input;
  for (const auto& file : inputs) {
    if (file->identity() == *output) input = file->name();
  }
  if (!input) input = input_named_by(*output, options.out.manifests);
  if (!input) input = input_named_by(*output, options.out.format_files);
  if (!input) return std::nullopt;
  if (to_stdout) {  // `etwcat dump x.etl >> x.etl`, as cat refuses it
    return fmt::format("standard output is the input {}; refusing to write into it", *input);
  }
  return fmt::format("-o {}: that is the input {}; refusing to overwrite it", options.out.output,
                     *input);
}

// Two threads when asked for (or by default, with two cores or more) and the output is not
// tailed: --follow wants each event out as it comes, not in batches.
bool use_two_threads(const dump_options& options) {
  const unsigned threads =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  return threads >= 2 && !options.follow;
}

}  // namespace

CLI::App* add_dump_command(CLI::App& app, dump_options& options) {
  CLI::App* sub = app.add_subcommand(
      "dump", "Print the events of .etl files (merged in time order) as JSON lines or text");
  sub->add_option("files", options.files,
                  ".etl files, several read as one trace; - reads standard input")
      ->required();
  add_event_output_options(sub, options.out);
  add_event_filter_options(sub, options.select);
  sub->add_flag("-f,--follow", options.follow,
                "Keep reading FILE as a session writes it (like tail -f), until Ctrl-C: events "
                "come in the order their buffers reach the file");
  sub->add_option("--threads", options.threads,
                  "Threads to use: with 2 or more, events are read and decoded on one while "
                  "another formats and writes them; 1 does all on one (default: the processors "
                  "there are; --follow uses one)")
      ->check(CLI::Range(1u, 256u));
  return sub;
}

int run_dump(const dump_options& options) {
  // 1. What the command line names, before anything is written.
  std::vector<std::shared_ptr<const input_file>> inputs;
  if (!open_inputs(options.files, inputs)) return exit_usage_or_system_error;
  if (auto refusal = output_overwrites_input(options, inputs)) {
    fmt::print(stderr, "etwcat: {}\n", *refusal);
    return exit_usage_or_system_error;
  }
  auto filter = trace::event_filter::make(options.select.filter);
  if (!filter) {
    fmt::print(stderr, "etwcat: {}\n", filter.failure().message);
    return exit_usage_or_system_error;
  }
  decode::decoder decoder;
  if (!load_schemas(options.out, decoder)) return exit_usage_or_system_error;
  auto output = output_target::open(options.out.output);
  if (!output) {
    fmt::print(stderr, "etwcat: {}\n", output.failure().message);
    return exit_usage_or_system_error;
  }

  // 2. The events. The sink and the writer end with this block, before the output is finished
  // (closed): nothing may flush into a closed stream.
  diagnostics diags;
  // With --follow, Ctrl-C ends the reading, and the run ends as if the file ended there.
  std::optional<interruption_scope> interruptions;
  if (options.follow) interruptions.emplace();
  std::optional<input_trace> opened =
      options.follow ? follow(inputs, diags)
                     : std::optional<input_trace>(etl::merged_reader::open(inputs, diags));
  if (!opened) {
    (void)output.value().finish(false);
    return exit_usage_or_system_error;
  }
  input_trace& trace = *opened;
  formats::summary totals;
  bool any_trace = false;
  bool lost = false;              // the logger says it dropped events or buffers
  std::uint64_t trace_start = 0;  // the earliest start: where --since +5s counts from
  for (std::size_t f = 0; f < trace.file_count(); ++f) {
    if (!trace.opened(f)) continue;
    any_trace = true;
    const std::uint64_t start = trace.header(f).start_time;
    if (start != 0 && (trace_start == 0 || start < trace_start)) trace_start = start;
    totals.events_lost += trace.header(f).events_lost;
    lost = lost || trace.header(f).events_lost != 0 || trace.header(f).buffers_lost != 0;
  }
  int write_error = 0;  // errno of a failed write
  {
    formats::output_sink sink(output.value().stream());
    const std::unique_ptr<formats::event_writer> writer =
        make_writer(resolve_format(options.out, output.value().stream()), sink);
    writer->begin(describe(trace, inputs));
    trace::pipeline events(decoder);
    filter.value().set_trace_start(trace_start);
    if (!filter.value().empty()) events.use_filter(&filter.value());
    events.skip_and_limit(options.select.skip, options.select.limit);
    progress_line progress = dump_progress(options.out, options.files);
    auto write = [&](const event& e) {
      writer->write(e);
      return !sink.failed();  // a full disk, or the reader of our output went away
    };
    auto tick = [&] { progress.tick([&trace] { return trace.bytes_read(); }); };
    const trace::counts done = use_two_threads(options)
                                   ? events.run_on_two_threads(trace, write, tick)
                                   : events.run(trace, [&](const event& e) {
                                       const bool go_on = write(e);
                                       tick();
                                       return go_on;
                                     });
    progress.clear();  // before the summary and the messages
    totals.records_read = done.records_read;
    totals.events_written = done.events_written;
    totals.decode_errors = done.decode_errors;
    totals.diagnostics = diags.count();
    totals.processes = &events.processes().processes();
    writer->finish(totals);
    sink.flush();
    write_error = sink.failed() ? sink.error() : 0;
  }

  // 3. What went wrong, and the exit code.
  for (const auto& d : diags.items()) fmt::print(stderr, "etwcat: {}\n", format(d));
  if (diags.dropped() > 0) {
    fmt::print(stderr, "etwcat: … and {} more problems not shown\n", diags.dropped());
  }
  for (std::size_t f = 0; f < trace.file_count(); ++f) {
    if (!trace.opened(f)) continue;
    const auto& h = trace.header(f);
    if (h.events_lost != 0 || h.buffers_lost != 0) {
      fmt::print(stderr,
                 "etwcat: {}: the session lost {} events and {} buffers while logging "
                 "(the file's header says so)\n",
                 inputs[f]->name(), h.events_lost, h.buffers_lost);
    }
  }
  if (totals.decode_errors != 0) {
    fmt::print(stderr,
               "etwcat: {} events did not fit their schema (System.DecodeError says "
               "where); they keep RawData\n",
               totals.decode_errors);
  }
  int code = exit_success;
  if (!diags.empty() || lost || totals.decode_errors != 0) {
    code = exit_data_error;
  }
  if (write_error != 0) {
    (void)output.value().finish(false);
    if (auto message = write_failure(output.value().name(), write_error)) {
      fmt::print(stderr, "etwcat: {}\n", *message);
      return exit_usage_or_system_error;
    }
    return code;  // the reader of standard output went away: not an error
  }
  // An output of nothing (no input was a trace) never replaces a file.
  if (auto finished = output.value().finish(any_trace); !finished) {
    fmt::print(stderr, "etwcat: {}\n", finished.failure().message);
    return exit_usage_or_system_error;
  }
  return code;
}

}  // namespace etwcat::cmd
