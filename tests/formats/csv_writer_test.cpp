// Tests for formats/csv_writer.h: RFC 4180 quoting, the header and a row of a hand-filled event,
// the Source column, and whole captures read back with a reader written here.
#include "formats/csv_writer.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "formats/event_data_json.h"
#include "lib/base/text_buffer.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"

using etwcat::event;
using etwcat::formats::csv_writer;
using etwcat::formats::field_selection;
using etwcat::formats::output_sink;
using etwcat::formats::trace_info;

namespace {

using row = std::vector<std::string>;

// RFC 4180 records: fields split at commas, quoted fields may hold commas, CRLF and doubled
// quotes; every record ends in CRLF. A reader independent of the writer's code.
std::vector<row> read_csv(const std::string& text) {
  std::vector<row> rows;
  row current;
  std::string field;
  bool quoted = false, at_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && at_start) {
      quoted = true;
      at_start = false;
    } else if (c == ',') {
      current.push_back(field);
      field.clear();
      at_start = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      current.push_back(field);
      rows.push_back(current);
      current.clear();
      field.clear();
      at_start = true;
      ++i;
    } else {
      if (c == '"' || c == '\n' || c == '\r') FAIL("a bare quote or line break at " << i);
      field.push_back(c);
      at_start = false;
    }
  }
  CHECK_MESSAGE(current.empty(), "the last record has no CRLF");
  CHECK(field.empty());
  return rows;
}

std::string read_all(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char chunk[65536];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) text.append(chunk, n);
  return text;
}

std::string written(const trace_info& info, const std::vector<event>& events,
                    const field_selection& fields = {}) {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    output_sink sink(file);
    csv_writer writer(sink, fields);
    writer.begin(info);
    for (const event& e : events) writer.write(e);
    writer.finish({});
  }
  std::string text = read_all(file);
  std::fclose(file);
  return text;
}

}  // namespace

