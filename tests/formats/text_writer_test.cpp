// Tests for formats/text_writer.h: the exact text line, colors on request only, and one line
// per event whatever the names contain.
#include "formats/text_writer.h"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>

using etwcat::event;
using etwcat::guid;
using etwcat::formats::append_event_text;

namespace {

std::string text_of(const event& e, bool color = false) {
  std::string out;
  append_event_text(out, e, color);
  return out;
}

event kernel_event() {
  event e;
  e.provider_name = "Windows Kernel";
  e.set_event_name("Process/Start");
  e.has_time = true;
  e.time_created = 129402940472257591;
  e.has_process_and_thread = true;
  e.process_id = 4;
  e.thread_id = 8;
  e.processor_id = 2;
  e.has_version = e.has_opcode = true;
  e.version = 2;
  e.opcode = 1;
  return e;
}

}  // namespace

TEST_CASE("text_writer: time, provider, name, pid/tid, cpu, then key=value pairs") {
  CHECK(text_of(kernel_event()) ==
        "2011-01-23T22:07:27.2257591Z Windows Kernel Process/Start pid=4 tid=8 cpu=2 version=2 "
        "opcode=1 raw_size=0");
}

TEST_CASE("text_writer: bytes left over after the last field end the line as a warning") {
  const std::array<std::byte, 6> payload = {std::byte{1}, std::byte{0},    std::byte{2},
                                            std::byte{0}, std::byte{0xEE}, std::byte{0xFF}};
  event e = kernel_event();
  e.raw_data = payload;
  e.payload_decoded = true;
  e.data.add_unsigned("a", 1);
  e.data.add_unsigned("b", 2);
  etwcat::payload_surplus surplus;
  surplus.bytes = std::span(payload).subspan(4);
  surplus.offset = 4;
  e.data.set_surplus(surplus);
  CHECK(text_of(e) ==
        "2011-01-23T22:07:27.2257591Z Windows Kernel Process/Start pid=4 tid=8 cpu=2 version=2 "
        "opcode=1 a=1 b=2 decode_warning=\"2 bytes left over after the last field (offset 4)\"");
}

TEST_CASE("text_writer: a manifest event without names shows its GUID and descriptor") {
  event e;
  e.provider_guid = guid::parse("dd5ef90a-6398-47a4-ad34-4dcecdef795f").value();
  e.set_event_name("EventID(21)");
  e.has_event_id = e.has_version = e.has_level = e.has_task = e.has_opcode = e.has_keywords =
      e.has_channel = true;
  e.event_id = 21;
  e.level = 4;
  e.level_name = "Information";
  e.task = 4;
  e.opcode = 28;
  e.keywords = 0x8000000000000010;
  e.has_activity_id = true;
  e.activity_id = guid::parse("00000100-0000-0003-193d-42fb30bbcb01").value();
  e.processor_id = 3;
  CHECK(text_of(e) ==
        // No timestamp (WPP without one): 28 dashes keep the columns.
        "---------------------------- {DD5EF90A-6398-47A4-AD34-4DCECDEF795F} EventID(21) "
        "cpu=3 id=21 version=0 level=Information task=4 opcode=28 keywords=0x8000000000000010 "
        "activity={00000100-0000-0003-193D-42FB30BBCB01} raw_size=0");
}

TEST_CASE("text_writer: control characters in names cannot break the line") {
  event e = kernel_event();
  e.provider_name = "bad\nname\x1b";
  CHECK(text_of(e).find("bad?name? Process/Start") != std::string::npos);
}

TEST_CASE("text_writer: colors only when asked, and warnings in yellow") {
  event e = kernel_event();
  CHECK(text_of(e).find('\x1b') == std::string::npos);
  const std::string colored = text_of(e, true);
  CHECK(colored.rfind("\x1b[2m2011-01-23T22:07:27.2257591Z\x1b[0m \x1b[36mWindows Kernel\x1b[0m "
                      "\x1b[1mProcess/Start\x1b[0m \x1b[2mpid=\x1b[0m4",
                      0) == 0);
  e.has_level = true;
  e.level = 3;
  CHECK(text_of(e, true).find("\x1b[1;33mProcess/Start") != std::string::npos);
}

TEST_CASE("text_writer: a file is no terminal, so automatic mode writes no colors") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  CHECK_FALSE(etwcat::formats::wants_color(file));
  {
    etwcat::formats::output_sink sink(file);
    etwcat::formats::text_writer writer(sink);
    writer.begin({});
    writer.write(kernel_event());
    writer.finish({});
  }
  std::rewind(file);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file));
  std::fclose(file);
  CHECK(text == text_of(kernel_event()) + "\n");
}
