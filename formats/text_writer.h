// text_writer: one line per event for people (output-schema.md "Text format"): time, provider,
// event name, process(PID)/TID, CPU, then key=value pairs; ANSI colors only on a terminal
// without NO_COLOR. Programs should read jsonl: this format leaves things out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "formats/event_writer.h"
#include "formats/field_selection.h"
#include "formats/jsonl_writer.h"
#include "lib/base/text_buffer.h"
#include "lib/event/event.h"

namespace etwcat::formats {

enum class color_mode : std::uint8_t {
  automatic,  // colors when the sink's FILE* is a terminal and NO_COLOR is unset or empty
  always,
  never,
};

/// How the text lines look.
struct text_options {
  color_mode color = color_mode::automatic;
  bool utc = false;   // times in UTC; otherwise local time with its offset
  bool wide = false;  // long values and binary fields whole, not elided
};

/// True when `file` is a terminal and the NO_COLOR convention (no-color.org) does not apply.
bool wants_color(std::FILE* file);

/// Strings longer than this (in UTF-8 bytes) keep their head and tail, unless wide.
constexpr std::size_t max_text_value = 80;

/// Writes, before the events, a few lines starting with "# " per input, and one about the
/// columns:
///
///   # net.etl: 2020-07-29 00:07:00.6236167 to 2020-07-29 00:07:10.6935923 (UTC+00:00, 10.1 s)
///   #   Windows build 9200, 8 processors, 64-bit, 360 buffers, 0 events lost
///   # time (local), provider, event, process(PID)/TID (* attributed), cpu, fields
///
/// (with several inputs each is tagged "[1]", "[2]" … in the order given), then per event:
///
///   2020-07-29 00:07:03.1022131 Kernel-Process ProcessStart svchost.exe(1234)/5678* cpu=2 …
///
/// - Time: the wall-clock time of this machine's time zone (TZ) at the event, its UTC offset
///   said once per input in the header (lines stay short); with utc, UTC and a trailing Z.
///   7 fractional digits: ETW's 100 ns. FILETIME fields keep their RFC 3339 UTC form.
/// - [N]: the input the event came from, only when there are several.
/// - Provider: its name without a leading "Microsoft-Windows-", "Microsoft.Windows.",
///   "Microsoft-" or "Microsoft." ("Windows Kernel", "DotNETRuntime", "Kernel-Process");
///   its GUID when the trace does not name it.
/// - Event name (output-schema.md "Names"); red for Critical and Error, yellow for Warning.
/// - image(PID)/TID, PID/TID when the image is unknown, "-" when the record has no ids; a
///   trailing * when the ids were attributed (from the payload, or the thread then running on
///   that CPU), not read from the record's header.
/// - cpu=N; id=N unless the name says it; level=… for Critical, Error and Warning only;
///   activity=, related_activity= and sid= when present; stack=N (frames).
/// - EventData as Name=value: a value is quoted when empty or holding a space, '"', '=' or a
///   character that is no text (controls, DEL, C1, line separators, bidi overrides, invalid
///   UTF-8), with '"' and '\' escaped inside quotes and such characters as \n, \t, \xNN or
///   \uNNNN, so an event is always one line and cannot drive the terminal. Structs and arrays
///   print as JSON. Unless wide: a string over max_text_value bytes keeps its first 48 and
///   last 24 bytes around "…(+N bytes)…", JSON over 80 bytes its first 64, and binary over 16
///   bytes its first 16 (as hex) before "…(+N bytes)" (N: the bytes left out).
/// - raw=hex of a payload that did not decode; decode_error="…" when the payload did not fit
///   its schema, decode_warning="…" when bytes were left over after its last field.
class text_writer final : public event_writer {
 public:
  explicit text_writer(output_sink& sink, color_mode mode = color_mode::automatic);
  text_writer(output_sink& sink, const text_options& options);
  /// With --fields: each line is just `path=value` for the fields the event has, quoted and
  /// elided as EventData values are.
  text_writer(output_sink& sink, const text_options& options, field_selection fields);

  void begin(const trace_info& info) override;
  void write(const event& e) override;
  void finish(const summary&) override { sink_.flush(); }

 private:
  output_sink& sink_;
  text_options options_;  // color resolved to always or never
  // The UTC offset of the minute last converted: one localtime() per minute of trace time.
  std::int64_t offset_minute_ = INT64_MIN;
  std::int64_t offset_seconds_ = 0;
  text_buffer scratch_;  // reused when a JSON value needs escaping
  field_selection fields_;
  source_names sources_;  // [N] tags with several inputs; System.Source for --fields
};

/// Appends the text line of `e`, without the newline (tests, other writers). Color only with
/// color_mode::always; `tag_source` prefixes "[source+1]" as with several inputs.
void append_event_text(text_buffer& out, const event& e, const text_options& options,
                       bool tag_source = false);
/// The same in local time, never wide.
void append_event_text(text_buffer& out, const event& e, bool color = false);

/// Appends the "# " lines that begin() writes.
void append_trace_header(text_buffer& out, const trace_info& info, const text_options& options);

/// `name` as the provider column shows it: "Microsoft-Windows-Kernel-Process" -> "Kernel-Process".
std::string_view short_provider_name(std::string_view name) noexcept;

}  // namespace etwcat::formats
