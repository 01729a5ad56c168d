// event_filter: what the header decides, what waits for decoding, and the option errors.
#include "lib/trace/event_filter.h"

#include <doctest/doctest.h>

#include <string>

#include "lib/base/time_format.h"

using namespace etwcat;
using trace::event_filter;
using trace::filter_options;
using verdict = event_filter::verdict;

namespace {

event_filter make(const filter_options& o) {
  auto f = event_filter::make(o);
  REQUIRE_MESSAGE(f.ok(), (f.ok() ? "" : f.failure().message));
  return std::move(f.value());
}

std::string failure_of(const filter_options& o) {
  auto f = event_filter::make(o);
  return f.ok() ? std::string("(accepted)") : f.failure().message;
}

event manifest_event(std::uint16_t id, std::uint8_t level, std::uint64_t keywords) {
  event e;
  e.has_event_id = e.has_level = e.has_keywords = true;
  e.event_id = id;
  e.level = level;
  e.keywords = keywords;
  e.has_process_and_thread = true;
  e.process_id = 100;
  e.thread_id = 200;
  e.has_time = true;
  e.time_created = 129402940472257591;  // 2011-01-23T22:07:27.2257591Z
  return e;
}

}  // namespace

TEST_CASE("event_filter: number lists keep, range and leave out") {
  trace::number_set s;
  REQUIRE(s.add("4, 8-12, !10", "--id", 0xFFFF).ok());
  CHECK(s.contains(4));
  CHECK(s.contains(8));
  CHECK(s.contains(12));
  CHECK_FALSE(s.contains(10));
  CHECK_FALSE(s.contains(5));
  trace::number_set only_out;
  REQUIRE(only_out.add("!3", "--id", 0xFFFF).ok());
  CHECK(only_out.contains(2));
  CHECK_FALSE(only_out.contains(3));
  trace::number_set hex;
  REQUIRE(hex.add("0x10", "--pid", 0xFFFFFFFF).ok());
  CHECK(hex.contains(16));
}

TEST_CASE("event_filter: mistakes name the option and the item") {
  filter_options o;
  o.ids = {"5-x"};
  CHECK(failure_of(o) ==
        "--id \"5-x\": \"5-x\" is not a number or range (give numbers, ranges like 5-9, and !N to "
        "leave one out)");
  o = {};
  o.ids = {"9-5"};
  CHECK(failure_of(o) == "--id \"9-5\": range \"9-5\" runs backwards");
  o = {};
  o.ids = {"70000"};
  CHECK(failure_of(o) == "--id \"70000\": \"70000\" is out of range (0-65535)");
  o = {};
  o.max_level = "loud";
  CHECK(failure_of(o).rfind("--level \"loud\": neither a number", 0) == 0);
  o = {};
  o.since = "2011-01-23T22:07:27";
  CHECK(failure_of(o).rfind("--since \"2011-01-23T22:07:27\": not a time", 0) == 0);
  o = {};
  o.where = {"Size"};
  CHECK(failure_of(o).rfind("--where \"Size\": give FIELD=VALUE", 0) == 0);
  o = {};
  o.where = {"Size>big"};
  CHECK(failure_of(o) == "--where \"Size>big\": compares numbers: give one after the comparison");
  o = {};
  o.where = {"Name~(["};
  CHECK(failure_of(o).rfind("--where \"Name~([\": not a regular expression", 0) == 0);
}

TEST_CASE("event_filter: the header decides ID, level, keywords, PID and time") {
  filter_options o;
  o.ids = {"1-10"};
  o.max_level = "warning";
  o.keywords = "0x10";
  o.pids = {"100"};
  o.since = "2011-01-23T22:00:00Z";
  o.until = "2011-01-23T23:00:00Z";
  event_filter f = make(o);
  CHECK(f.check_header(manifest_event(5, 3, 0x10)) == verdict::keep);
  CHECK(f.check_header(manifest_event(11, 3, 0x10)) == verdict::drop);
  CHECK(f.check_header(manifest_event(5, 4, 0x10)) == verdict::drop);
  CHECK(f.check_header(manifest_event(5, 0, 0x10)) == verdict::keep);  // LogAlways
  CHECK(f.check_header(manifest_event(5, 3, 0x20)) == verdict::drop);
  CHECK(f.check_header(manifest_event(5, 3, 0)) == verdict::keep);  // no keywords: always
  event other_process = manifest_event(5, 3, 0x10);
  other_process.process_id = 101;
  CHECK(f.check_header(other_process) == verdict::drop);
  event late = manifest_event(5, 3, 0x10);
  late.time_created += 10'000'000ull * 3600;
  CHECK(f.check_header(late) == verdict::drop);
  // No PID in the header: attribution may find one, so the decoded event decides.
  event sample = manifest_event(5, 3, 0x10);
  sample.has_process_and_thread = false;
  CHECK(f.check_header(sample) == verdict::undecided);
  CHECK_FALSE(f.check_decoded(sample));
  sample.has_process_and_thread = true;
  sample.attributed = true;
  CHECK(f.check_decoded(sample));
}

