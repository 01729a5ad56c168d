// Tests for formats/xml_writer.h: escaping (markup, the control characters XML 1.0 forbids,
// invalid UTF-8), the exact Event of a hand-filled event in the schema's order, EventData
// structs and arrays, undecoded payloads, and whole captures checked for well-formedness by a
// small reader written here (the CLI test parses them with Python's xml.etree).
#include "formats/xml_writer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/base/text_buffer.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"

using etwcat::event;
using etwcat::guid;
using etwcat::formats::append_xml_escaped;
using etwcat::formats::output_sink;
using etwcat::formats::trace_info;
using etwcat::formats::xml_writer;

namespace {

std::string escaped(std::string_view text, bool attribute) {
  etwcat::text_buffer out;
  append_xml_escaped(out, text, attribute);
  return out.str();
}

std::string xml_of(const event& e, etwcat::formats::xml_options options = {},
                   std::string_view source = {}) {
  etwcat::text_buffer out, scratch;
  etwcat::formats::append_event_xml(out, e, options, source, scratch);
  return out.str();
}

constexpr std::string_view open_event =
    R"(<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event" )"
    R"(xmlns:etwcat="urn:etwcat">)";

// Checks that `text` is well-formed as far as this writer's output goes: tags balance, every
// '&' starts a known reference, no raw '<' in text, no byte XML forbids. Returns the number of
// elements named `count_name` and the names of the children of each such element in `children`.
std::size_t check_well_formed(const std::string& text, std::string_view count_name,
                              std::vector<std::vector<std::string>>* children = nullptr) {
  std::vector<std::string> open;
  std::size_t count = 0, i = 0;
  if (text.starts_with("<?xml")) i = text.find("?>") + 2;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\n' && c != '\t') FAIL("control byte at " << i);
    if (c == '&') {
      const std::size_t semi = text.find(';', i);
      if (semi == std::string::npos) FAIL("& without ; at " << i);
      const std::string ref = text.substr(i, semi + 1 - i);
      const bool known = ref == "&amp;" || ref == "&lt;" || ref == "&gt;" || ref == "&quot;" ||
                         ref == "&#9;" || ref == "&#10;" || ref == "&#13;";
      if (!known) FAIL(ref);
      i = semi + 1;
      continue;
    }
    if (c == '>') FAIL("raw '>' in text at " << i);
    if (c != '<') {
      ++i;
      continue;
    }
    const std::size_t end = text.find('>', i);
    if (end == std::string::npos) FAIL("unclosed tag at " << i);
    std::string tag = text.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) FAIL(tag);
    i = end + 1;
    if (tag.starts_with("/")) {
      if (open.empty() || open.back() != tag.substr(1)) FAIL(tag << " closes another element");
      open.pop_back();
      continue;
    }
    const bool empty = tag.ends_with("/");
    const std::string name = tag.substr(0, tag.find_first_of(" /"));
    // Attribute values are quoted and hold no raw '<' or '"' (checked by the tag search).
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) FAIL(tag);
    if (children != nullptr && !open.empty() && open.back() == count_name) {
      children->back().push_back(name);
    }
    if (name == count_name) {
      ++count;
      if (children != nullptr) children->emplace_back();
    }
    if (!empty) open.push_back(name);
  }
  CHECK(open.empty());
  return count;
}

}  // namespace

