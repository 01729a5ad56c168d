// process_tracker through the pipeline, on real captures: kernel rundown and start events
// (perfview/net.4.5.2.x64.etl) and Microsoft-Windows-Kernel-Process events (tx/Process.etl).
#include "lib/trace/process_tracker.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"

using namespace etwcat;

namespace {

struct run_result {
  std::uint64_t events = 0;
  std::uint64_t header_pid = 0;  // the record's header had a process ID
  std::uint64_t with_pid = 0;    // after attribution
  std::uint64_t named = 0;
};

// Runs the pipeline over a corpus file, calling `each(event, tracker)` for every event.
template <class Each>
run_result run(const std::string& file, trace::pipeline& events, Each each) {
  diagnostics diags;
  const std::filesystem::path paths[] = {testing::corpus_file(file)};
  auto reader = etl::merged_reader::open(paths, diags);
  run_result r;
  events.run(reader, [&](const event& e) {
    ++r.events;
    if (e.has_process_and_thread && e.process_id != 0xFFFFFFFF) {
      ++r.with_pid;
      if (!e.attributed) ++r.header_pid;
    }
    if (!e.process_name.empty()) ++r.named;
    each(e, events.processes());
    return true;
  });
  CHECK(diags.empty());
  return r;
}

std::uint64_t field(const event& e, std::string_view name) {
  const data_item* item = e.data.find(name);
  REQUIRE(item != nullptr);
  return item->unsigned_value;
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("process_tracker: kernel samples, disk I/O and rundowns get their process") {
    ETWCAT_REQUIRE_CORPUS();
    decode::decoder decoder;
    trace::pipeline events(decoder);
    // Independently of the tracker: thread -> process from Thread rundown/start events.
    std::map<std::uint64_t, std::uint64_t> owner;
    std::uint64_t samples = 0, samples_checked = 0, disk = 0, disk_checked = 0, payload_pid = 0;
    const run_result r = run("perfview/net.4.5.2.x64.etl", events, [&](const event& e, auto&) {
      const std::string_view name = e.event_name();
      if (name == "Thread/DCStart" || name == "Thread/Start") {
        owner[field(e, "ThreadID")] = field(e, "ProcessID");
      }
      if (name == "PerfInfo/Sample" || name == "DiskIO/Read" || name == "DiskIO/Write") {
        const bool is_sample = name == "PerfInfo/Sample";
        ++(is_sample ? samples : disk);
        const auto thread = field(e, is_sample ? "ThreadID" : "IssuingThreadId");
        if (auto it = owner.find(thread); it != owner.end()) {
          CHECK(e.attributed);
          CHECK(e.process_id == it->second);
          CHECK(e.thread_id == thread);
          ++(is_sample ? samples_checked : disk_checked);
        }
      }
      // Rundowns mostly have no process in their header (PERFINFO): the one they are about
      // is theirs. Some have a header of the process that asked for the rundown; it stays.
      if ((name == "Image/DCStart" || name == "Process/DCStart") && e.attributed) {
        CHECK(e.process_id == field(e, "ProcessID"));
        ++payload_pid;
      }
    });
    CHECK(r.events == 179474);
    CHECK(r.header_pid == 79317);  // 44.2%: what the headers alone give
    MESSAGE("with a process ID: " << r.header_pid << " -> " << r.with_pid << " of " << r.events
                                  << "; named: " << r.named);
    CHECK(r.with_pid > r.events * 9 / 10);
    // Nearly every sample's thread was announced by a Thread event (the rest by headers).
    CHECK(samples == 79528);
    CHECK(samples_checked > samples * 9 / 10);
    CHECK(disk_checked > 0);
    CHECK(payload_pid > 1500);
    // The processes: System and the Idle process ran throughout; devenv-like user processes
    // have command lines.
    const auto& processes = events.processes().processes();
    const trace::process_info* system = events.processes().process(4);
    REQUIRE(system != nullptr);
    CHECK(system->image_name == "System");
    CHECK(system->start_time == 0);  // running before the trace
    std::uint64_t counted = 0;
    for (const auto& p : processes) counted += p.events;
    CHECK(counted == r.with_pid);  // every event with a process is counted once
  }

  TEST_CASE("process_tracker: Microsoft-Windows-Kernel-Process names processes and images") {
    ETWCAT_REQUIRE_CORPUS();
    decode::decoder decoder;
    trace::pipeline events(decoder);
    std::map<std::uint64_t, std::string> started;  // from ProcessStart, by PID
    std::uint64_t after_start = 0;
    std::uint64_t image_checks = 0;
    run("tx/Process.etl", events, [&](const event& e, const trace::process_tracker& t) {
      if (e.has_event_id && e.event_id == 1) {
        const data_item* image = e.data.find("ImageName");
        REQUIRE(image != nullptr);
        std::string path(e.data.text(*image));
        started[field(e, "ProcessID")] = path.substr(path.rfind('\\') + 1);
      } else if (auto it = started.find(e.process_id); it != started.end()) {
        CHECK(e.process_name == it->second);
        ++after_start;
      }
      if (e.has_event_id && e.event_id == 5) {  // ImageLoad: the image is found by address
        const auto base = field(e, "ImageBase");
        const trace::loaded_image* image = t.image_at(field(e, "ProcessID"), base + 1);
        REQUIRE(image != nullptr);
        CHECK(image->base == base);
        CHECK(image->load_time == e.time_created);
        ++image_checks;
      }
    });
    CHECK(started.size() == 4);
    CHECK(started.count(5864) == 1);
    CHECK(started[5864] == "devenv.exe");
    CHECK(after_start > 100);
    CHECK(image_checks == 1115);
  }
}
