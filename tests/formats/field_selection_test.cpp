// Tests for formats/field_selection.h: the usage errors of --fields, values of a hand-filled
// event, and, on real captures, every field against the value simdjson finds at the same path
// in the event's full JSON object.
#include "formats/field_selection.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <filesystem>
#include <string>
#include <vector>

#include "formats/jsonl_writer.h"
#include "lib/base/text_buffer.h"
#include "lib/base/usage_error.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"

using etwcat::event;
using etwcat::formats::field_selection;

namespace {

field_selection parse(std::vector<std::string> paths) { return field_selection::parse(paths); }

// The usage error parse() throws, or "" when it parses.
std::string error_of(std::vector<std::string> paths) {
  try {
    field_selection::parse(paths);
  } catch (const etwcat::usage_error& e) {
    return e.what();
  }
  return {};
}

// Field `i` as JSON and as text; "<missing>" when the event has none.
std::string json_at(const field_selection& f, const event& e, std::size_t i) {
  etwcat::text_buffer out;
  out += "x";  // what is there stays
  if (!f.append_json(out, e, i, "in.etl")) return out == "x" ? "<missing>" : "<appended>";
  return std::string(out.view().substr(1));
}
std::string text_at(const field_selection& f, const event& e, std::size_t i) {
  etwcat::text_buffer out;
  out += "x";
  if (!f.append_text(out, e, i, "in.etl")) return out == "x" ? "<missing>" : "<appended>";
  return std::string(out.view().substr(1));
}

event sample_event() {
  event e;
  e.provider_name = "P";
  e.has_event_id = e.has_level = e.has_keywords = e.has_process_and_thread = true;
  e.event_id = 10;
  e.level = 4;
  e.level_name = "Information";
  e.keywords = 0x8000000000000010;
  e.process_id = 4;
  e.thread_id = 8;
  e.process_name = "svc, \"host\".exe";
  e.attributed = true;
  e.data.add_string("ImageName", "C:\\a\tb");
  e.data.add_hex("Flags", 0x1F);
  e.data.begin_struct("S");
  e.data.add_unsigned("A", 1);
  e.data.begin_array("List");
  e.data.add_signed({}, -1);
  e.data.add_signed({}, 7);
  e.data.end_array();
  e.data.end_struct();
  return e;
}

}  // namespace

TEST_CASE("field_selection: an unknown System path is a usage error naming it and the valid ones") {
  const std::string message = error_of({"System.EventID", "System.Execution.PID"});
  CHECK(message.find("\"System.Execution.PID\"") != std::string::npos);
  CHECK(message.find("System.Execution.ProcessID") != std::string::npos);
  CHECK(message.find("System.TimeCreated.SystemTime") != std::string::npos);
  CHECK(message.find("System.EventID, System.Version") != std::string::npos);
  CHECK(error_of({"Nope"}).find("\"Nope\"") != std::string::npos);
  CHECK(error_of({"ExtendedData.Nope"}).find("ExtendedData.StackTrace") != std::string::npos);
  CHECK(error_of({"System.EventID", "system.eventid"}).find("twice") != std::string::npos);
  CHECK(error_of({""}).find("empty") != std::string::npos);
  CHECK(error_of({"EventData.A..B"}).find("empty step") != std::string::npos);
  // Case does not matter; the path is kept as given.
  CHECK(error_of({"system.execution.processid", "EVENTDATA.x", "RawData", "Surplus"}).empty());
  CHECK(parse({"system.eventid"}).path(0) == "system.eventid");
}

TEST_CASE("field_selection: values as JSON and as plain text, missing ones append nothing") {
  const event e = sample_event();
  const field_selection f = parse(
      {"System.EventID", "System.Level", "System.Keywords.Mask", "System.Execution.ProcessName",
       "System.Execution.Attributed", "EventData.imagename", "EventData.Flags", "EventData.S",
       "EventData.S.List.1", "EventData.S.List.2", "System.Version", "System.Source",
       "System.Provider.Guid", "EventData.Nope", "EventData.S.A.B"});
  CHECK(json_at(f, e, 0) == "10");
  CHECK(text_at(f, e, 0) == "10");
  CHECK(json_at(f, e, 1) == R"({"Value":4,"Name":"Information"})");
  CHECK(text_at(f, e, 1) == R"({"Value":4,"Name":"Information"})");  // objects stay JSON
  CHECK(json_at(f, e, 2) == R"("0x8000000000000010")");
  CHECK(text_at(f, e, 2) == "0x8000000000000010");
  CHECK(json_at(f, e, 3) == R"("svc, \"host\".exe")");
  CHECK(text_at(f, e, 3) == "svc, \"host\".exe");
  CHECK(json_at(f, e, 4) == "true");
  CHECK(json_at(f, e, 5) == R"("C:\\a\tb")");
  CHECK(text_at(f, e, 5) == "C:\\a\tb");
  CHECK(json_at(f, e, 6) == R"("0x1F")");
  CHECK(text_at(f, e, 6) == "0x1F");
  CHECK(json_at(f, e, 7) == R"({"A":1,"List":[-1,7]})");
  CHECK(json_at(f, e, 8) == "7");
  CHECK(json_at(f, e, 9) == "<missing>");  // past the end of the array
  CHECK(json_at(f, e, 10) == "<missing>");
  CHECK(text_at(f, e, 11) == "in.etl");
  CHECK(text_at(f, e, 12) == "{00000000-0000-0000-0000-000000000000}");
  CHECK(json_at(f, e, 13) == "<missing>");
  CHECK(json_at(f, e, 14) == "<missing>");  // A is a number, not a struct

  etwcat::text_buffer object;
  parse({"System.Version", "System.EventID", "EventData.Nope", "EventData.S.List"})
      .append_json_object(object, e);
  CHECK(object == R"({"System.EventID":10,"EventData.S.List":[-1,7]})");
  object.clear();
  parse({"System.Version"}).append_json_object(object, e);
  CHECK(object == "{}");
}