TEST_CASE("event_filter: offsets count from the trace's start") {
  filter_options o;
  o.since = "+1s";
  o.until = "+1500ms";
  event_filter f = make(o);
  const event e = manifest_event(1, 4, 0);
  f.set_trace_start(e.time_created - 10'000'000);  // e is 1 s in
  CHECK(f.check_header(e) == verdict::keep);
  f.set_trace_start(e.time_created - 9'999'999);
  CHECK(f.check_header(e) == verdict::drop);
  f.set_trace_start(e.time_created - 15'000'001);
  CHECK(f.check_header(e) == verdict::drop);
}

TEST_CASE("event_filter: offsets without a start count from the first event (live)") {
  filter_options o;
  o.since = "+1s";
  event_filter f = make(o);
  event first = manifest_event(1, 4, 0);
  CHECK(f.check_header(first) == verdict::drop);
  event later = first;
  later.time_created += 10'000'000;
  CHECK(f.check_header(later) == verdict::keep);
  event earlier = first;  // the start stays the first event's, not the earliest
  earlier.time_created -= 10'000'000;
  CHECK(f.check_header(earlier) == verdict::drop);
}

TEST_CASE("event_filter: providers by GUID at the header, by name once decoded (and cached)") {
  const guid kernel_process = guid::parse("{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}").value();
  const guid other = guid::parse("{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E717}").value();
  filter_options by_id;
  by_id.providers = {"22fb2cd6-0e7b-422b-a0c7-2fad1fd0e716"};
  event_filter f = make(by_id);
  event e = manifest_event(1, 4, 0);
  e.provider_guid = kernel_process;
  CHECK(f.check_header(e) == verdict::keep);
  e.provider_guid = other;
  CHECK(f.check_header(e) == verdict::drop);

  filter_options by_name;
  by_name.providers = {"*kernel-PROCESS"};
  event_filter g = make(by_name);
  e.provider_guid = kernel_process;
  CHECK(g.check_header(e) == verdict::undecided);
  e.provider_name = "Microsoft-Windows-Kernel-Process";
  CHECK(g.check_decoded(e));
  e.provider_name = {};  // a later record of the same provider: its GUID decides now
  CHECK(g.check_header(e) == verdict::keep);
  e.provider_guid = other;
  e.provider_name = "Microsoft-Windows-Kernel-Processor-Power";
  CHECK(g.check_header(e) == verdict::undecided);
  CHECK_FALSE(g.check_decoded(e));
  CHECK(g.check_header(e) == verdict::drop);
}

TEST_CASE("event_filter: --where compares numbers as numbers, text exactly, regexes any case") {
  event e = manifest_event(1, 4, 0);
  e.data.add_unsigned("TransferSize", 16384);
  e.data.add_hex("Irp", 0xFFFFFA8302A1DC60);
  e.data.add_string("FileName", "\\Windows\\System32\\NTDLL.dll");
  e.data.add_signed("Delta", -5);
  auto passes = [&](std::string test) {
    filter_options o;
    o.where = {std::move(test)};
    event_filter f = make(o);
    return f.check_header(e) != verdict::drop && f.check_decoded(e);
  };
  CHECK(passes("TransferSize=16384"));
  CHECK(passes("TransferSize=0x4000"));
  CHECK(passes("transfersize>16383"));
  CHECK_FALSE(passes("TransferSize>16384"));
  CHECK(passes("TransferSize>=16384"));
  CHECK(passes("TransferSize!=1"));
  CHECK(passes("Irp=0xFFFFFA8302A1DC60"));  // all 64 bits, not a double's 53
  CHECK_FALSE(passes("Irp=0xFFFFFA8302A1DC61"));
  CHECK(passes("EventData.FileName=\\Windows\\System32\\NTDLL.dll"));
  CHECK_FALSE(passes("FileName=\\windows\\system32\\ntdll.dll"));
  CHECK(passes("FileName~ntdll\\.DLL$"));
  CHECK(passes("Delta<0"));
  CHECK_FALSE(passes("Missing=1"));
  CHECK_FALSE(passes("Missing!=1"));  // a member the event lacks never matches
}
