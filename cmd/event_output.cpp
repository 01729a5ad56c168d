#include "cmd/event_output.h"

#include <fmt/format.h>

#include "formats/csv_writer.h"
#include "formats/field_selection.h"
#include "formats/json_writer.h"
#include "formats/jsonl_writer.h"
#include "formats/provider_count_writer.h"
#include "formats/summary_writer.h"
#include "formats/text_writer.h"
#include "formats/xml_writer.h"
#include "lib/base/diagnostics.h"
#include "lib/base/path_text.h"
#include "lib/base/terminal.h"
#include "lib/base/usage_error.h"
#include "lib/decode/tdh/tdh_schemas.h"

namespace etwcat::cmd {

void add_event_output_options(CLI::App* sub, event_output_options& options) {
  sub->add_option("--format", options.format,
                  "Output format: jsonl, json (one array), text, csv or xml (Event Log / tracerpt "
                  "shape); default: text on a terminal, else jsonl")
      ->check(CLI::IsMember({"jsonl", "json", "text", "csv", "xml"}));
  sub->add_option("--fields", options.fields,
                  "Print only these members, comma-separated dotted paths: "
                  "System.EventID,System.Execution.ProcessID,EventData.ImageName (jsonl, csv, "
                  "text)")
      ->type_name("LIST")
      ->delimiter(',')
      ->allow_extra_args(false);
  sub->add_flag("--utc", options.utc, "Text: times in UTC (default: local time)");
  sub->add_flag("--wide", options.wide,
                "Text: print long values and binary fields whole instead of eliding them");
  sub->add_flag("-q,--quiet", options.quiet,
                "No progress line on stderr (shown only when stderr is a terminal and the input "
                "is large)");
  sub->add_option("-o,--output", options.output,
                  "Write to FILE instead of standard output (- is standard output); FILE is "
                  "replaced only when the run completes, and never when it is an input")
      ->type_name("FILE");
  sub->add_flag("--summary", options.summary,
                "Instead of events: per provider and event name, counts, the share decoded and "
                "first/last time, after each input's facts and decoded share");
  // One value per use (--manifest A --manifest B): a word after it is a trace file again.
  sub->add_option(
         "--manifest", options.manifests,
         "Instrumentation manifest (.man/.xml) or a folder of them: schemas and names of "
         "providers' events; one per use, repeatable: the first that describes an event is "
         "used")
      ->type_name("FILE|DIR")
      ->allow_extra_args(false);
  sub->add_flag("--no-builtin-schemas", options.no_builtin_schemas,
                "Do not use the provider schemas built into etwcat (public manifests: see "
                "'etwcat providers'); only the trace's own and --manifest ones");
  sub->add_flag("--no-tdh", options.no_tdh,
                "Windows: do not ask TDH (the machine's registered manifests) for events no other "
                "schema describes; elsewhere there is no TDH and this does nothing");
  sub->add_option("--tmf", options.format_files,
                  "WPP trace message format files: a folder of .tmf files, or one; one per use, "
                  "repeatable")
      ->type_name("DIR|FILE")
      ->allow_extra_args(false);
  sub->add_flag("--raw", options.raw, "Also print RawData (hex) for payloads that decoded");
}

bool load_schemas(const event_output_options& options, decode::decoder& decoder) {
  decoder.use_builtin_schemas(!options.no_builtin_schemas);
  // Last: what this machine has registered describes its own providers, not necessarily the
  // ones that wrote a trace from elsewhere.
  if (!options.no_tdh && decode::tdh_available()) decoder.use_fallback(decode::make_tdh_schemas());
  diagnostics manifest_diags;
  for (const std::string& path : options.manifests) {
    auto added = decoder.add_manifests(path_from_utf8(path), manifest_diags);
    if (!added.ok()) {
      fmt::print(stderr, "etwcat: --manifest {}: {}\n", path, added.failure().message);
      return false;
    }
  }
  // A folder's unreadable manifests are skipped, and said so.
  for (const auto& d : manifest_diags.items()) fmt::print(stderr, "etwcat: {}\n", format(d));
  for (const std::string& path : options.format_files) {
    auto added = decoder.add_format_files(path_from_utf8(path));
    if (!added.ok()) {
      // The message names the file (and line) it is about.
      fmt::print(stderr, "etwcat: --tmf: {}\n", added.failure().message);
      return false;
    }
  }
  return true;
}

event_output_options resolve_format(const event_output_options& options, std::FILE* output) {
  event_output_options resolved = options;
  if (resolved.format.empty()) resolved.format = is_terminal(output) ? "text" : "jsonl";
  return resolved;
}

std::unique_ptr<formats::event_writer> make_writer(const event_output_options& options,
                                                   formats::output_sink& sink) {
  if (options.provider_counts) {
    return std::make_unique<formats::provider_count_writer>(
        sink,
        options.format == "jsonl" ? formats::listing_format::jsonl : formats::listing_format::text);
  }
  if (options.summary) {
    return std::make_unique<formats::summary_writer>(sink, options.format == "text"
                                                               ? formats::summary_format::text
                                                               : formats::summary_format::jsonl);
  }
  if (options.format == "xml") {
    if (!options.fields.empty()) {
      throw usage_error(
          "--fields: not with --format xml (the Event schema has its own shape); "
          "use jsonl, json, csv or text");
    }
    return std::make_unique<formats::xml_writer>(sink,
                                                 formats::xml_options{.always_raw = options.raw});
  }
  // Parsed once here: a bad path is a usage error before any event is read.
  formats::field_selection fields = formats::field_selection::parse(options.fields);
  if (options.format == "text") {
    return std::make_unique<formats::text_writer>(
        sink, formats::text_options{.utc = options.utc, .wide = options.wide}, std::move(fields));
  }
  if (options.format == "csv") {
    return std::make_unique<formats::csv_writer>(sink, std::move(fields));
  }
  const formats::jsonl_options json{.always_raw = options.raw};
  if (options.format == "json") {
    return std::make_unique<formats::json_writer>(sink, json, std::move(fields));
  }
  return std::make_unique<formats::jsonl_writer>(sink, json, std::move(fields));  // also ""
}

}  // namespace etwcat::cmd
