// Tests for lib/etl/file_reader.h: record counts and first events of every real capture
// (expected values from corpus/SOURCES.txt), damage in synthesized files, and real files cut
// short at chosen points (etl-format.md §8.3).
#include "lib/etl/file_reader.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lib/etl/kernel_groups.h"
#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"

using namespace etwcat::etl;
using etwcat::diagnostics;
using etwcat::guid;
using etwcat::testing::corpus_file;
using etwcat::testing::guid_of;

namespace {

struct walk_result {
  std::uint64_t records = 0;
  std::uint64_t buffers = 0;
  std::map<header_kind, std::uint64_t> kinds;
  logfile_header header;
};

// Opens and reads a whole file; REQUIREs that it opens.
walk_result walk(const std::filesystem::path& path, diagnostics& diags) {
  auto reader = file_reader::open(path, diags);
  REQUIRE_MESSAGE(reader.ok(), (reader.ok() ? "" : reader.failure().message));
  walk_result out;
  record_view r;
  while (reader.value().next(r)) {
    ++out.records;
    ++out.kinds[r.kind()];
  }
  out.buffers = reader.value().buffers_read();
  out.header = reader.value().header();
  return out;
}

std::string all_text(const diagnostics& diags) {
  std::string text;
  for (const auto& d : diags.items()) text += etwcat::format(d) + "\n";
  return text;
}

// Kernel (group, type) -> count over a whole file.
std::map<std::pair<int, int>, std::uint64_t> kernel_counts(const char* relative) {
  diagnostics diags;
  auto reader = file_reader::open(corpus_file(relative), diags);
  REQUIRE(reader.ok());
  std::map<std::pair<int, int>, std::uint64_t> counts;
  record_view r;
  while (reader.value().next(r)) {
    if (is_kernel_kind(r.kind())) ++counts[{r.group(), r.opcode()}];
  }
  CHECK(diags.empty());
  return counts;
}

struct expected_count {
  const char* file;
  std::uint64_t records;  // every record, the log-file header included
};

// SOURCES.txt "events=" / OBSERVED counts (+1 header, +3 EventTrace records in the WPP files,
// as stated there); the files without a stated total are pinned to what this reader reads, and
// the sum over all 33 files equals the 673,658 of etl-format.md.
constexpr std::array<expected_count, 33> corpus_counts = {{
    {"airbus-etl-parser/AMSITrace.etl", 21},
    {"airbus-etl-parser/ShutdownPerfDiagLogger.etl", 17078},
    {"airbus-etl-parser/lxcore_kernel.etl", 4},
    {"evtx-attack-samples/etw_ad_netlogon_provider_zerologon_mimikatz.etl", 203},
    {"findneedle-wpp/wppbin-sample.etl", 6},
    {"findneedle-wpp/wppemitter-nonselfdesc.etl", 34},
    {"findneedle-wpp/wppemitter-sample.etl", 49},
    {"findneedle-wpp/wppenum-sample.etl", 6},
    {"findneedle-wpp/wppenum2-sample.etl", 5},
    {"findneedle-wpp/wppmisc-sample.etl", 6},
    {"findneedle-wpp/wppndis-sample.etl", 5},
    {"findneedle-wpp/wppstr-sample.etl", 8},
    {"findneedle-wpp/wpptime-sample.etl", 6},
    {"findneedle-wpp/wpptypes-sample.etl", 9},
    {"findneedle-wpp/wpptypes2-sample.etl", 9},
    {"krabsetw/powershell.etl", 114},
    {"perfview/SelfDescribingSingleEvent.etl", 23},
    {"perfview/diaghub/diaghub.etl", 62379},
    {"perfview/diaghub/diaghub.kernel.1.etl", 16335},
    {"perfview/diaghub/diaghub.user_injected.1.etl", 4},
    {"perfview/diaghub/diaghub.user_paged.1.etl", 22035},
    {"perfview/gcevents.etl", 71},
    {"perfview/gcrundownevents.etl", 112},
    {"perfview/net.4.5.2.x64.etl", 179474},
    {"perfview/net.4.5.2.x86.etl", 168298},
    {"perfview/net.4.5.x86.etl", 185961},
    {"perfview/primitive-types.etl", 7},
    {"perfview/smallEtlFile.etl", 2},
    {"tx/BondEtwSample.etl", 13},
    {"tx/HTTP_Server.etl", 2042},
    {"tx/KernelNetwork.etl", 8924},
    {"tx/Process.etl", 10344},
    {"tx/WsRm01.etl", 71},
}};

void check_count(const char* relative, std::uint64_t expected) {
  diagnostics diags;
  const auto got = walk(corpus_file(relative), diags);
  CHECK(got.records == expected);
  CHECK(got.buffers == got.header.buffers_written);
  CHECK_MESSAGE(diags.empty(), all_text(diags));
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("file_reader: counts every record of every non-empty corpus file") {
    ETWCAT_REQUIRE_CORPUS();
    std::uint64_t total = 0;
    for (const auto& e : corpus_counts) {
      CAPTURE(e.file);
      diagnostics diags;
      const auto got = walk(corpus_file(e.file), diags);
      CHECK(got.records == e.records);
      CHECK(got.buffers == got.header.buffers_written);  // = BuffersWritten in all 33 files
      CHECK_MESSAGE(diags.empty(), all_text(diags));
      total += got.records;
    }
    CHECK(total == 673658);
  }

  TEST_CASE("file_reader: counts every record of tx/HTTP_Server.etl") {
    ETWCAT_REQUIRE_CORPUS();
    check_count("tx/HTTP_Server.etl", 2042);  // 1 header + 2041 HttpService events
  }

  TEST_CASE("file_reader: counts every record of perfview/net.4.5.x86.etl") {
    ETWCAT_REQUIRE_CORPUS();
    diagnostics diags;
    auto got = walk(corpus_file("perfview/net.4.5.x86.etl"), diags);
    CHECK(got.records == 185961);
    CHECK(got.buffers == 405);
    CHECK(diags.empty());
    // hdr {SYS32:2, SYS64:8294, PERF64:43421, EVT32:122193, EVT64:95, FULL64:11956}
    CHECK(got.kinds[header_kind::system32] == 2);
    CHECK(got.kinds[header_kind::system64] == 8294);
    CHECK(got.kinds[header_kind::perfinfo64] == 43421);
    CHECK(got.kinds[header_kind::event_header32] == 122193);
    CHECK(got.kinds[header_kind::event_header64] == 95);
    CHECK(got.kinds[header_kind::full_header64] == 11956);
  }

  TEST_CASE("file_reader: counts every record of perfview/net.4.5.2.x64.etl (compressed)") {
    ETWCAT_REQUIRE_CORPUS();
    diagnostics diags;
    auto got = walk(corpus_file("perfview/net.4.5.2.x64.etl"), diags);
    CHECK(got.records == 179474);
    CHECK(got.buffers == 360);
    CHECK(diags.empty());
    // hdr {SYS32:2, SYS64:3189, FULL32:27, PERF64:100157, EVT32:33378, EVT64:34765, FULL64:7956}
    CHECK(got.kinds[header_kind::system32] == 2);
    CHECK(got.kinds[header_kind::system64] == 3189);
    CHECK(got.kinds[header_kind::full_header32] == 27);
    CHECK(got.kinds[header_kind::perfinfo64] == 100157);
    CHECK(got.kinds[header_kind::event_header32] == 33378);
    CHECK(got.kinds[header_kind::event_header64] == 34765);
    CHECK(got.kinds[header_kind::full_header64] == 7956);
  }

  TEST_CASE("file_reader: counts every record of airbus-etl-parser/ShutdownPerfDiagLogger.etl") {
    ETWCAT_REQUIRE_CORPUS();
    check_count("airbus-etl-parser/ShutdownPerfDiagLogger.etl", 17078);
  }

  TEST_CASE("file_reader: counts every record of the four perfview/diaghub files") {
    ETWCAT_REQUIRE_CORPUS();
    std::uint64_t total = 0;
    for (const char* f : {"perfview/diaghub/diaghub.etl", "perfview/diaghub/diaghub.kernel.1.etl",
                          "perfview/diaghub/diaghub.user_paged.1.etl",
                          "perfview/diaghub/diaghub.user_injected.1.etl"}) {
      diagnostics diags;
      total += walk(corpus_file(f), diags).records;
      CHECK(diags.empty());
    }
    CHECK(total == 100753);  // 62379 + 16335 + 22035 + 4
  }

  TEST_CASE("file_reader: first event of tx/HTTP_Server.etl in time order is Tx's first event") {
    ETWCAT_REQUIRE_CORPUS();
    // Tx reads through the OS, which merges CPUs by time: its "first event" is the earliest
    // one, in buffer 19 (CPU 3), not the first in file order (buffer 1, CPU 0).
    diagnostics diags;
    auto reader = file_reader::open(corpus_file("tx/HTTP_Server.etl"), diags);
    REQUIRE(reader.ok());
    record_view r;
    REQUIRE(reader.value().next(r));
    CHECK(r.kind() == header_kind::system64);  // the log-file header record
    std::uint64_t best_ts = ~std::uint64_t{0};
    struct first_event {
      guid provider, activity;
      event_descriptor d;
      std::uint64_t processor_time;
      std::uint32_t pid, tid;
      std::size_t size, user_data, ext_count;
      header_kind kind;
    } first{};
    std::uint64_t related_activity_events = 0;
    while (reader.value().next(r)) {
      bool has_related = false;
      std::size_t ext_count = 0;
      for (const auto& item : r.extended_items()) {
        ++ext_count;
        has_related = has_related || item.type == ext_type::related_activityid;
      }
      related_activity_events += has_related ? 1 : 0;
      if (r.timestamp() < best_ts) {
        best_ts = r.timestamp();
        first = {r.provider_guid(), r.activity_id(), r.descriptor(), r.processor_time(),
                 r.process_id(),    r.thread_id(),   r.size(),       r.payload().size(),
                 ext_count,         r.kind()};
      }
    }
    CHECK(first.kind == header_kind::event_header64);
    CHECK(first.provider == guid_of("dd5ef90a-6398-47a4-ad34-4dcecdef795f"));
    CHECK(first.d.id == 21);
    CHECK(first.d.version == 0);
    CHECK(first.d.channel == 16);
    CHECK(first.d.level == 4);
    CHECK(first.d.opcode == 28);
    CHECK(first.d.task == 4);
    CHECK(first.d.keyword == 0x8000000000000010u);
    CHECK(first.processor_time == 677443);
    CHECK(first.activity == guid_of("00000100-0000-0003-193d-42fb30bbcb01"));
    CHECK(first.pid == 0);
    CHECK(first.tid == 0);
    CHECK(first.size == 152);
    CHECK(first.user_data == 72);
    CHECK(first.ext_count == 0);
    CHECK(related_activity_events == 291);  // SOURCES: RELATED_ACTIVITYID on 291 events
    CHECK(diags.empty());
  }

  TEST_CASE("file_reader: perfview/smallEtlFile.etl holds exactly one EVT32 event") {
    ETWCAT_REQUIRE_CORPUS();
    diagnostics diags;
    auto reader = file_reader::open(corpus_file("perfview/smallEtlFile.etl"), diags);
    REQUIRE(reader.ok());
    CHECK(reader.value().header().pointer_size == 4);
    record_view r;
    REQUIRE(reader.value().next(r));
    CHECK(r.kind() == header_kind::system32);
    CHECK(r.pointer_size() == 4);
    REQUIRE(reader.value().next(r));
    CHECK(reader.value().buffer().compressed);
    CHECK(r.kind() == header_kind::event_header32);
    CHECK(r.pointer_size() == 4);
    CHECK(r.event_id() == 154);
    CHECK(r.version() == 2);
    CHECK(r.opcode() == 36);  // LoaderModuleDCStop
    CHECK(r.process_id() == 688);
    CHECK(r.thread_id() == 4336);
    CHECK(r.header_size() == 80);  // EVENT_HEADER32 still has the 80-byte header
    // The only record fills the buffer's 664 bytes of unpacked data (Offset 736 = 0x48 + 664).
    CHECK(r.size() == 664);
    CHECK(reader.value().buffer().data_end == 736);
    CHECK(reader.value().buffer().disk_size == 549);
    CHECK_FALSE(reader.value().next(r));
    CHECK(diags.empty());
  }

  TEST_CASE("file_reader: kernel group/type counts of perfview/net.4.5.x86.etl match PerfView") {
    ETWCAT_REQUIRE_CORPUS();
    const auto c = kernel_counts("perfview/net.4.5.x86.etl");
    using g = std::pair<int, int>;
    CHECK(c.at(g{kernel_group::image, 3}) == 2688);    // Image/DCStart
    CHECK(c.at(g{kernel_group::image, 4}) == 2696);    // Image/DCStop
    CHECK(c.at(g{kernel_group::process, 10}) == 111);  // Image/Load (hook Process/10)
    CHECK(c.at(g{kernel_group::image, 2}) == 109);     // Image/Unload
    CHECK(c.at(g{kernel_group::thread, 1}) == 16);     // Thread/Start
    CHECK(c.at(g{kernel_group::thread, 2}) == 14);     // Thread/Stop
    CHECK(c.at(g{kernel_group::process, 3}) == 46);    // Process/DCStart
    CHECK(c.at(g{kernel_group::tcpip, 26}) == 34);     // TcpIp/SendIPV6
    CHECK(c.at(g{kernel_group::tcpip, 27}) == 13);     // TcpIp/RecvIPV6
    CHECK(c.at(g{kernel_group::tcpip, 34}) == 10);     // TcpIp/TCPCopyIPV6
    CHECK(c.at(g{kernel_group::udpip, 11}) == 56);     // UdpIp/Recv
    CHECK(c.at(g{kernel_group::stackwalk, 32}) == 18532);
    CHECK(c.at(g{kernel_group::perfinfo, 46}) == 16865);  // SampleProf
    CHECK(c.at(g{kernel_group::file, 36}) == 7660);       // FileIo/FileRundown
  }

  TEST_CASE("file_reader: kernel group/type counts of perfview/net.4.5.2.x64.etl match PerfView") {
    ETWCAT_REQUIRE_CORPUS();
    const auto c = kernel_counts("perfview/net.4.5.2.x64.etl");
    using g = std::pair<int, int>;
    CHECK(c.at(g{kernel_group::io, 10}) == 1208);     // DiskIO/Read
    CHECK(c.at(g{kernel_group::io, 11}) == 21);       // DiskIO/Write
    CHECK(c.at(g{kernel_group::tcpip, 27}) == 250);   // TcpIp/RecvIPV6
    CHECK(c.at(g{kernel_group::tcpip, 26}) == 240);   // TcpIp/SendIPV6
    CHECK(c.at(g{kernel_group::image, 3}) == 1763);   // Image/DCStart
    CHECK(c.at(g{kernel_group::image, 4}) == 1766);   // Image/DCStop
    CHECK(c.at(g{kernel_group::process, 10}) == 35);  // Image/Load
    CHECK(c.at(g{kernel_group::image, 2}) == 32);     // Image/Unload
    CHECK(c.at(g{kernel_group::process, 1}) == 1);    // Process/Start
    CHECK(c.at(g{kernel_group::thread, 1}) == 9);     // Thread/Start
    CHECK(c.at(g{kernel_group::thread, 2}) == 15);    // Thread/Stop
    CHECK(c.at(g{kernel_group::perfinfo, 46}) == 79528);
    CHECK(c.at(g{kernel_group::stackwalk, 38}) == 7046);
  }

  TEST_CASE("file_reader: extended items of perfview/net.4.5.2.x64.etl") {
    ETWCAT_REQUIRE_CORPUS();
    // SOURCES: STACK_TRACE64 on 655 events, RELATED_ACTIVITYID on 3.
    diagnostics diags;
    auto reader = file_reader::open(corpus_file("perfview/net.4.5.2.x64.etl"), diags);
    REQUIRE(reader.ok());
    std::uint64_t stacks = 0, related = 0;
    record_view r;
    while (reader.value().next(r)) {
      for (const auto& item : r.extended_items()) {
        if (item.type == ext_type::stack_trace64) {
          ++stacks;
          CHECK((item.data.size() - 8) % 8 == 0);  // MatchId + u64 addresses
        }
        if (item.type == ext_type::related_activityid) {
          ++related;
          CHECK(item.data.size() == 16);
        }
      }
    }
    CHECK(stacks == 655);
    CHECK(related == 3);
  }

  TEST_CASE("file_reader: WPP records of findneedle-wpp/wppemitter-sample.etl") {
    ETWCAT_REQUIRE_CORPUS();
    diagnostics diags;
    auto reader = file_reader::open(corpus_file("findneedle-wpp/wppemitter-sample.etl"), diags);
    REQUIRE(reader.ok());
    const std::uint64_t t0 = reader.value().header().start_timestamp;
    std::map<int, int> by_message;
    int wpp = 0;
    record_view r;
    while (reader.value().next(r)) {
      if (r.kind() != header_kind::wpp_message) continue;
      ++wpp;
      ++by_message[r.message_number()];
      CHECK(r.message_flags() == 0xAA);  // GUID + TIMESTAMP + SYSTEMINFO + POINTER64
      CHECK(r.header_guid() == guid_of("9b93a332-c452-3e71-64f7-55130c7de2e4"));
      CHECK(r.process_id() != 0);
      CHECK(r.pointer_size() == 8);
      CHECK(r.header_size() == 8 + 16 + 8 + 8);
      CHECK(r.timestamp() >= t0);
    }
    CHECK(wpp == 45);
    CHECK(by_message[10] == 30);  // "work item"
    CHECK(by_message[11] == 15);  // "detail"
  }

  TEST_CASE("file_reader: buffer origin of records in tx/Process.etl") {
    ETWCAT_REQUIRE_CORPUS();
    // 182 buffers numbered 0..183 with 175 and 181 absent; 2 CPUs; PROC_INDEX clear (Win7).
    diagnostics diags;
    auto reader = file_reader::open(corpus_file("tx/Process.etl"), diags);
    REQUIRE(reader.ok());
    std::map<std::uint64_t, int> sequences;
    std::map<int, int> cpus;
    std::uint64_t last_index = 0;
    record_view r;
    while (reader.value().next(r)) {
      const auto& b = reader.value().buffer();
      CHECK(r.buffer_index() == b.index);
      CHECK(r.buffer_sequence() == b.sequence_number);
      CHECK(r.processor_index() == b.processor);
      CHECK(r.file_offset() >= b.file_offset + 0x48);
      CHECK(r.file_offset() + r.size() <= b.file_offset + b.data_end);
      CHECK(r.file_offset() % 8 == 0);
      sequences[r.buffer_sequence()] = 1;
      cpus[r.processor_index()] = 1;
      last_index = r.buffer_index();
    }
    CHECK(cpus.size() == 2);
    CHECK(cpus.rbegin()->first == 1);
    CHECK(sequences.count(175) == 0);
    CHECK(sequences.count(181) == 0);
    CHECK(sequences.count(183) == 1);
    CHECK(last_index == 181);
  }
}

TEST_CASE("file_reader: EmptyETL.etl fails to open with a clear message") {
  // The corpus file is 0 bytes; a temp file of 0 bytes is the same input without the corpus.
  const etwcat::testing::temp_file empty({});
  diagnostics diags;
  const auto reader = file_reader::open(empty.path(), diags);
  REQUIRE_FALSE(reader.ok());
  CHECK(reader.failure().message == "empty file (0 bytes), not an ETL file");
  CHECK(reader.failure().offset == 0);
  CHECK(diags.empty());
}

TEST_SUITE("corpus") {
  TEST_CASE("file_reader: etwanalyzer/EmptyETL.etl fails to open") {
    ETWCAT_REQUIRE_CORPUS();
    diagnostics diags;
    const auto reader = file_reader::open(corpus_file("etwanalyzer/EmptyETL.etl"), diags);
    REQUIRE_FALSE(reader.ok());
    CHECK(reader.failure().message.find("empty file") != std::string::npos);
  }
}

TEST_CASE("file_reader: a missing file fails to open") {
  diagnostics diags;
  const auto reader =
      file_reader::open(std::filesystem::temp_directory_path() / "etwcat-no-such.etl", diags);
  REQUIRE_FALSE(reader.ok());
#ifndef _WIN32
  CHECK(reader.failure().message == "No such file or directory");
#endif
  CHECK_FALSE(reader.failure().message.empty());
}

TEST_CASE("file_reader: a file that is not ETL fails to open with an offset") {
  using namespace etwcat::testing;
  SUBCASE("shorter than a buffer header") {
    const temp_file f(filler(40, 0x41));
    diagnostics diags;
    const auto reader = file_reader::open(f.path(), diags);
    REQUIRE_FALSE(reader.ok());
    CHECK(reader.failure().message.find("40 bytes") != std::string::npos);
  }
  SUBCASE("text file") {
    const temp_file f(filler(4096, 'x'));
    diagnostics diags;
    const auto reader = file_reader::open(f.path(), diags);
    REQUIRE_FALSE(reader.ok());
    CHECK(reader.failure().message.find("first buffer size") != std::string::npos);
  }
  SUBCASE("buffer without a log-file header record") {
    buffer_spec b;
    system_trace_header h{};
    h.header_type = header_type::system64;
    h.group = 5;
    b.records.push_back(system_record(h, filler(8)));
    const temp_file f(make_buffer(b));
    diagnostics diags;
    const auto reader = file_reader::open(f.path(), diags);
    REQUIRE_FALSE(reader.ok());
    CHECK(reader.failure().message.find("not a log-file header") != std::string::npos);
    CHECK(reader.failure().offset == 0x48);
  }
  SUBCASE("buffer of 0xFF fill") {
    buffer_spec b;
    const temp_file f(make_buffer(b));
    diagnostics diags;
    const auto reader = file_reader::open(f.path(), diags);
    REQUIRE_FALSE(reader.ok());
    CHECK(reader.failure().offset == 0x48);
  }
}

// ---------------------------------------------------------------------------------------------
// Damage inside synthesized files: reported with its offset, then reading goes on.

namespace {

using namespace etwcat::testing;

bytes kernel_event(std::uint8_t group, std::uint8_t type, std::size_t payload = 8) {
  system_trace_header h{};
  h.version = 2;
  h.header_type = header_type::system64;
  h.group = group;
  h.type = type;
  h.system_time = 2000;
  return system_record(h, filler(payload));
}

struct read_all {
  std::vector<std::pair<std::uint8_t, std::uint8_t>> events;  // (group, type)
  diagnostics diags;
  bool opened = false;
};

read_all read_bytes(const bytes& file) {
  read_all out;
  const temp_file f(file);
  auto reader = file_reader::open(f.path(), out.diags);
  out.opened = reader.ok();
  if (!reader.ok()) return out;
  record_view r;
  while (reader.value().next(r)) out.events.emplace_back(r.group(), r.opcode());
  return out;
}

}  // namespace

TEST_CASE("file_reader: reads a synthesized file with every header kind") {
  buffer_spec b0;
  buffer_spec b1;
  b1.sequence = 1;
  b1.processor = 1;
  b1.records.push_back(kernel_event(3, 1, 13));
  perfinfo_trace_header p{};
  p.header_type = header_type::perfinfo64;
  p.group = 0x0F;
  p.type = 46;
  b1.records.push_back(perfinfo_record(p, filler(16)));
  event_trace_header full{};
  full.header_type = header_type::full_header64;
  b1.records.push_back(full_record(full, filler(3)));
  event_header ev{};
  ev.header_type = header_type::event_header32;
  b1.records.push_back(event_record(ev, filler(9), {{ext_type::ts_id, filler(4)}}));
  b1.records.push_back(wpp_record(5, trace_message_flag::component_id, filler(4), filler(1)));
  const auto got = read_bytes(make_file({b0, b1}));
  REQUIRE(got.opened);
  CHECK(got.events.size() == 6);
  CHECK_MESSAGE(got.diags.empty(), all_text(got.diags));
}

TEST_CASE("file_reader: record size 0 is reported and the rest of the buffer skipped") {
  buffer_spec b0, b1, b2;
  b1.records = {kernel_event(5, 1), kernel_event(5, 2), kernel_event(5, 3)};
  b2.records = {kernel_event(6, 10)};
  bytes file = make_file({b0, b1, b2});
  // Second record of buffer 1: header 0x48 + align8(0x28) = 0x70; Size sits at +4.
  const std::size_t at = 1024 + 0x48 + 0x28;
  file[at + 4] = std::byte{0};
  file[at + 5] = std::byte{0};
  const auto got = read_bytes(file);
  REQUIRE(got.opened);
  CHECK(got.events.size() == 3);  // header, 5/1, then buffer 2's 6/10
  CHECK(got.events.back() == std::make_pair<std::uint8_t, std::uint8_t>(6, 10));
  REQUIRE(got.diags.count() == 1);
  const auto& d = got.diags.items()[0];
  CHECK(d.offset == at);
  CHECK(d.buffer == 1u);
  CHECK(etwcat::format(d).find("record size 0 < 32-byte system64 header; rest of buffer "
                               "skipped") != std::string::npos);
}

TEST_CASE("file_reader: a record running past Offset is reported, the next buffer is read") {
  buffer_spec b0, b1, b2;
  b1.records = {kernel_event(5, 1), kernel_event(5, 2)};
  b2.records = {kernel_event(6, 10)};
  bytes file = make_file({b0, b1, b2});
  const std::size_t at = 1024 + 0x48 + 0x28;
  file[at + 4] = std::byte{0xF0};  // size 0x01F0 > the bytes left before Offset
  file[at + 5] = std::byte{0x01};
  const auto got = read_bytes(file);
  CHECK(got.events.size() == 3);
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].offset == at);
  CHECK(got.diags.items()[0].text.find("runs past") != std::string::npos);
}

