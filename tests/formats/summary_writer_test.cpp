// Tests for formats/summary_writer.h: rows in natural order (EventID(2) before EventID(10)),
// and JSON lines that say which of the three shapes they are, on a real capture.
#include "formats/summary_writer.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <cstdio>
#include <string>
#include <vector>

#include "lib/provider/known_providers.h"
#include "tests/support/decoding.h"

using etwcat::event;
using etwcat::formats::summary_format;
using etwcat::formats::summary_writer;

namespace {

// Everything a writer wrote to a temporary file (portable: no open_memstream on Windows).
class captured_output {
 public:
  captured_output() : file_(std::tmpfile()) { REQUIRE(file_ != nullptr); }
  ~captured_output() { std::fclose(file_); }
  std::FILE* file() const { return file_; }
  std::string text() const {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, file_)) > 0;) out.append(chunk, n);
    return out;
  }

 private:
  std::FILE* file_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

// One event per name, all of one provider, through a summary writer.
std::string summarize_names(const std::vector<std::string>& names, summary_format format) {
  captured_output output;
  {
    etwcat::formats::output_sink sink(output.file());
    summary_writer writer(sink, format);
    writer.begin({});
    for (const auto& name : names) {
      event e;
      e.provider_name = "P";
      e.set_event_name(name);
      writer.write(e);
    }
    writer.finish({});
  }
  return output.text();
}

// The event names of the JSON lines, in order, joined by ", " so that failures read well.
std::string json_event_names(const std::string& text) {
  std::string names;
  for (const auto& line : lines_of(text)) {
    const std::string key = "\"EventName\":\"";
    auto at = line.find(key);
    if (at == std::string::npos) continue;
    at += key.size();
    if (!names.empty()) names += ", ";
    names += line.substr(at, line.find('"', at) - at);
  }
  return names;
}

// The same from the text rows: what follows `separator` ("PROVIDER / " or the like).
std::string text_event_names(const std::string& text, const std::string& separator) {
  std::string names;
  for (const auto& line : lines_of(text)) {
    auto at = line.find(separator);
    if (at == std::string::npos || line.find("PROVIDER / EVENT") != std::string::npos) continue;
    if (!names.empty()) names += ", ";
    names += line.substr(at + separator.size());
  }
  return names;
}

// A capture summarized as `etwcat dump --summary` does, the decoder set up by `setup`, the
// provider named from the built-in table when no schema names it, the file shown by its corpus
// name.
template <class Setup>
std::string summarize(const std::string& file, summary_format format, Setup setup) {
  etwcat::formats::trace_info info;
  {
    etwcat::diagnostics diags;
    const std::filesystem::path paths[] = {etwcat::testing::corpus_file(file)};
    auto trace = etwcat::etl::merged_reader::open(paths, diags);
    info.sources.push_back(etwcat::formats::describe_source(trace.header(0), file, 0));
  }
  captured_output output;
  {
    etwcat::formats::output_sink sink(output.file());
    summary_writer writer(sink, format);
    writer.begin(info);
    etwcat::decode::decoder decoder;
    setup(decoder);
    etwcat::formats::summary totals;
    etwcat::testing::decode_capture(decoder, file, [&](const auto&, event& e) {
      if (e.provider_name.empty()) {
        if (const auto* known = etwcat::provider::find_known_provider(e.provider_guid)) {
          e.provider_name = known->name;
        }
      }
      writer.write(e);
      ++totals.records_read;
      ++totals.events_written;
      if (!e.decode_error.empty()) ++totals.decode_errors;
    });
    writer.finish(totals);
  }
  return output.text();
}

// HTTP_Server.etl without schemas: the rows checked are those of events without one
// (EventID(N), Decoded 0).
std::string summarize_http_server(summary_format format) {
  return summarize("tx/HTTP_Server.etl", format,
                   [](etwcat::decode::decoder& d) { d.use_builtin_schemas(false); });
}

// tx/KernelNetwork.etl summarized with SystemEvents.man, whose Kernel-Network templates are 4
// bytes shorter than every record (decoded, with a surplus).
std::string summarize_kernel_network(summary_format format) {
  return summarize("tx/KernelNetwork.etl", format, [](etwcat::decode::decoder& d) {
    etwcat::testing::add_provider_manifest(d, "microsoft-Tx/SystemEvents.man");
  });
}

}  // namespace

TEST_CASE("#9: summary_writer: digit runs in names compare as numbers") {
  const std::vector<std::string> names = {
      "EventID(12)", "EventID(2)",   "EventID(10)", "EventID(1)",
      "GC/Start",    "EventID(007)", "EventID(7)",  "EventID(99999999999999999999)"};
  // Equal numbers written differently stay two rows, the text order breaking the tie.
  const std::string sorted =
      "EventID(1), EventID(2), EventID(007), EventID(7), EventID(10), EventID(12), "
      "EventID(99999999999999999999), GC/Start";
  CHECK(json_event_names(summarize_names(names, summary_format::jsonl)) == sorted);
  CHECK(text_event_names(summarize_names(names, summary_format::text), " P / ") == sorted);
}

