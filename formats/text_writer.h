// text_writer: one line per event for people (output-schema.md "Text format"): time, provider,
// event name, pid/tid, cpu, then key=value pairs; ANSI colors only on a terminal without NO_COLOR.
#pragma once

#include <cstdio>
#include <string>

#include "formats/event_writer.h"
#include "lib/event/event.h"

namespace etwcat::formats {

enum class color_mode : std::uint8_t {
  automatic,  // colors when the sink's FILE* is a terminal and NO_COLOR is unset or empty
  always,
  never,
};

/// True when `file` is a terminal and the NO_COLOR convention (no-color.org) does not apply.
bool wants_color(std::FILE* file);

/// Writes lines such as
///   2011-01-23T22:07:27.2257591Z Windows Kernel Process/Start pid=4 tid=8 cpu=2 version=2
///   opcode=1 raw_size=72
/// (one line). The provider is its GUID when the trace does not name it. A payload that did not
/// fit its schema ends with decode_error="…", one with bytes left over after its last field
/// with decode_warning="4 bytes left over after the last field (offset 28)".
class text_writer final : public event_writer {
 public:
  explicit text_writer(output_sink& sink, color_mode mode = color_mode::automatic);

  void begin(const trace_info&) override {}
  void write(const event& e) override;
  void finish(const summary&) override { sink_.flush(); }

 private:
  output_sink& sink_;
  bool color_;
};

/// Appends the text line of `e`, without the newline (tests, other writers).
void append_event_text(std::string& out, const event& e, bool color = false);

}  // namespace etwcat::formats