TEST_CASE("file_reader: an unknown marker skips only the rest of its buffer") {
  buffer_spec b0, b1, b2;
  b1.records = {kernel_event(5, 1), kernel_event(5, 2)};
  b2.records = {kernel_event(6, 10), kernel_event(6, 11)};
  bytes file = make_file({b0, b1, b2});
  const std::size_t at = 1024 + 0x48;
  file[at + 3] = std::byte{0x00};  // marker flags 0xC0 -> 0x00
  const auto got = read_bytes(file);
  CHECK(got.events.size() == 3);
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].offset == at);
  CHECK(got.diags.items()[0].text.find("unknown record marker 0x00020002") != std::string::npos);
}

TEST_CASE("file_reader: a bad extended item skips only that record") {
  buffer_spec b0, b1;
  event_header ev{};
  ev.header_type = header_type::event_header64;
  b1.records = {event_record(ev, filler(4), {{ext_type::ts_id, filler(4)}}), kernel_event(5, 2)};
  bytes file = make_file({b0, b1});
  file[1024 + 0x48 + 0x50] = std::byte{0};  // ItemSize 0
  const auto got = read_bytes(file);
  CHECK(got.events.size() == 2);  // header + 5/2
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].offset == 1024 + 0x48 + 0x50);
  CHECK(got.diags.items()[0].text.find("record skipped") != std::string::npos);
}

