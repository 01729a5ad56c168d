// Tests for formats/json_writer.h: a valid document with no events, the loss element, and whole
// captures read back with simdjson, element by element against the JSON lines of the same events.
#include "formats/json_writer.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/base/text_buffer.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"

using etwcat::event;
using etwcat::formats::json_writer;
using etwcat::formats::output_sink;
using etwcat::formats::trace_info;

namespace {

std::string read_all(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char chunk[65536];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) text.append(chunk, n);
  return text;
}

std::string written(const std::vector<event>& events, const etwcat::formats::summary& totals = {},
                    const etwcat::formats::field_selection& fields = {}) {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    output_sink sink(file);
    json_writer writer(sink, {}, fields);
    writer.begin({});
    for (const event& e : events) writer.write(e);
    writer.finish(totals);
  }
  std::string text = read_all(file);
  std::fclose(file);
  return text;
}

std::string json_of(const event& e) {
  etwcat::text_buffer out;
  etwcat::formats::append_event_json(out, e);
  return out.str();
}

}  // namespace

TEST_CASE("json_writer: no events make the empty array") {
  CHECK(written({}) == "[]\n");
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  CHECK(parser.parse(written({})).get(array) == simdjson::SUCCESS);
  CHECK(array.size() == 0);
}

TEST_CASE("json_writer: one element per line, the same objects as JSON lines") {
  event a, b;
  a.processor_id = 1;
  b.has_event_id = true;
  b.event_id = 7;
  CHECK(written({a, b}) == "[\n" + json_of(a) + ",\n" + json_of(b) + "\n]\n");
  const std::vector<std::string> paths = {"System.EventID"};
  CHECK(written({a, b}, {}, etwcat::formats::field_selection::parse(paths)) ==
        "[\n{},\n{\"System.EventID\":7}\n]\n");
}

TEST_CASE("json_writer: a live session's losses are the last element") {
  etwcat::formats::session_loss loss;
  loss.session = "s";
  loss.delivered = 3;
  loss.events_lost = 2;
  etwcat::formats::summary totals;
  totals.loss = &loss;
  const std::string text = written({}, totals);
  CHECK(text.starts_with("[\n{\"Type\":\"Loss\",\"Session\":\"s\",\"Delivered\":3,"));
  CHECK(text.ends_with("}\n]\n"));
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  REQUIRE(parser.parse(text).get(array) == simdjson::SUCCESS);
  CHECK(array.size() == 1);
}

TEST_SUITE("corpus") {
  TEST_CASE("json_writer: real captures make one document, an element per JSON line") {
    ETWCAT_REQUIRE_CORPUS();
    for (const char* name : {"tx/HTTP_Server.etl", "tx/KernelNetwork.etl"}) {
      etwcat::decode::decoder decoder;
      etwcat::diagnostics diags;
      const std::filesystem::path paths[] = {etwcat::testing::corpus_file(name)};
      auto trace = etwcat::etl::merged_reader::open(paths, diags);
      std::vector<std::string> lines;
      std::FILE* file = std::tmpfile();
      REQUIRE(file != nullptr);
      {
        output_sink sink(file);
        json_writer writer(sink);
        trace_info info;
        info.sources.push_back({.name = name, .index = 0});
        writer.begin(info);
        etwcat::trace::pipeline pipeline(decoder);
        pipeline.run(trace, [&](const event& e) {
          lines.push_back(json_of(e));
          writer.write(e);
          return true;
        });
        writer.finish({});
      }
      const std::string text = read_all(file);
      std::fclose(file);
      simdjson::dom::parser parser;
      simdjson::dom::array array;
      REQUIRE_MESSAGE(parser.parse(text).get(array) == simdjson::SUCCESS, name);
      CHECK(array.size() == lines.size());
      CHECK(lines.size() > 1000);
      simdjson::dom::parser line_parser;
      std::size_t i = 0, different = 0;
      for (simdjson::dom::element element : array) {
        simdjson::dom::element line;
        if (i >= lines.size() || line_parser.parse(lines[i]).get(line) != simdjson::SUCCESS ||
            simdjson::minify(line) != simdjson::minify(element)) {
          ++different;
        }
        ++i;
      }
      CHECK_MESSAGE(different == 0, name);
    }
  }
}