TEST_CASE("csv_writer: a cell is quoted only when it holds a comma, a quote, CR or LF") {
  etwcat::text_buffer out;
  for (const char* cell : {"plain", "", "a,b", "say \"hi\"", "two\r\nlines", "lf\n", "tab\t"}) {
    out.clear();
    etwcat::formats::append_csv_cell(out, cell);
    if (std::string_view(cell).find_first_of(",\"\r\n") == std::string_view::npos) {
      CHECK(out == cell);
    } else {
      CHECK(out[0] == '"');
      CHECK(out.back() == '"');
    }
  }
  out.clear();
  etwcat::formats::append_csv_cell(out, "say \"hi\", \"you\"");
  CHECK(out == R"("say ""hi"", ""you""")");
}

TEST_CASE("csv_writer: the header and the row of a hand-filled event") {
  event e;
  e.provider_name = "P,Q";
  e.has_event_id = e.has_version = e.has_level = e.has_time = e.has_process_and_thread = true;
  e.event_id = 21;
  e.version = 1;
  e.level = 4;
  e.time_created = 129402940472257591;
  e.process_id = 4;
  e.thread_id = 8;
  e.process_name = "a.exe";
  e.attributed = true;
  e.processor_id = 2;
  e.set_event_name("T/O");
  e.data.add_string("Text", "line1\nline \"2\"");
  e.data.add_unsigned("N", 5);
  e.decode_error = "short";
  const std::string text = written({}, {e});
  CHECK(text ==
        "TimeCreated,ProviderName,ProviderGuid,EventID,Version,Level,Task,Opcode,Keywords,"
        "EventName,ProcessID,ThreadID,ProcessName,Attributed,ProcessorID,ActivityID,EventData,"
        "DecodeError\r\n"
        "2011-01-23T22:07:27.2257591Z,\"P,Q\",{00000000-0000-0000-0000-000000000000},21,1,4,,,,"
        "T/O,4,8,a.exe,true,2,,\"{\"\"Text\"\":\"\"line1\\nline \\\"\"2\\\"\"\"\",\"\"N\"\":5}\","
        "short\r\n");
  const std::vector<row> rows = read_csv(text);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].size() == rows[1].size());
  CHECK(rows[1][16] == R"({"Text":"line1\nline \"2\"","N":5})");
}

TEST_CASE(
    "csv_writer: a Source column only with several inputs, and the --fields columns as given") {
  event a, b;
  b.source = 1;
  trace_info two;
  two.sources.push_back({.name = "a.etl", .index = 0});
  two.sources.push_back({.name = "b.etl", .index = 1});
  std::vector<row> rows = read_csv(written(two, {a, b}));
  REQUIRE(rows.size() == 3);
  REQUIRE(rows[0].size() == 19);
  CHECK(rows[0][16] == "Source");
  CHECK(rows[1][16] == "a.etl");
  CHECK(rows[2][16] == "b.etl");
  CHECK(read_csv(written({}, {a}))[0].size() == 18);

  const std::vector<std::string> paths = {"System.Execution.ProcessorID", "System.Source",
                                          "EventData.Missing"};
  a.processor_id = 3;
  rows = read_csv(written(two, {a, b}, field_selection::parse(paths)));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == row{"System.Execution.ProcessorID", "System.Source", "EventData.Missing"});
  CHECK(rows[1] == row{"3", "a.etl", ""});
  CHECK(rows[2] == row{"0", "b.etl", ""});
  // One column that is empty is still a record, not a blank line.
  const std::vector<std::string> missing = {"EventData.Missing"};
  const std::string text = written({}, {a}, field_selection::parse(missing));
  CHECK(text == "EventData.Missing\r\n\"\"\r\n");
  CHECK(read_csv(text).size() == 2);
}

TEST_SUITE("corpus") {
  TEST_CASE("csv_writer: one row per event of real captures, cells equal to the events' values") {
    ETWCAT_REQUIRE_CORPUS();
    const std::vector<std::string> files = {"tx/HTTP_Server.etl", "krabsetw/powershell.etl"};
    etwcat::decode::decoder decoder;
    etwcat::diagnostics diags;
    REQUIRE(decoder.add_manifests(etwcat::testing::corpus_file("tx/HTTP_Server.man"), diags).ok());
    std::vector<std::filesystem::path> paths;
    trace_info info;
    for (std::size_t i = 0; i < files.size(); ++i) {
      paths.push_back(etwcat::testing::corpus_file(files[i]));
      info.sources.push_back({.name = files[i], .index = static_cast<std::uint16_t>(i)});
    }
    auto trace = etwcat::etl::merged_reader::open(paths, diags);
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    // What each row must hold, from the event itself: id, pid, source, EventData JSON.
    std::vector<row> expected;
    {
      output_sink sink(file);
      csv_writer writer(sink);
      writer.begin(info);
      etwcat::trace::pipeline pipeline(decoder);
      pipeline.run(trace, [&](const event& e) {
        etwcat::text_buffer data;
        if (!e.data.empty()) {
          data += "{";
          etwcat::formats::append_event_data_members(data, e.data);
          data += "}";
        }
        expected.push_back({e.has_event_id ? std::to_string(e.event_id) : "",
                            e.has_process_and_thread ? std::to_string(e.process_id) : "",
                            files[e.source], data.str(), e.decode_error});
        writer.write(e);
        return true;
      });
      writer.finish({});
    }
    const std::vector<row> rows = read_csv(read_all(file));
    std::fclose(file);
    REQUIRE(rows.size() == expected.size() + 1);
    CHECK(expected.size() > 2043);
    const row& header = rows[0];
    REQUIRE(header.size() == 19);
    CHECK(header[3] == "EventID");
    CHECK(header[10] == "ProcessID");
    CHECK(header[16] == "Source");
    CHECK(header[17] == "EventData");
    simdjson::dom::parser parser;
    std::uint64_t bad = 0, with_data = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const row& r = rows[i + 1];
      const row got = {r[3], r[10], r[16], r[17], r[18]};
      if (r.size() != header.size() || got != expected[i]) {
        if (++bad <= 3) FAIL_CHECK("row " << i + 1 << " differs: " << r[17]);
        continue;
      }
      if (r[17].empty()) continue;
      simdjson::dom::object object;
      if (parser.parse(r[17]).get(object) != simdjson::SUCCESS) ++bad;
      ++with_data;
    }
    CHECK(bad == 0);
    CHECK(with_data > 2000);
  }
}