TEST_CASE("file_reader: BufferSize 0 ends the file with a diagnostic instead of looping") {
  buffer_spec b0, b1, b2;
  b1.records = {kernel_event(5, 1)};
  b2.records = {kernel_event(5, 2)};
  bytes file = make_file({b0, b1, b2});
  for (int i = 0; i < 4; ++i) file[1024 + i] = std::byte{0};
  const auto got = read_bytes(file);
  CHECK(got.events.size() == 1);
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].offset == 1024);
  CHECK(got.diags.items()[0].text.find("buffer size 0 is outside") != std::string::npos);
}

TEST_CASE("file_reader: a BufferSize over the 16 MB limit is refused without allocating it") {
  buffer_spec b0, b1;
  b1.records = {kernel_event(5, 1)};
  bytes file = make_file({b0, b1});
  file[1024 + 3] = std::byte{0x7F};  // 0x7F000400 bytes
  const auto got = read_bytes(file);
  CHECK(got.events.size() == 1);
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].text.find("rest of file skipped") != std::string::npos);
}

TEST_CASE("file_reader: Offset past BufferSize is clamped and reported") {
  buffer_spec b0, b1;
  b1.records = {kernel_event(5, 1)};
  b1.offset = 5000;
  const auto got = read_bytes(make_file({b0, b1}));
  CHECK(got.events.size() == 2);  // the 0xFF fill still ends the walk
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].text.find("clamped") != std::string::npos);
}

