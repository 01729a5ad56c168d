// Tests for lib/live/process_filter.h: which events belong to a process — by the header, by the
// process a kernel event is about, and CPU samples by the thread Thread events gave the
// process — on EVENT_RECORDs built here and on a real capture delivered as ETW delivers it.
#include "lib/live/process_filter.h"

#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

#include "lib/etl/kernel_groups.h"
#include "lib/etl/merged_reader.h"
#include "tests/support/corpus.h"
#include "tests/support/delivered_record.h"

using namespace etwcat;
namespace flag = etl::event_header_flag;

namespace {

const guid process_class = *guid::parse("3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c");
const guid thread_class = *guid::parse("3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c");
const guid image_class = *guid::parse("2cb15d1d-5fc1-11d2-abe1-00a0c911f518");
const guid perfinfo_class = *guid::parse("ce1dbfb4-137e-4da6-87b0-3f59aa102cbc");

// An EVENT_RECORD with its payload, as a kernel (classic) or a manifest event.
struct record {
  live::event_record r{};
  std::vector<std::byte> payload;

  record(std::uint32_t process_id, std::uint32_t thread_id) {
    r.header.flags = flag::header_64_bit;
    r.header.process_id = process_id;
    r.header.thread_id = thread_id;
  }
  record& kernel(const guid& event_class, std::uint8_t type, std::uint8_t version,
                 bool pointer32 = false) {
    r.header.flags = flag::classic_header | (pointer32 ? flag::header_32_bit : flag::header_64_bit);
    r.header.provider_id = event_class;
    r.header.descriptor.opcode = type;
    r.header.descriptor.version = version;
    return *this;
  }
  template <class T>
  record& then(T value) {
    const auto* p = reinterpret_cast<const std::byte*>(&value);
    payload.insert(payload.end(), p, p + sizeof value);
    r.user_data = payload.data();
    r.user_data_length = static_cast<std::uint16_t>(payload.size());
    return *this;
  }
};

constexpr std::uint32_t no_id = live::no_id;

}  // namespace

TEST_CASE("process_filter: keeps what a listed process logged, and no other process's events") {
  live::process_filter only({1234, 4});
  CHECK(only.keeps(record(1234, 10).r));
  CHECK(only.keeps(record(4, 8).r));
  CHECK_FALSE(only.keeps(record(1235, 10).r));
  CHECK_FALSE(only.keeps(record(0, 0).r));
  // An event without a process (a DPC: PERFINFO, no ids) belongs to none.
  CHECK_FALSE(only.keeps(record(no_id, no_id).kernel(perfinfo_class, 66, 2).then(0ull).r));
}

TEST_CASE("process_filter: a process start belongs to the child too, though its parent logs it") {
  // Process/Start v4, logged by 100: UniqueProcessKey, then ProcessId 200.
  record start(100, 1);
  start.kernel(process_class, 1, 4).then(0xFFFFFA8300CFB380ull).then(200u).then(100u);
  CHECK(live::process_filter({200}).keeps(start.r));
  CHECK(live::process_filter({100}).keeps(start.r));
  CHECK_FALSE(live::process_filter({300}).keeps(start.r));
  // A 32-bit logger: the key is 4 bytes.
  record start32(100, 1);
  start32.kernel(process_class, 1, 3, true).then(0x8300CFB3u).then(200u).then(100u);
  CHECK(live::process_filter({200}).keeps(start32.r));
  CHECK_FALSE(live::process_filter({0x8300CFB3u}).keeps(start32.r));
  // An image loaded into 200 by the kernel on its behalf: ImageBase, ImageSize, ProcessId.
  record load(4, 8);
  load.kernel(image_class, 10, 3).then(0x7FF600000000ull).then(0x1000ull).then(200u);
  CHECK(live::process_filter({200}).keeps(load.r));
  CHECK_FALSE(live::process_filter({300}).keeps(load.r));
  // A payload too short for the field: the header decides alone.
  record cut(100, 1);
  cut.kernel(process_class, 1, 4).then(0ull);
  CHECK_FALSE(live::process_filter({200}).keeps(cut.r));
}

TEST_CASE(
    "process_filter: a CPU sample belongs to its thread's process, once a Thread event said") {
  live::process_filter only({200});
  // SampledProfile: no ids in the header; InstructionPointer, ThreadId 7, Count.
  record sample(no_id, no_id);
  sample.kernel(perfinfo_class, 46, 2).then(0xFFFFF80002A4B5C6ull).then(7u).then(1u);
  CHECK_FALSE(only.keeps(sample.r));  // thread 7's process is not known yet
  // Thread/DCStart v3 (the rundown of running threads): ProcessId 200, ThreadId 7.
  record rundown(0, 0);
  rundown.kernel(thread_class, 3, 3).then(200u).then(7u).then(0ull);
  CHECK(only.keeps(rundown.r));  // about 200
  CHECK(only.keeps(sample.r));
  // Thread 7 ends, and its id goes to a thread of process 300.
  record reuse(300, 9);
  reuse.kernel(thread_class, 1, 3).then(300u).then(7u).then(0ull);
  CHECK_FALSE(only.keeps(reuse.r));
  CHECK_FALSE(only.keeps(sample.r));
  // Version 0 (Windows XP) has ThreadId first.
  record old(0, 0);
  old.kernel(thread_class, 3, 0).then(7u).then(200u);
  CHECK(only.keeps(old.r));
  CHECK(only.keeps(sample.r));
}

TEST_SUITE("corpus") {
  TEST_CASE("process_filter: in net.4.5.2.x64.etl, Test.x64.exe (3676) has 39766 events") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("perfview/net.4.5.2.x64.etl");
    diagnostics diags;
    auto trace = etl::merged_reader::open(std::span(&capture, 1), diags);
    etl::record_view view;
    testing::delivered_record delivery;
    live::process_filter only({3676});
    std::uint64_t kept = 0;
    std::map<std::pair<guid, int>, int> kept_kernel;  // (class, type) -> events
    while (trace.next(view)) {
      const live::event_record& r = delivery.deliver(view, trace.current_clock());
      if (!only.keeps(r)) continue;
      ++kept;
      if (r.header.flags & flag::classic_header) {
        ++kept_kernel[{r.header.provider_id, r.header.descriptor.opcode}];
      }
    }
    // Counted independently from `etwcat dump` of the capture: header ProcessID 3676, or a
    // ProcessID 3676 in the EventData of a Process, Thread or Image event, or a PerfInfo/Sample
    // whose ThreadID the Thread events before it gave to 3676.
    CHECK(kept == 39766);
    CHECK(kept_kernel[{perfinfo_class, 46}] == 5129);  // of 79528 samples
    CHECK(kept_kernel[{process_class, 1}] == 1);       // its start, logged by its parent 3508
    CHECK(kept_kernel[{process_class, 2}] == 1);
    CHECK(kept_kernel[{image_class, 10}] == 31);
    CHECK(kept_kernel[{image_class, 2}] == 31);
    CHECK(kept_kernel[{thread_class, 1}] == 4);
    CHECK(kept_kernel[{thread_class, 2}] == 4);
  }
}
