// The decoder against PerfView/TraceEvent's baselines: every "COUNT Provider/EventName:N"
// line of the five baseline files equals etwcat's count of events with that provider and
// event name (decoded with the CLR manifest PerfView ships), except the few listed below with
// the reason TraceEvent counts differently. scripts/compare-baseline also compares the EVENT
// lines' field values.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "lib/decode/decoder.h"
#include "lib/provider/known_providers.h"
#include "tests/support/corpus.h"
#include "tests/support/decoding.h"

using namespace etwcat;

namespace {

std::map<std::string, std::uint64_t> baseline_counts(const std::string& file) {
  std::map<std::string, std::uint64_t> counts;
  std::ifstream in(testing::corpus_file(file));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("COUNT ")) continue;
    const auto colon = line.rfind(':');
    counts[line.substr(6, colon - 6)] = std::stoull(line.substr(colon + 1));
  }
  return counts;
}

std::map<std::string, std::uint64_t> etwcat_counts(const std::string& file) {
  decode::decoder decoder;
  testing::add_provider_manifest(decoder, "microsoft-perfview/ClrEtwAll.man");
  std::map<std::string, std::uint64_t> counts;
  std::string key;
  testing::decode_capture(decoder, file, [&](const etl::record_view&, const event& e) {
    key = e.provider_name.empty() ? e.provider_guid.to_string() : std::string(e.provider_name);
    key += '/';
    key += e.event_name();
    ++counts[key];
  });
  return counts;
}

// Compares, and returns the names whose counts differ.
std::set<std::string> differences(const std::string& name) {
  const auto theirs = baseline_counts("perfview/" + name + ".baseline.txt");
  REQUIRE(!theirs.empty());
  const auto ours = etwcat_counts("perfview/" + name + ".etl");
  std::set<std::string> differ;
  for (const auto& [event_name, count] : theirs) {
    auto it = ours.find(event_name);
    const std::uint64_t mine = it == ours.end() ? 0 : it->second;
    if (mine != count) {
      differ.insert(event_name);
      MESSAGE(event_name << ": baseline " << count << ", etwcat " << mine);
    }
  }
  return differ;
}

// TraceLog drops idle-thread samples (ThreadID 0 outside DPC/ISR), so its PerfInfo/Sample
// counts are lower than the raw records; and its harness names the two KernelTraceControl-
// described kernel events by the MOF provider "MSNT_SystemTrace".
const std::set<std::string> tracelog_filters_and_names = {"Windows Kernel/PerfInfo/Sample",
                                                          "MSNT_SystemTrace/Image/KernelBase",
                                                          "MSNT_SystemTrace/SystemConfig/Platform"};

std::set<std::string> with(std::set<std::string> s, std::initializer_list<std::string> more) {
  s.insert(more);
  return s;
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("baseline: net.4.5.x86.etl COUNT lines") {
    ETWCAT_REQUIRE_CORPUS();
    // Method/LoadVerbose: 20 events have MethodFlags 16 (JIT helper), which TraceLog omits.
    CHECK(differences("net.4.5.x86") ==
          with(tracelog_filters_and_names, {"Microsoft-Windows-DotNETRuntime/Method/LoadVerbose"}));
  }

  TEST_CASE("baseline: net.4.5.2.x64.etl COUNT lines") {
    ETWCAT_REQUIRE_CORPUS();
    // TraceEvent's own CLR parser names four events differently from the manifest's opcode
    // messages (GCBulkMovedObjectRanges, GCGenerationRange, ...; IncreaseMemoryPressure
    // under the GarbageCollection task).
    CHECK(differences("net.4.5.2.x64") ==
          with(tracelog_filters_and_names,
               {"Microsoft-Windows-DotNETRuntime/GC/BulkMovedObjectRanges",
                "Microsoft-Windows-DotNETRuntime/GC/BulkSurvivingObjectRanges",
                "Microsoft-Windows-DotNETRuntime/GC/GenerationRange",
                "Microsoft-Windows-DotNETRuntime/GarbageCollection/IncreaseMemoryPressure"}));
  }

  TEST_CASE("baseline: net.4.5.2.x86.etl COUNT lines") {
    ETWCAT_REQUIRE_CORPUS();
    CHECK(differences("net.4.5.2.x86") ==
          with(tracelog_filters_and_names,
               {"Microsoft-Windows-DotNETRuntime/GC/BulkSurvivingObjectRanges",
                "Microsoft-Windows-DotNETRuntime/GC/GenerationRange",
                "Microsoft-Windows-DotNETRuntime/GarbageCollection/IncreaseMemoryPressure",
                "Microsoft-Windows-DotNETRuntime/Method/LoadVerbose"}));
  }

  TEST_CASE("baseline: gcevents.etl and gcrundownevents.etl COUNT lines") {
    ETWCAT_REQUIRE_CORPUS();
    // A .NET 8 capture: these events are newer than the 2016 CLR manifest available here, and
    // the trace's own metadata names them "GarbageCollection/…". GC/FitBucketInfo,
    // GC/LOHCompact and the rundown's two settings events are named by etwcat's built-in
    // layouts of the newer .NET events, as TraceEvent names them.
    CHECK(differences("gcevents") ==
          std::set<std::string>{"Microsoft-Windows-DotNETRuntime/GC/GlobalHeapHistory",
                                "Microsoft-Windows-DotNETRuntime/GC/MarkWithType",
                                "Microsoft-Windows-DotNETRuntime/GC/PerHeapHistory"});
    CHECK(differences("gcrundownevents").empty());
  }
}