TEST_CASE("file_reader: Offset inside the buffer header skips the buffer") {
  buffer_spec b0, b1, b2;
  b1.records = {kernel_event(5, 1)};
  b1.offset = 0x10;
  b2.records = {kernel_event(5, 2)};
  const auto got = read_bytes(make_file({b0, b1, b2}));
  CHECK(got.events.size() == 2);
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].offset == 1024);
}

TEST_CASE("file_reader: a compressed buffer that does not decompress is skipped") {
  buffer_spec b0, b1, b2;
  b1.flags = buffer_flag::compressed;
  // Flag word of all 1s: the first token is a match, whose offset lies before the output start.
  b1.raw_body = payload_of({0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0x00, 0x00, 0x00});
  b1.size = 0x48 + 8;
  b1.offset = 0x48 + 100;
  b2.records = {kernel_event(5, 2)};
  const auto got = read_bytes(make_file({b0, b1, b2}));
  CHECK(got.events.size() == 2);
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].text.find("compressed buffer damaged") != std::string::npos);
  CHECK(got.diags.items()[0].offset >= 1024 + 0x48);
}

TEST_CASE("file_reader: a buffer flagged EVENTS_LOST is reported") {
  buffer_spec b0, b1;
  b1.records = {kernel_event(5, 1)};
  b1.flags = buffer_flag::events_lost;
  const auto got = read_bytes(make_file({b0, b1}));
  CHECK(got.events.size() == 2);
  REQUIRE(got.diags.count() == 1);
  CHECK(got.diags.items()[0].level == etwcat::severity::warning);
}