TEST_CASE("xml_writer: markup is escaped, forbidden characters become U+FFFD") {
  CHECK(escaped("a&b<c>\"d'", false) == "a&amp;b&lt;c&gt;&quot;d'");
  CHECK(escaped("t\tl\nr\r", false) == "t\tl\nr&#13;");
  CHECK(escaped("t\tl\nr\r", true) == "t&#9;l&#10;r&#13;");
  CHECK(escaped(std::string_view("\x00\x01\x1F\x7F", 4), false) ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\x7F");
  // Valid UTF-8 stays; invalid bytes, U+FFFE and U+FFFF do not.
  CHECK(escaped("caf\xC3\xA9 \xF0\x9F\x98\x80", false) == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(escaped("\xFF\xC3", false) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(escaped("\xEF\xBF\xBE\xEF\xBF\xBF\xEF\xBF\xBD", false) ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(escaped("\xED\xA0\x80", false) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST_CASE("xml_writer: a hand-filled event in the Event schema's order") {
  event e;
  e.provider_name = "P<1>";
  e.provider_guid = guid::parse("dd5ef90a-6398-47a4-ad34-4dcecdef795f").value_or(guid{});
  e.has_event_id = e.has_version = e.has_level = e.has_task = e.has_opcode = e.has_keywords =
      e.has_channel = true;
  e.event_id = 21;
  e.version = 1;
  e.level = 4;
  e.level_name = "Information";
  e.task = 4;
  e.task_name = "T";
  e.opcode = 28;
  e.opcode_name = "O";
  e.keywords = 0x8000000000000010;
  e.keyword_names = {"K1", "K2"};
  e.channel = 16;
  e.set_event_name("T/O");
  e.has_time = true;
  e.time_created = 129402940472257591;
  e.has_activity_id = true;
  e.activity_id = guid::parse("00000100-0000-0003-193d-42fb30bbcb01").value_or(guid{});
  e.has_process_and_thread = true;
  e.process_id = 4;
  e.thread_id = 8;
  e.process_name = "a&b.exe";
  e.attributed = true;
  e.processor_id = 2;
  e.cpu_times = etwcat::cpu_time_kind::kernel_user;
  e.kernel_time = 15;
  e.user_time = 31;
  e.set_sid("S-1-5-18");
  e.data.add_string("Text", "x\x01y");
  e.data.add_hex("Flags", 0x1F);
  const std::string xml = xml_of(e, {}, "in.etl");
  CHECK(xml ==
        std::string(open_event) +
            R"(<System><Provider Name="P&lt;1&gt;" Guid="{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}"/>)"
            "<EventID>21</EventID><Version>1</Version><Level>4</Level><Task>4</Task>"
            "<Opcode>28</Opcode><Keywords>0x8000000000000010</Keywords>"
            R"(<TimeCreated SystemTime="2011-01-23T22:07:27.2257591Z"/>)"
            R"(<Correlation ActivityID="{00000100-0000-0003-193D-42FB30BBCB01}"/>)"
            R"(<Execution ProcessID="4" ThreadID="8" ProcessorID="2" KernelTime="15" )"
            R"(UserTime="31"/><Channel>16</Channel><Computer/><Security UserID="S-1-5-18"/>)"
            "<etwcat:EventName>T/O</etwcat:EventName>"
            "<etwcat:ProcessName>a&amp;b.exe</etwcat:ProcessName>"
            "<etwcat:Attributed>true</etwcat:Attributed>"
            "<etwcat:Source>in.etl</etwcat:Source></System>"
            "<EventData><Data Name=\"Text\">x\xEF\xBF\xBDy</Data>"
            "<Data Name=\"Flags\">0x1F</Data></EventData>"
            R"(<RenderingInfo Culture="en-US"><Level>Information</Level><Opcode>O</Opcode>)"
            "<Task>T</Task><Provider>P&lt;1&gt;</Provider>"
            "<Keywords><Keyword>K1</Keyword><Keyword>K2</Keyword></Keywords>"
            "</RenderingInfo></Event>");
  CHECK(check_well_formed(xml, "Event") == 1);
}

TEST_CASE("xml_writer: structs and arrays are ComplexData, named members and unnamed elements") {
  event e;
  e.data.begin_struct("S");
  e.data.add_unsigned("A", 1);
  e.data.begin_array("L");
  e.data.add_string({}, "x");
  e.data.begin_struct({});
  e.data.add_bool("B", true);
  e.data.end_struct();
  e.data.end_array();
  e.data.end_struct();
  e.data.add_float("F", 1.5F);
  const std::string xml = xml_of(e);
  CHECK(xml.find("<EventData><ComplexData Name=\"S\"><Data Name=\"A\">1</Data>"
                 "<ComplexData Name=\"L\"><Data>x</Data><ComplexData><Data Name=\"B\">true</Data>"
                 "</ComplexData></ComplexData></ComplexData><Data Name=\"F\">1.5</Data>"
                 "</EventData>") != std::string::npos);
  CHECK(check_well_formed(xml, "Event") == 1);
}

TEST_CASE("xml_writer: an undecoded payload is BinaryEventData, and --raw keeps a decoded one") {
  const std::array<std::byte, 3> raw = {std::byte{0x0A}, std::byte{0x0B}, std::byte{0xFF}};
  event e;
  e.raw_data = raw;
  e.is_classic = true;
  e.classic_type = 1;
  e.header_type = "SYSTEM64";
  std::string xml = xml_of(e);
  CHECK(xml.find("</System><BinaryEventData>0A0BFF</BinaryEventData>") != std::string::npos);
  CHECK(xml.find(R"(<etwcat:Classic Type="1" HeaderType="SYSTEM64"/>)") != std::string::npos);
  CHECK(xml.ends_with(
      R"(<ExtendedTracingInfo xmlns="http://schemas.microsoft.com/win/2004/08/events/trace">)"
      "<EventGuid>{00000000-0000-0000-0000-000000000000}</EventGuid></ExtendedTracingInfo>"
      "</Event>"));
  CHECK(xml.find("<Channel/><Computer/><Security/>") != std::string::npos);
  e.payload_decoded = true;
  e.data.add_unsigned("N", 2571);
  CHECK(xml_of(e).find("RawData") == std::string::npos);
  xml = xml_of(e, {.always_raw = true});
  CHECK(xml.find("<etwcat:RawData>0A0BFF</etwcat:RawData></Event>") != std::string::npos);
  CHECK(xml.find("BinaryEventData") == std::string::npos);
}

TEST_CASE("xml_writer: the document is <Events> even with no events") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    output_sink sink(file);
    xml_writer writer(sink);
    writer.begin({});
    writer.finish({});
  }
  std::rewind(file);
  std::string text(256, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file));
  std::fclose(file);
  CHECK(text == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n</Events>\n");
}

TEST_SUITE("corpus") {
  TEST_CASE("xml_writer: real captures make well-formed Events, one per event, System first") {
    ETWCAT_REQUIRE_CORPUS();
    const std::vector<std::string> files = {"tx/HTTP_Server.etl", "perfview/net.4.5.2.x86.etl",
                                            "findneedle-wpp/wppstr-sample.etl"};
    etwcat::decode::decoder decoder;
    etwcat::diagnostics diags;
    std::vector<std::filesystem::path> paths;
    trace_info info;
    for (std::size_t i = 0; i < files.size(); ++i) {
      paths.push_back(etwcat::testing::corpus_file(files[i]));
      info.sources.push_back({.name = files[i], .index = static_cast<std::uint16_t>(i)});
    }
    auto trace = etwcat::etl::merged_reader::open(paths, diags);
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    std::uint64_t events = 0;
    {
      output_sink sink(file);
      xml_writer writer(sink);
      writer.begin(info);
      etwcat::trace::pipeline pipeline(decoder);
      pipeline.run(trace, [&](const event& e) {
        ++events;
        writer.write(e);
        return true;
      });
      writer.finish({});
    }
    std::fflush(file);
    std::rewind(file);
    std::string text;
    char chunk[65536];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) {
      text.append(chunk, n);
    }
    std::fclose(file);
    std::vector<std::vector<std::string>> children;
    CHECK(check_well_formed(text, "Event", &children) == events);
    CHECK(events > 100000);
    std::uint64_t misordered = 0;
    for (const auto& names : children) {
      // System, then at most one payload element, then RenderingInfo and the extensions.
      if (names.empty() || names[0] != "System" ||
          (names.size() > 1 && names[1] != "EventData" && names[1] != "BinaryEventData" &&
           names[1] != "RenderingInfo" && !names[1].starts_with("etwcat:") &&
           names[1] != "ExtendedTracingInfo")) {
        ++misordered;
      }
    }
    CHECK(misordered == 0);
  }
}
