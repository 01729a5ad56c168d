// Tests for lib/etl/logfile_header.h: TRACE_LOGFILE_HEADER facts of real captures (values from
// corpus/SOURCES.txt and the repos' baselines) and rejection of records that are not one.
#include "lib/etl/logfile_header.h"

#include <doctest/doctest.h>

#include "lib/etl/file_reader.h"
#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"

using namespace etwcat::etl;
using etwcat::testing::corpus_file;

namespace {

logfile_header header_of(const char* relative) {
  etwcat::diagnostics diags;
  auto reader = file_reader::open(corpus_file(relative), diags);
  REQUIRE_MESSAGE(reader.ok(), (reader.ok() ? "" : reader.failure().message));
  return reader.value().header();
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("logfile_header: perfview/net.4.5.2.x86.etl matches PerfView's header line") {
    ETWCAT_REQUIRE_CORPUS();
    // "BufferSize=65,536 Version=131,590 ProviderVersion=9,200 NumberOfProcessors=8
    //  BuffersWritten=276 PointerSize=8 EventsLost=0 CPUSpeed=3,592 PerfFreq=10,000,000
    //  SessionName=Relogger"
    const auto h = header_of("perfview/net.4.5.2.x86.etl");
    CHECK(h.buffer_size == 65536);
    CHECK(h.version == 131590);
    CHECK(h.os_major == 6);
    CHECK(h.os_minor == 2);
    CHECK(h.format_major == 2);
    CHECK(h.format_minor == 0);
    CHECK(h.provider_version == 9200);
    CHECK(h.number_of_processors == 8);
    CHECK(h.buffers_written == 276);
    CHECK(h.pointer_size == 8);
    CHECK(h.header_pointer_size == 8);
    CHECK(h.events_lost == 0);
    CHECK(h.cpu_speed_mhz == 3592);
    CHECK(h.perf_freq == 10'000'000);
    CHECK(h.logger_name == "Relogger");
    CHECK(h.log_file_name == "[multiple files]");
    CHECK(h.log_file_mode == 0x04010001);
    CHECK(h.compressed());
    CHECK(h.clock_type == 1);
  }

  TEST_CASE("logfile_header: perfview/smallEtlFile.etl is the 32-bit form") {
    ETWCAT_REQUIRE_CORPUS();
    const auto h = header_of("perfview/smallEtlFile.etl");
    CHECK(h.header_pointer_size == 4);
    CHECK(h.pointer_size == 4);
    CHECK(h.number_of_processors == 4);
    CHECK(h.provider_version == 10586);
    CHECK(h.log_file_mode == 0x04011001);
    CHECK(h.buffers_written == 2);
    CHECK(h.perf_freq == 3117777);
    CHECK(h.clock_type == 1);
    CHECK(h.logger_name == "PerfWatsonGCHeapETLSession688");
    CHECK(h.log_file_name == "ReloggedFile.ETL");
    // StartTime and EndTime are sane FILETIMEs of 2016 (after 2016-01-01, before 2017-01-01).
    CHECK(h.start_time > 130960000000000000u);
    CHECK(h.start_time < 131277000000000000u);
    CHECK(h.end_time >= h.start_time);
  }

  TEST_CASE("logfile_header: tx/HTTP_Server.etl is a Win7 capture with PerfFreq 1818300") {
    ETWCAT_REQUIRE_CORPUS();
    const auto h = header_of("tx/HTTP_Server.etl");
    CHECK(h.provider_version == 7601);
    CHECK(h.os_major == 6);
    CHECK(h.os_minor == 1);
    CHECK(h.format_major == 1);
    CHECK(h.format_minor == 5);
    CHECK(h.number_of_processors == 4);
    CHECK(h.buffers_written == 36);
    CHECK(h.buffer_size == 8192);
    CHECK(h.perf_freq == 1818300);
    CHECK(h.pointer_size == 8);
    CHECK(h.timer_resolution == 156250);
    CHECK(h.logger_name == "DataCollector01");
    CHECK(h.log_file_name.find("DataCollector01.etl") != std::string::npos);
    CHECK(h.start_timestamp == 19388662958u);  // T0: SystemTime of the header record
    CHECK(h.time_zone.bias == 480);
  }

  TEST_CASE("logfile_header: header facts of the other captures") {
    ETWCAT_REQUIRE_CORPUS();
    const auto self = header_of("perfview/SelfDescribingSingleEvent.etl");
    CHECK(self.pointer_size == 8);
    CHECK(self.number_of_processors == 12);
    CHECK(self.cpu_speed_mhz == 3192);
    CHECK(self.perf_freq == 10'000'000);
    CHECK(self.buffer_size == 65536);  // although buffer 0 is only 1024 bytes on disk
    CHECK(self.provider_version == 22000);

    const auto amsi = header_of("airbus-etl-parser/AMSITrace.etl");
    CHECK(amsi.events_lost == 3);
    CHECK(amsi.log_file_mode == 0x08000001);
    CHECK(amsi.provider_version == 18362);
    CHECK(amsi.number_of_processors == 8);
    CHECK(amsi.logger_name == "AMSITraceSession");

    const auto shutdown = header_of("airbus-etl-parser/ShutdownPerfDiagLogger.etl");
    CHECK(shutdown.log_file_mode == 0x02000080);
    CHECK(shutdown.buffers_written == 49);
    CHECK(shutdown.number_of_processors == 2);

    const auto netlogon =
        header_of("evtx-attack-samples/etw_ad_netlogon_provider_zerologon_mimikatz.etl");
    CHECK(netlogon.perf_freq == 2246095);
    CHECK(netlogon.provider_version == 14393);
    CHECK(netlogon.number_of_processors == 2);
    CHECK(netlogon.logger_name == "nelogon1");

    const auto ps = header_of("krabsetw/powershell.etl");
    CHECK(ps.log_file_mode == 0x9);
    CHECK(ps.number_of_processors == 32);
    CHECK(ps.provider_version == 22623);
    CHECK(ps.maximum_file_size == 1);

    const auto net45 = header_of("perfview/net.4.5.x86.etl");
    CHECK(net45.provider_version == 7601);
    CHECK(net45.buffers_written == 405);
    CHECK(net45.number_of_processors == 4);
    CHECK(net45.log_file_mode == 0x10001);
    CHECK(net45.os_major == 6);
    CHECK(net45.os_minor == 1);

    const auto prim = header_of("perfview/primitive-types.etl");
    CHECK(prim.time_zone.bias == -120);  // PerfView: UtcOffsetMinutes=-120
    CHECK(prim.logger_name == "solar_system");
  }
}

TEST_CASE("logfile_header: rejects a first record that is not group 0 type 0") {
  using namespace etwcat::testing;
  system_trace_header h{};
  h.header_type = header_type::system64;
  h.group = 3;
  h.type = 1;
  const auto rec = system_record(h, filler(0x118));
  record_view v;
  REQUIRE_FALSE(v.parse(rec, record_origin{}));
  const auto parsed = parse_logfile_header(v);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.failure().message.find("not a log-file header") != std::string::npos);
}

