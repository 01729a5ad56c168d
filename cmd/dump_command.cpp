// Wires the reader to a writer: merged_reader -> fill_event -> event_writer. Damage reports go
// to stderr, one line each, and make the exit code 1; the events that survive are all written.
#include "cmd/dump_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "formats/jsonl_writer.h"
#include "formats/summary_writer.h"
#include "formats/text_writer.h"
#include "lib/base/diagnostics.h"
#include "lib/decode/decoder.h"
#include "lib/etl/merged_reader.h"
#include "lib/event/record_event.h"
#include "lib/provider/known_providers.h"

namespace etwcat::cmd {
namespace {

constexpr int exit_data_error = 1;

formats::trace_info describe(const etl::merged_reader& trace,
                             const std::vector<std::string>& files) {
  formats::trace_info info;
  for (std::size_t f = 0; f < trace.file_count(); ++f) {
    if (!trace.opened(f)) continue;
    const auto& h = trace.header(f);
    formats::trace_source s;
    s.name = files[f];
    s.index = static_cast<std::uint16_t>(f);
    s.start_time = h.start_time;
    s.end_time = h.end_time;
    s.os_build = h.provider_version;
    s.processors = h.number_of_processors;
    s.pointer_size = h.pointer_size;
    s.buffers = h.buffers_written;
    s.events_lost = h.events_lost;
    s.buffers_lost = h.buffers_lost;
    info.sources.push_back(std::move(s));
  }
  return info;
}

// Names a provider the record itself does not name, from the built-in table; the last
// answer is kept, since records of one provider come in runs.
class provider_names {
 public:
  std::string_view find(const guid& id) {
    if (id != last_id_ || !looked_up_) {
      const auto* known = provider::find_known_provider(id);
      last_name_ = known ? known->name : std::string_view();
      last_id_ = id;
      looked_up_ = true;
    }
    return last_name_;
  }

 private:
  guid last_id_;
  std::string_view last_name_;
  bool looked_up_ = false;
};

}  // namespace

CLI::App* add_dump_command(CLI::App& app, dump_options& options) {
  CLI::App* sub = app.add_subcommand(
      "dump", "Print the events of .etl files (merged in time order) as JSON lines or text");
  sub->add_option("files", options.files, ".etl files; several are read as one trace")->required();
  sub->add_option("--format", options.format, "Output format: jsonl (default) or text")
      ->check(CLI::IsMember({"jsonl", "text"}));
  sub->add_option("-o,--output", options.output, "Write to FILE instead of standard output");
  sub->add_flag("--summary", options.summary,
                "Instead of events: per provider and event name, counts, the share decoded and "
                "first/last time, after each file's header facts and decoded share");
  sub->add_option("--manifest", options.manifests,
                  "Instrumentation manifest (.man/.xml) or a folder of them: schemas and names of "
                  "providers' events; repeatable, the first that describes an event is used")
      ->type_name("FILE|DIR");
  sub->add_option("--tmf", options.format_files,
                  "WPP trace message format files: a folder of .tmf files, or one; repeatable")
      ->type_name("DIR|FILE");
  sub->add_flag("--raw", options.raw, "Also print RawData (hex) for payloads that decoded");
  return sub;
}

int run_dump(const dump_options& options) {
  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (!options.output.empty()) {
    file.reset(std::fopen(options.output.c_str(), "wb"));
    if (!file) {
      fmt::print(stderr, "etwcat: cannot write {}\n", options.output);
      return 2;
    }
    out = file.get();
  }

  decode::decoder decoder;
  diagnostics manifest_diags;
  for (const std::string& path : options.manifests) {
    auto added = decoder.add_manifests(path, manifest_diags);
    if (!added.ok()) {
      fmt::print(stderr, "etwcat: --manifest {}: {}\n", path, added.failure().message);
      return 2;
    }
  }
  // A folder's unreadable manifests are skipped, and said so.
  for (const auto& d : manifest_diags.items()) fmt::print(stderr, "etwcat: {}\n", format(d));
  for (const std::string& path : options.format_files) {
    auto added = decoder.add_format_files(path);
    if (!added.ok()) {
      fmt::print(stderr, "etwcat: --tmf {}: {}\n", path, added.failure().message);
      return 2;
    }
  }

  diagnostics diags;
  std::vector<std::filesystem::path> paths(options.files.begin(), options.files.end());
  etl::merged_reader trace = etl::merged_reader::open(paths, diags);

  formats::output_sink sink(out);
  std::unique_ptr<formats::event_writer> writer;
  if (options.summary) {
    writer = std::make_unique<formats::summary_writer>(sink, options.format == "text"
                                                                 ? formats::summary_format::text
                                                                 : formats::summary_format::jsonl);
  } else if (options.format == "text") {
    writer = std::make_unique<formats::text_writer>(sink);
  } else {
    writer = std::make_unique<formats::jsonl_writer>(
        sink, formats::jsonl_options{.always_raw = options.raw});
  }

  formats::summary totals;
  writer->begin(describe(trace, options.files));
  etl::record_view record;
  event e;
  provider_names names;
  while (trace.next(record)) {
    ++totals.records_read;
    fill_event(record, trace.clock(trace.file()), e);
    e.source = static_cast<std::uint16_t>(trace.file());
    decoder.decode(record, e);
    if (e.provider_name.empty()) e.provider_name = names.find(e.provider_guid);
    if (!e.decode_error.empty()) ++totals.decode_errors;
    writer->write(e);
    ++totals.events_written;
    if (sink.failed()) break;  // the reader of our output went away
  }
  for (std::size_t f = 0; f < trace.file_count(); ++f) {
    if (trace.opened(f)) totals.events_lost += trace.header(f).events_lost;
  }
  totals.diagnostics = diags.count();
  writer->finish(totals);

  for (const auto& d : diags.items()) fmt::print(stderr, "etwcat: {}\n", format(d));
  if (diags.dropped() > 0) {
    fmt::print(stderr, "etwcat: … and {} more problems not shown\n", diags.dropped());
  }
  return diags.empty() ? 0 : exit_data_error;
}

}  // namespace etwcat::cmd
