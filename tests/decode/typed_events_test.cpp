// typed_events: the typed views over real captures decoded by the generic decoder, for kernel
// layouts and the Kernel-Process manifest; registry (absent from the corpus) on built data.
#include "lib/decode/typed_events.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "lib/decode/decoder.h"
#include "lib/etl/file_reader.h"
#include "lib/etl/trace_clock.h"
#include "lib/event/record_event.h"
#include "tests/support/corpus.h"
#include "tests/support/decoding.h"

using namespace etwcat;

namespace {

// Decodes every record of `file` and hands each typed view to `visit`.
template <class Visit>
void for_each_view(const std::string& file, decode::decoder& decoder, Visit visit) {
  diagnostics diags;
  auto reader = etl::file_reader::open(testing::corpus_file(file), diags);
  REQUIRE(reader.ok());
  const etl::trace_clock clock(reader.value().header());
  etl::record_view record;
  event e;
  while (reader.value().next(record)) {
    fill_event(record, clock, e);
    decoder.decode(record, e);
    visit(decode::typed_view(e), e);
  }
  CHECK(diags.empty());
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("typed_events: kernel process, image and TCP views of net.4.5.2.x64.etl") {
    ETWCAT_REQUIRE_CORPUS();
    decode::decoder decoder;
    std::vector<decode::process_start> starts;
    std::map<std::string, int> counts;
    decode::tcp_event first_send;
    decode::image_load first_load;
    // Views point into the event, which the next record reuses: copy what is kept.
    std::string first_image_name, first_load_file, first_send_daddr;
    for_each_view("perfview/net.4.5.2.x64.etl", decoder,
                  [&](const decode::typed_event& v, const event& e) {
                    if (auto* p = std::get_if<decode::process_start>(&v)) {
                      // The trace also has Microsoft-Windows-Kernel-Process events, decoded
                      // with the metadata the merge embedded: the same start, another provider.
                      if (!e.is_classic) {
                        ++counts["manifest process start"];
                        CHECK(p->image_name.find("Test.x64.exe") != std::string_view::npos);
                        return;
                      }
                      ++counts[p->rundown ? "process rundown" : "process start"];
                      if (!p->rundown) {
                        starts.push_back(*p);
                        first_image_name = p->image_name;
                      }
                    } else if (auto* l = std::get_if<decode::image_load>(&v)) {
                      if (!l->rundown && counts["image load"]++ == 0) {
                        first_load = *l;
                        first_load_file = l->file_name;
                      }
                    } else if (auto* u = std::get_if<decode::image_unload>(&v)) {
                      ++counts[u->rundown ? "image rundown end" : "image unload"];
                    } else if (auto* t = std::get_if<decode::tcp_event>(&v)) {
                      if (t->operation == decode::tcp_operation::send && t->ipv6 &&
                          counts["tcp send6"]++ == 0) {
                        first_send = *t;
                        first_send_daddr = t->destination_address;
                      }
                      if (t->operation == decode::tcp_operation::receive && t->ipv6)
                        ++counts["tcp recv6"];
                    } else if (std::holds_alternative<decode::process_end>(v)) {
                      ++counts[e.is_classic ? "process end" : "manifest process end"];
                    }
                  });
    // Baseline counts: Process/Start 1, DCStart 32, Stop 1, DCStop 32; Image/Load 35,
    // Unload 32, DCStop 1766; TcpIp/SendIPV6 240, RecvIPV6 250.
    CHECK(counts["process start"] == 1);
    CHECK(counts["process rundown"] == 32);
    CHECK(counts["process end"] == 33);
    CHECK(counts["manifest process start"] == 1);
    CHECK(counts["manifest process end"] == 1);
    CHECK(counts["image load"] == 35);
    CHECK(counts["image unload"] == 32);
    CHECK(counts["image rundown end"] == 1766);
    CHECK(counts["tcp send6"] == 240);
    CHECK(counts["tcp recv6"] == 250);
    REQUIRE(starts.size() == 1);
    CHECK(first_image_name == "Test.x64.exe");
    CHECK(starts[0].process_id != 0);
    // The test program, loaded from a network share.
    CHECK(first_load_file ==
          "\\Device\\Mup\\DfsClient\\;Z:0000000000020d40\\clrmain\\public\\"
          "PerfInvestigations\\20-07-28.TestTraces\\Test.x64.exe");
    CHECK(first_load.image_base == 0x2D3360000);
    CHECK(first_load.image_size == 32768);
    CHECK(first_load.image_base != 0);
    // The baseline's first SendIPV6: size 65652, dport 445, sport 64025.
    CHECK(first_send.size == 65652);
    CHECK(first_send.destination_port == 445);
    CHECK(first_send.source_port == 64025);
    CHECK(first_send_daddr.substr(0, 20) == "2001:4898:e0:81:7cb9");
  }

  TEST_CASE("typed_events: FileIo views of net.4.5.x86.etl carry file names") {
    ETWCAT_REQUIRE_CORPUS();
    decode::decoder decoder;
    int rundown = 0, named = 0;
    for_each_view("perfview/net.4.5.x86.etl", decoder,
                  [&](const decode::typed_event& v, const event&) {
                    if (auto* f = std::get_if<decode::file_io>(&v)) {
                      if (f->operation == decode::file_io_operation::file_rundown) {
                        ++rundown;
                        if (!f->file_name.empty() && f->file_key != 0) ++named;
                      }
                    }
                  });
    CHECK(rundown == 7660);  // SOURCES.txt: FileIo/36 7660
    CHECK(named > 7000);
  }

  TEST_CASE("typed_events: Kernel-Process manifest events of tx/Process.etl") {
    ETWCAT_REQUIRE_CORPUS();
    decode::decoder decoder;
    testing::add_provider_manifest(decoder, "microsoft-Tx/SystemEvents.man");
    std::vector<decode::process_start> starts;
    std::vector<decode::process_end> ends;
    std::vector<std::string> start_names;
    for_each_view("tx/Process.etl", decoder, [&](const decode::typed_event& v, const event&) {
      if (auto* p = std::get_if<decode::process_start>(&v)) {
        starts.push_back(*p);
        start_names.emplace_back(p->image_name);
      }
      if (auto* p = std::get_if<decode::process_end>(&v)) ends.push_back(*p);
    });
    // Tx's ProcessTest: 4 starts, 4 stops, 2 of them paired by ProcessID.
    REQUIRE(starts.size() == 4);
    REQUIRE(ends.size() == 4);
    int paired = 0;
    REQUIRE(start_names.size() == 4);
    CHECK(start_names[0] ==
          "\\Device\\HarddiskVolume2\\Program Files (x86)\\Microsoft Visual Studio "
          "10.0\\Common7\\IDE\\devenv.exe");
    CHECK(start_names[1] ==
          "\\Device\\HarddiskVolume2\\Program Files (x86)\\Microsoft "
          "Office\\Office14\\OUTLOOK.EXE");
    CHECK(starts[0].process_id == 5864);
    CHECK(starts[0].parent_id == 3324);
    for (const auto& s : starts) {
      for (const auto& x : ends) paired += s.process_id == x.process_id ? 1 : 0;
    }
    CHECK(paired == 2);
  }
}

TEST_CASE("typed_events: registry view from a decoded Registry/SetValue event") {
  event e;
  e.is_classic = true;
  e.provider_guid = *guid::parse("{AE53722E-C863-11D2-8659-00C04FA321A1}");
  e.classic_type = 14;  // SetValue
  e.payload_decoded = true;
  e.data.add_signed("InitialTime", 1000);
  e.data.add_hex("Status", 0);
  e.data.add_unsigned("Index", 0);
  e.data.add_hex("KeyHandle", 0xFFFF8001234);
  e.data.add_string("KeyName", "Software\\etwcat");
  auto view = decode::typed_view(e);
  auto* r = std::get_if<decode::registry_event>(&view);
  REQUIRE(r != nullptr);
  CHECK(r->operation == decode::registry_operation::set_value);
  CHECK(r->key_handle == 0xFFFF8001234);
  CHECK(r->key_name == "Software\\etwcat");
  e.payload_decoded = false;  // undecoded payloads have no view
  CHECK(std::holds_alternative<std::monostate>(decode::typed_view(e)));
}