TEST_CASE("file_reader: PROC_INDEX decides how the processor field is read") {
  buffer_spec b0, b1, b2;
  b1.processor = 0x0803;  // Win7: byte 0x29 is an alignment byte of 8
  b1.records = {kernel_event(5, 1)};
  b2.processor = 0x0105;
  b2.flags = buffer_flag::proc_index;
  b2.records = {kernel_event(5, 2)};
  const temp_file f(make_file({b0, b1, b2}));
  diagnostics diags;
  auto reader = file_reader::open(f.path(), diags);
  REQUIRE(reader.ok());
  record_view r;
  REQUIRE(reader.value().next(r));
  REQUIRE(reader.value().next(r));
  CHECK(r.processor_index() == 3);
  REQUIRE(reader.value().next(r));
  CHECK(r.processor_index() == 0x105);
}

// ---------------------------------------------------------------------------------------------
// Real captures cut short: the records of whole buffers before the cut, plus the records of an
// uncompressed cut buffer that fit entirely, come out; the cut is reported at its buffer.

namespace {

struct record_place {
  std::uint64_t buffer_offset;
  std::uint64_t start;  // file offset of the record (of its buffer when compressed)
  std::uint64_t end;    // file offset just past it (uncompressed only)
  bool compressed;
};

struct intact_map {
  std::vector<record_place> records;
  std::vector<std::uint64_t> buffer_offsets;
  std::vector<std::uint32_t> buffer_sizes;
};

intact_map map_file(const std::filesystem::path& path) {
  diagnostics diags;
  auto reader = file_reader::open(path, diags);
  REQUIRE(reader.ok());
  intact_map map;
  record_view r;
  while (reader.value().next(r)) {
    const auto& b = reader.value().buffer();
    if (map.buffer_offsets.empty() || map.buffer_offsets.back() != b.file_offset) {
      map.buffer_offsets.push_back(b.file_offset);
      map.buffer_sizes.push_back(b.disk_size);
    }
    map.records.push_back(
        {b.file_offset, r.file_offset(), r.file_offset() + r.size(), b.compressed});
  }
  return map;
}

// Records a reader must still deliver from a copy cut at `cut`.
std::uint64_t expected_after_cut(const intact_map& map, std::uint64_t cut) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < map.buffer_offsets.size(); ++i) {
    const std::uint64_t start = map.buffer_offsets[i];
    const std::uint64_t end = start + map.buffer_sizes[i];
    if (end <= cut) {
      for (const auto& r : map.records) n += r.buffer_offset == start ? 1 : 0;
    } else if (start + 0x48 <= cut) {
      for (const auto& r : map.records) {
        n += (r.buffer_offset == start && !r.compressed && r.end <= cut) ? 1 : 0;
      }
    }
  }
  return n;
}