TEST_CASE("logfile_header: rejects a header record too short for the TLH") {
  using namespace etwcat::testing;
  system_trace_header h{};
  h.header_type = header_type::system64;
  const auto rec = system_record(h, filler(0x110));  // the 32-bit size, but a SYSTEM64 record
  record_view v;
  REQUIRE_FALSE(v.parse(rec, record_origin{}));
  const auto parsed = parse_logfile_header(v);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.failure().offset == 0x20);
}

TEST_CASE("logfile_header: reads both forms of a synthesized header") {
  using namespace etwcat::testing;
  for (bool is32 : {false, true}) {
    CAPTURE(is32);
    const auto rec = logfile_header_record(7, 4096, is32, 555, "logger", "file.etl");
    record_view v;
    REQUIRE_FALSE(v.parse(rec, record_origin{}));
    const auto parsed = parse_logfile_header(v);
    REQUIRE(parsed.ok());
    const auto& h = parsed.value();
    CHECK(h.header_pointer_size == (is32 ? 4 : 8));
    CHECK(h.buffers_written == 7);
    CHECK(h.buffer_size == 4096);
    CHECK(h.perf_freq == 10'000'000);
    CHECK(h.start_time == 132'000'000'000'000'000u);
    CHECK(h.clock_type == 1);
    CHECK(h.start_timestamp == 555);
    CHECK(h.logger_name == "logger");
    CHECK(h.log_file_name == "file.etl");
  }
}