TEST_SUITE("corpus") {
  TEST_CASE("field_selection: every field agrees with the full JSON object, on real captures") {
    ETWCAT_REQUIRE_CORPUS();
    const std::vector<std::string> system_paths = {"System.Provider",
                                                   "System.Provider.Name",
                                                   "System.Provider.Guid",
                                                   "System.EventID",
                                                   "System.Version",
                                                   "System.Level",
                                                   "System.Level.Value",
                                                   "System.Level.Name",
                                                   "System.Task.Value",
                                                   "System.Task.Name",
                                                   "System.Opcode.Name",
                                                   "System.Keywords",
                                                   "System.Keywords.Mask",
                                                   "System.Keywords.Name",
                                                   "System.Channel.Value",
                                                   "System.EventName",
                                                   "System.TimeCreated",
                                                   "System.TimeCreated.SystemTime",
                                                   "System.Correlation",
                                                   "System.Correlation.ActivityID",
                                                   "System.Execution",
                                                   "System.Execution.ProcessID",
                                                   "System.Execution.ThreadID",
                                                   "System.Execution.ProcessName",
                                                   "System.Execution.Attributed",
                                                   "System.Execution.ProcessorID",
                                                   "System.Execution.KernelTime",
                                                   "System.Classic",
                                                   "System.Classic.Group",
                                                   "System.Classic.Type",
                                                   "System.DecodeError",
                                                   "System.DecodeWarning",
                                                   "EventData",
                                                   "ExtendedData",
                                                   "ExtendedData.StackTrace",
                                                   "Surplus"};
    const field_selection fields = field_selection::parse(system_paths);
    simdjson::dom::parser full_parser, part_parser;
    etwcat::text_buffer line, part;
    std::string minified_full;
    std::uint64_t events = 0, compared = 0, data_fields = 0, mismatches = 0;
    for (const char* file : {"tx/HTTP_Server.etl", "perfview/net.4.5.2.x86.etl",
                             "perfview/SelfDescribingSingleEvent.etl", "tx/KernelNetwork.etl"}) {
      etwcat::decode::decoder decoder;
      etwcat::diagnostics diags;
      const std::filesystem::path paths[] = {etwcat::testing::corpus_file(file)};
      auto trace = etwcat::etl::merged_reader::open(paths, diags);
      etwcat::trace::pipeline pipeline(decoder);
      pipeline.run(trace, [&](const event& e) {
        ++events;
        line.clear();
        etwcat::formats::append_event_json(line, e);
        simdjson::dom::element doc;
        REQUIRE(full_parser.parse(line.data(), line.size()).get(doc) == simdjson::SUCCESS);
        // A path's value in the full object, or an error when it has none.
        auto at_path = [&](std::string_view path) {
          simdjson::simdjson_result<simdjson::dom::element> v = simdjson::dom::element(doc);
          for (std::size_t from = 0;;) {
            const std::size_t dot = path.find('.', from);
            v = v[path.substr(from, dot - from)];
            if (dot == std::string_view::npos) return v;
            from = dot + 1;
          }
        };
        // Millions of comparisons: count the mismatches, show the first few.
        auto mismatch = [&](std::string_view path, std::string_view why) {
          if (++mismatches <= 5) FAIL_CHECK(file << " " << path << ": " << why << ": " << line);
        };
        auto check = [&](std::size_t i, std::string_view path, const field_selection& selection) {
          part.clear();
          const bool present = selection.append_json(part, e, i);
          simdjson::dom::element expected;
          const bool expected_present = at_path(path).get(expected) == simdjson::SUCCESS;
          if (present != expected_present) return mismatch(path, "present or not");
          if (!present) return;
          simdjson::dom::element got;
          if (part_parser.parse(part.data(), part.size()).get(got) != simdjson::SUCCESS) {
            return mismatch(path, "not JSON");
          }
          minified_full = simdjson::minify(expected);
          if (simdjson::minify(got) != minified_full) return mismatch(path, part.view());
          // Text: a string's own characters, anything else its JSON.
          etwcat::text_buffer text;
          selection.append_text(text, e, i);
          std::string_view s;
          if (expected.get(s) == simdjson::SUCCESS) {
            if (text.view() != s) return mismatch(path, text.view());
          } else {
            simdjson::dom::element text_json;
            if (part_parser.parse(text.data(), text.size()).get(text_json) != simdjson::SUCCESS ||
                simdjson::minify(text_json) != minified_full) {
              return mismatch(path, text.view());
            }
          }
          ++compared;
        };
        for (std::size_t i = 0; i < fields.size(); ++i) check(i, fields.path(i), fields);
        // Every top-level EventData member by its own name, in upper case: found ignoring case.
        for (const etwcat::data_item& item : e.data.items()) {
          // Nested members, repeated names and names with dots are not top-level paths.
          if (item.name.empty() || e.data.find(item.name) != &item ||
              item.name.find('.') != std::string_view::npos) {
            continue;
          }
          std::string upper = "EventData.";
          for (char c : item.name) upper.push_back(c >= 'a' && c <= 'z' ? char(c - 32) : c);
          const std::vector<std::string> one = {upper};
          const field_selection named = field_selection::parse(one);
          check(0, "EventData." + std::string(item.name), named);
          ++data_fields;
        }
        return true;
      });
    }
    MESSAGE(events << " events, " << compared << " values compared, " << data_fields
                   << " EventData fields");
    CHECK(mismatches == 0);
    CHECK(events > 30000);
    CHECK(data_fields > 100000);
  }
}