TEST_SUITE("corpus") {
  TEST_CASE("#9: summary_writer: HTTP_Server.etl rows in natural order, text and JSON alike") {
    ETWCAT_REQUIRE_CORPUS();
    const std::string order =
        "EventID(1), EventID(2), EventID(3), EventID(4), EventID(5), EventID(8), EventID(9), "
        "EventID(10), EventID(12), EventID(21), EventID(22), EventID(51), EventTrace";
    CHECK(json_event_names(summarize_http_server(summary_format::jsonl)) == order);
    CHECK(text_event_names(summarize_http_server(summary_format::text), " / ") == order);
  }

  TEST_CASE("#9: summary_writer: each JSON line names its shape in a leading Type member") {
    ETWCAT_REQUIRE_CORPUS();
    const auto lines = lines_of(summarize_http_server(summary_format::jsonl));
    REQUIRE(lines.size() == 15);  // one file, 13 event names, the total
    CHECK(
        lines.front() ==
        R"j({"Type":"File","File":"tx/HTTP_Server.etl","OSBuild":7601,"Processors":4,)j"
        R"j("PointerSize":8,"Buffers":36,"EventsLost":0,"BuffersLost":0,)j"
        R"j("StartTime":"2011-01-23T22:06:37.4768585Z","EndTime":"2011-01-23T22:08:26.8467320Z",)j"
        R"j("Events":2042,"Decoded":1,"Surplus":0,"DecodeErrors":0})j");
    CHECK(
        lines[2] ==
        R"j({"Type":"Event","Provider":"Microsoft-Windows-HttpService","EventName":"EventID(2)",)j"
        R"j("Count":291,"Decoded":0,"First":"2011-01-23T22:07:27.2266291Z",)j"
        R"j("Last":"2011-01-23T22:07:56.4894400Z"})j");
    CHECK(lines.back() ==
          R"j({"Type":"Total","Total":{"Records":2042,"Events":2042,"EventsLost":0,)j"
          R"j("Diagnostics":0,"Surplus":0,"DecodeErrors":0}})j");
    // Every line is JSON whose first member is Type, and the shapes come in order.
    simdjson::dom::parser parser;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      CAPTURE(lines[i]);
      simdjson::dom::object object = parser.parse(simdjson::padded_string(lines[i]));
      auto first = *object.begin();
      CHECK(first.key == "Type");
      const std::string_view want = i == 0 ? "File" : i + 1 == lines.size() ? "Total" : "Event";
      CHECK(std::string_view(first.value) == want);
    }
  }

  TEST_CASE("summary_writer: decoded, decoded with bytes left over, and failed are apart") {
    ETWCAT_REQUIRE_CORPUS();
    // SOURCES.txt: the header and 8,923 Kernel-Network events; each decodes with 4 bytes left
    // over. Decoded counts them (and the header), Surplus says how many had bytes left over.
    const auto lines = lines_of(summarize_kernel_network(summary_format::jsonl));
    REQUIRE(lines.size() >= 3);
    CHECK(lines.front().ends_with(R"("Events":8924,"Decoded":8924,"Surplus":8923,)"
                                  R"("DecodeErrors":0})"));
    CHECK(lines.back() == R"j({"Type":"Total","Total":{"Records":8924,"Events":8924,)j"
                          R"j("EventsLost":0,"Diagnostics":0,"Surplus":8923,"DecodeErrors":0}})j");
    // Every Kernel-Network row: Surplus equals Count; the header's row has no Surplus member.
    simdjson::dom::parser parser;
    std::uint64_t rows = 0, events = 0;
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
      CAPTURE(lines[i]);
      simdjson::dom::object row = parser.parse(simdjson::padded_string(lines[i]));
      const std::string_view provider = row["Provider"];
      const std::uint64_t count = row["Count"];
      CHECK(std::uint64_t(row["Decoded"]) == count);
      CHECK(row["DecodeErrors"].error() == simdjson::NO_SUCH_FIELD);
      if (provider == "Microsoft-Windows-Kernel-Network") {
        CHECK(std::uint64_t(row["Surplus"]) == count);
        events += count;
        ++rows;
      } else {
        CHECK(row["Surplus"].error() == simdjson::NO_SUCH_FIELD);
      }
    }
    CHECK(rows > 0);
    CHECK(events == 8923);

    // The text form says the same per file, and in the SURPLUS and ERRORS columns per row.
    const auto text = lines_of(summarize_kernel_network(summary_format::text));
    REQUIRE(text.size() >= 4);
    CHECK(text[1] ==
          "tx/KernelNetwork.etl: 8924 events, EventData decoded for 8924 (100.0%), 8923 of them "
          "with bytes left over, 0 decode errors");
    CHECK(text[3].starts_with("    COUNT  DECODED  SURPLUS   ERRORS  FIRST"));
    std::uint64_t text_events = 0;
    for (const auto& line : text) {
      if (line.find("Microsoft-Windows-Kernel-Network / ") == std::string::npos) continue;
      CAPTURE(line);
      // COUNT, DECODED (share), SURPLUS, ERRORS: every event decoded, all with a surplus.
      unsigned long long count = 0, surplus = 0, errors = 0;
      char share[16] = {};
      REQUIRE(std::sscanf(line.c_str(), "%llu %15s %llu %llu", &count, share, &surplus, &errors) ==
              4);
      CHECK(std::string(share) == "100.0%");
      CHECK(surplus == count);
      CHECK(errors == 0);
      text_events += count;
    }
    CHECK(text_events == 8923);
  }
}