std::uint64_t buffer_containing(const intact_map& map, std::uint64_t offset) {
  std::uint64_t found = 0;
  for (auto b : map.buffer_offsets) {
    if (b <= offset) found = b;
  }
  return found;
}

void check_cut(const bytes& whole, const intact_map& map, std::uint64_t cut) {
  CAPTURE(cut);
  const temp_file f{std::span(whole).first(cut)};
  diagnostics diags;
  auto reader = file_reader::open(f.path(), diags);
  REQUIRE(reader.ok());
  std::uint64_t n = 0;
  record_view r;
  while (reader.value().next(r)) {
    ++n;
    CHECK(r.file_offset() + (r.origin().compressed ? 0 : r.size()) <= cut);
  }
  CHECK(n == expected_after_cut(map, cut));
  const std::uint64_t cut_buffer = buffer_containing(map, cut);
  const bool between_buffers = std::find(map.buffer_offsets.begin(), map.buffer_offsets.end(),
                                         cut) != map.buffer_offsets.end();
  REQUIRE(diags.count() >= 1);
  bool found = false;
  for (const auto& d : diags.items()) {
    found = found || d.offset == cut_buffer;
  }
  CHECK_MESSAGE(found, all_text(diags));
  if (between_buffers) {
    CHECK(all_text(diags).find("its header says") != std::string::npos);
  } else {
    CHECK(all_text(diags).find("trunc") != std::string::npos);
  }
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("file_reader: tx/HTTP_Server.etl cut mid-buffer, mid-record and mid-header") {
    ETWCAT_REQUIRE_CORPUS();
    const auto path = corpus_file("tx/HTTP_Server.etl");
    const bytes whole = read_file_bytes(path);
    const intact_map map = map_file(path);
    REQUIRE(map.records.size() == 2042);
    const std::uint64_t b5 = map.buffer_offsets[5];
    // A record in the middle of buffer 5, to cut through.
    std::uint64_t mid_record = 0;
    for (const auto& r : map.records) {
      if (r.buffer_offset == b5 && r.start > b5 + 0x400) {
        mid_record = r.start;
        break;
      }
    }
    REQUIRE(mid_record != 0);
    const std::uint64_t cuts[] = {
        b5,                  // exactly between buffers 4 and 5
        b5 + 0x20,           // inside buffer 5's header
        b5 + 0x48,           // right after buffer 5's header
        b5 + 0x48 + 3,       // inside its first record's marker
        mid_record,          // at a record start
        mid_record + 5,      // mid-record
        mid_record + 0x30,   // mid-record, past its header
        b5 + 8192 - 1,       // one byte short of the whole buffer
        whole.size() - 100,  // inside the last buffer
    };
    for (auto cut : cuts) check_cut(whole, map, cut);
  }

  TEST_CASE("file_reader: tx/HTTP_Server.etl cut at every 4099th byte") {
    ETWCAT_REQUIRE_CORPUS();
    const auto path = corpus_file("tx/HTTP_Server.etl");
    const bytes whole = read_file_bytes(path);
    const intact_map map = map_file(path);
    for (std::uint64_t cut = 8192 + 4099; cut < whole.size(); cut += 4099 * 3) {
      check_cut(whole, map, cut);
    }
  }

  TEST_CASE("file_reader: perfview/net.4.5.2.x64.etl cut inside a compressed buffer") {
    ETWCAT_REQUIRE_CORPUS();
    const auto path = corpus_file("perfview/net.4.5.2.x64.etl");
    const bytes whole = read_file_bytes(path);
    const intact_map map = map_file(path);
    const std::uint64_t b10 = map.buffer_offsets[10];
    for (std::uint64_t cut : {b10 + 0x30, b10 + 0x48, b10 + 0x100, map.buffer_offsets[11] - 1,
                              map.buffer_offsets[11]}) {
      check_cut(whole, map, cut);
    }
  }

  TEST_CASE("file_reader: perfview/smallEtlFile.etl cut inside its compressed buffer") {
    ETWCAT_REQUIRE_CORPUS();
    const auto path = corpus_file("perfview/smallEtlFile.etl");
    const bytes whole = read_file_bytes(path);
    const intact_map map = map_file(path);
    check_cut(whole, map, 512 + 300);  // only the header record remains
  }

  TEST_CASE("file_reader: a capture cut inside its log-file header fails to open") {
    ETWCAT_REQUIRE_CORPUS();
    const bytes whole = read_file_bytes(corpus_file("tx/HTTP_Server.etl"));
    for (std::size_t cut : {std::size_t{0x30}, std::size_t{0x50}, std::size_t{0x100}}) {
      CAPTURE(cut);
      const temp_file f{std::span(whole).first(cut)};
      diagnostics diags;
      const auto reader = file_reader::open(f.path(), diags);
      CHECK_FALSE(reader.ok());
    }
  }

  TEST_CASE(
      "file_reader: #9 a capture cut inside its first buffer is called a truncated ETL file") {
    ETWCAT_REQUIRE_CORPUS();
    const bytes whole = read_file_bytes(corpus_file("tx/HTTP_Server.etl"));
    // 100 bytes: a whole, valid buffer header (72 bytes), then the log-file header record cut.
    const temp_file f{std::span(whole).first(100)};
    diagnostics diags;
    const auto reader = file_reader::open(f.path(), diags);
    REQUIRE_FALSE(reader.ok());
    CHECK(reader.failure().message ==
          "truncated ETL file: it ends after 100 bytes, inside its first 8192-byte buffer, "
          "before the end of the log-file header record");
    CHECK(reader.failure().offset == 100);
    CHECK(diags.empty());
  }
}
