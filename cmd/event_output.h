// event_output: what `dump` and `live` share on their command lines — the format, -o, --summary,
// --raw, and the schemas they decode with (--manifest, --tmf) — and the writer that follows.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "formats/event_writer.h"
#include "lib/decode/decoder.h"

namespace etwcat::cmd {

struct event_output_options {
  /// "jsonl", "json", "text", "csv" or "xml"; empty: not given — text when the output is a
  /// terminal, else jsonl (resolve_format()).
  std::string format;
  std::string output;  // empty or "-": stdout
  /// --fields: the members to print, as dotted paths ("System.EventID", "EventData.ImageName");
  /// empty: all.
  std::vector<std::string> fields;
  bool utc = false;    // --utc: text shows UTC times (default: local time)
  bool wide = false;   // --wide: text never elides long values
  bool quiet = false;  // --quiet: no progress line on stderr
  bool summary = false;
  /// Instead of events: per provider, its event count and share decoded (`providers --etl`).
  bool provider_counts = false;
  bool raw = false;                       // --raw: RawData even for decoded payloads
  std::vector<std::string> manifests;     // --manifest FILE|DIR, repeatable
  std::vector<std::string> format_files;  // --tmf DIR|FILE, repeatable
  bool no_builtin_schemas = false;        // --no-builtin-schemas
  bool no_tdh = false;                    // --no-tdh (Windows: no TDH fallback)
};

/// Adds --format, -o, --summary, --manifest, --no-builtin-schemas, --no-tdh, --tmf and --raw to
/// `command`.
void add_event_output_options(CLI::App* command, event_output_options& options);

/// Loads the --manifest and --tmf files into `decoder` and, on Windows unless --no-tdh, makes
/// TDH its last schema source. False, having told why on stderr.
bool load_schemas(const event_output_options& options, decode::decoder& decoder);

/// `options` with the format decided: when none was given, text for a terminal and JSON lines
/// for anything else (a pipe, a file).
event_output_options resolve_format(const event_output_options& options, std::FILE* output);

/// The writer the options ask for, writing into `sink`.
std::unique_ptr<formats::event_writer> make_writer(const event_output_options& options,
                                                   formats::output_sink& sink);

}  // namespace etwcat::cmd
