// The decoder's dispatch over a whole capture: which schema applies, and what it names.
#include "lib/decode/decoder.h"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/decoding.h"

using namespace etwcat;

TEST_SUITE("corpus") {
  TEST_CASE("decoder: a merged trace's value maps apply to schemas learned after them") {
    ETWCAT_REQUIRE_CORPUS();
    // net.4.5.2.x64.etl describes GarbageCollection/Start twice (versions 1 and 2), both with
    // Reason -> GCReasonMap; the map's EVENT_MAP_INFO comes once, before the version-2
    // TRACE_EVENT_INFO. No --manifest: the names come from the trace alone.
    decode::decoder decoder;
    std::map<std::string, int> reasons;  // "version/Reason/Type"
    testing::decode_capture(
        decoder, "perfview/net.4.5.2.x64.etl", [&](const etl::record_view& record, const event& e) {
          if (e.provider_name != "Microsoft-Windows-DotNETRuntime" ||
              e.event_name() != "GarbageCollection/Start")
            return;
          const auto* reason = e.data.find("Reason");
          const auto* type = e.data.find("Type");
          REQUIRE(reason != nullptr);
          REQUIRE(type != nullptr);
          ++reasons[std::to_string(record.version()) + "/" + std::string(e.data.text(*reason)) +
                    "/" + std::string(e.data.text(*type))];
        });
    CHECK(reasons == std::map<std::string, int>{{"1/AllocSmall/NonConcurrentGC", 264},
                                                {"2/AllocSmall/NonConcurrentGC", 264}});
  }

  TEST_CASE("decoder: bytes after the last field are a surplus, not an error (KernelNetwork)") {
    ETWCAT_REQUIRE_CORPUS();
    // Microsoft-Windows-Kernel-Network of Windows 7 writes 4 bytes more than the template of
    // SystemEvents.man (tid_GenericIPV4 for ID 11 is 28 bytes, the records 32): every field
    // decodes, and as TDH the event counts as decoded, the 4 bytes reported as the surplus.
    decode::decoder decoder;
    testing::add_provider_manifest(decoder, "microsoft-Tx/SystemEvents.man");
    int network = 0, with_surplus = 0, errors = 0, first_id11 = 0;
    testing::decode_capture(decoder, "tx/KernelNetwork.etl", [&](const auto&, const event& e) {
      if (!e.decode_error.empty()) ++errors;
      if (e.provider_name != "Microsoft-Windows-Kernel-Network") return;
      ++network;
      CHECK(e.fully_decoded());
      if (e.has_surplus() && e.data.surplus().bytes.size() == 4) ++with_surplus;
      if (e.event_id != 11 || first_id11++ != 0) return;
      // The first ID 11 (time order), by hand from its 32 bytes 9C0A0000 05100000 9D38F426
      // 0A796A76 01BB F12C 00000000 00000000 00000000.
      CHECK(e.event_name() == "KERNEL_NETWORK_TASK_TCPIP/Data received.");
      CHECK(e.payload_decoded);
      CHECK(e.raw_data.size() == 32);
      CHECK(e.data.find("PID")->unsigned_value == 2716);
      CHECK(e.data.find("size")->unsigned_value == 4101);
      CHECK(e.data.text(*e.data.find("daddr")) == "157.56.244.38");
      CHECK(e.data.text(*e.data.find("saddr")) == "10.121.106.118");
      CHECK(e.data.find("dport")->unsigned_value == 443);
      CHECK(e.data.find("sport")->unsigned_value == 61740);
      CHECK(e.data.find("connid")->unsigned_value == 0);
      CHECK(e.data.surplus().offset == 28);
      CHECK(e.data.surplus().bytes.data() == e.raw_data.data() + 28);
      std::array<char, event::max_decode_warning> buffer;
      CHECK(e.decode_warning(buffer) == "4 bytes left over after the last field (offset 28)");
    });
    // SOURCES.txt: the header and 8,923 Kernel-Network events; each is 4 bytes longer than
    // its template, none fails.
    CHECK(network == 8923);
    CHECK(with_surplus == 8923);
    CHECK(errors == 0);
    CHECK(first_id11 > 0);
  }

  TEST_CASE("decoder: .NET 8 events newer than the CLR manifests decode with built-in layouts") {
    ETWCAT_REQUIRE_CORPUS();
    // No manifest describes these; the names and the expected values are those of PerfView's
    // baselines (gcevents.baseline.txt, gcrundownevents.baseline.txt: DataLen, ClrInstanceID,
    // Count, TotalSize, LOHThreshold, ...); the values the baselines do not print are read by
    // hand from the payloads, and TotalSize is checked against the sum of the buckets' sizes.
    decode::decoder decoder;
    int loh = 0, fit = 0;
    testing::decode_capture(decoder, "perfview/gcevents.etl", [&](const auto&, const event& e) {
      if (e.provider_name != "Microsoft-Windows-DotNETRuntime") return;
      const auto number = [&](std::string_view name) {  // the first field of that name
        for (const data_item& item : e.data.items()) {
          if (item.name == name) return item.unsigned_value;
        }
        return ~std::uint64_t{0};
      };
      if (e.event_id == 208) {
        ++loh;
        CHECK(e.event_name() == "GC/LOHCompact");
        CHECK(e.raw_data.size() == 36);
        CHECK(e.payload_decoded);
        CHECK(e.decode_error.empty());
        CHECK(!e.has_surplus());
        CHECK(number("ClrInstanceID") == 8);
        CHECK(number("Count") == 1);
        // One heap: 01000000 11000000 00000000 | 4 bytes of padding | two zero counters.
        CHECK(number("TimePlan") == 1);
        CHECK(number("TimeCompact") == 17);
        CHECK(number("TimeRelocate") == 0);
        CHECK(number("TotalRefs") == 0);
        CHECK(number("ZeroRefs") == 0);
      } else if (e.event_id == 209) {
        ++fit;
        CHECK(e.event_name() == "GC/FitBucketInfo");
        CHECK(e.raw_data.size() == 158);
        CHECK(e.payload_decoded);
        CHECK(e.decode_error.empty());
        CHECK(!e.has_surplus());
        CHECK(number("ClrInstanceID") == 8);
        CHECK(number("BucketKind") == 1);  // TraceEvent's PlugsInCondemned
        CHECK(number("TotalSize") == 310848);
        CHECK(number("Count") == 9);
        std::uint64_t sizes = 0, next_index = 0;
        bool in_order = true;
        for (const data_item& item : e.data.items()) {
          if (item.name == "Size") sizes += item.unsigned_value;
          if (item.name == "Index") in_order = in_order && item.unsigned_value == next_index++;
        }
        CHECK(sizes == 310848);
        CHECK(next_index == 9);
        CHECK(in_order);
      }
    });
    CHECK(loh == 1);  // the baselines' COUNT lines
    CHECK(fit == 1);

    int settings = 0, tiered = 0;
    testing::decode_capture(decoder, "perfview/gcrundownevents.etl",
                            [&](const auto&, const event& e) {
                              if (e.provider_name != "Microsoft-Windows-DotNETRuntimeRundown")
                                return;
                              const auto number = [&](const char* name) {
                                const data_item* item = e.data.find(name);
                                return item != nullptr ? item->unsigned_value : ~std::uint64_t{0};
                              };
                              if (e.event_id == 10) {
                                ++settings;
                                CHECK(e.event_name() == "GC/SettingsRundown");
                                CHECK(e.raw_data.size() == 50);
                                CHECK(e.payload_decoded);
                                CHECK(!e.has_surplus());
                                CHECK(number("HardLimit") == 0);
                                CHECK(number("LOHThreshold") == 85000);
                                CHECK(number("PhysicalMemoryConfig") == 0);
                                CHECK(number("Gen0MinBudgetConfig") == 0);
                                CHECK(number("Gen0MaxBudgetConfig") == 0);
                                CHECK(number("HighMemPercentConfig") == 0);
                                CHECK(number("ClrInstanceID") == 8);
                              } else if (e.event_id == 280) {
                                ++tiered;
                                CHECK(e.event_name() == "TieredCompilationRundown/SettingsDCStart");
                                CHECK(e.raw_data.size() == 6);
                                CHECK(e.payload_decoded);
                                CHECK(!e.has_surplus());
                                CHECK(number("ClrInstanceID") == 8);
                                // The baseline: "QuickJit, QuickJitFo[rLoops]…", bits 0 and 1.
                                CHECK((number("Flags") & 3) == 3);
                              }
                            });
    CHECK(settings == 1);
    CHECK(tiered == 1);
  }

  TEST_CASE("decoder: CLR-Private GC/PerHeapHistory v2 decodes with its built-in layout") {
    ETWCAT_REQUIRE_CORPUS();
    // ClrEtwAll.man's template for this event is empty; the layout is TraceEvent's
    // (GCPerHeapHistoryTraceData). Expected values: the COUNT lines and the ClrInstanceID,
    // MemoryPressure, HeapIndex and CondemnReasons of the PerfView baselines; the GenData
    // counters read by hand from the first record's bytes (10 pointer-sized values per
    // generation, generation 3 being the large-object heap).
    struct capture {
      const char* file;
      int count;                   // the baseline's COUNT line
      std::uint64_t clr_instance;  // the baseline's ClrInstanceID
      std::size_t payload_size;    // the baseline's DataLen
      std::uint64_t gen0_size_before, gen0_budget, loh_size;
    };
    for (const capture& c :
         {capture{"perfview/net.4.5.x86.etl", 1050, 13, 225, 5243576, 5242880, 17184},
          capture{"perfview/net.4.5.2.x86.etl", 80, 11, 233, 4194324, 4194300, 18360},
          capture{"perfview/net.4.5.2.x64.etl", 264, 9, 433, 4194352, 4194304, 36712}}) {
      CAPTURE(c.file);
      decode::decoder decoder;
      testing::add_provider_manifest(decoder, "microsoft-perfview/ClrEtwAll.man");
      int count = 0, exact = 0, first_size = 0;
      std::map<std::string, int> reasons;  // "CondemnReasons0/1/MemoryPressure/Compact"
      testing::decode_capture(decoder, c.file, [&](const auto&, const event& e) {
        if (e.provider_name != "Microsoft-Windows-DotNETRuntimePrivate" || e.event_id != 4) return;
        ++count;
        CHECK(e.event_name() == "GC/PerHeapHistory");
        if (e.payload_decoded && e.decode_error.empty() && !e.has_surplus()) ++exact;
        const auto number = [&](const char* name) {
          const data_item* item = e.data.find(name);
          return item != nullptr ? item->unsigned_value : ~std::uint64_t{0};
        };
        reasons[std::to_string(number("CondemnReasons0")) + "/" +
                std::to_string(number("CondemnReasons1")) + "/" +
                std::to_string(number("MemoryPressure")) + "/" +
                std::to_string(number("CompactMechanisms"))]++;
        if (count != 1) return;
        first_size = static_cast<int>(e.raw_data.size());
        CHECK(number("ClrInstanceID") == c.clr_instance);
        CHECK(number("HeapIndex") == 0);
        // The counters: GenData is an array of 5 structs of 10 values each.
        const auto items = e.data.items();
        REQUIRE(items.size() > 2 + 5 * 12);
        CHECK(items[0].name == "GenData");
        CHECK(items[0].type == data_type::begin_array);
        CHECK(items[1].type == data_type::begin_struct);
        CHECK(items[2].name == "SizeBefore");
        CHECK(items[2].unsigned_value == c.gen0_size_before);
        CHECK(items[10].name == "Budget");
        CHECK(items[10].unsigned_value == c.gen0_budget);
        CHECK(items[3 * 12 + 2].name == "SizeBefore");  // generation 3: the LOH
        CHECK(items[3 * 12 + 2].unsigned_value == c.loh_size);
      });
      CHECK(count == c.count);
      CHECK(exact == c.count);
      CHECK(first_size == static_cast<int>(c.payload_size));
      // Mostly zeros, as the baseline's first five events show; the others read by hand. The
      // x64 capture has one event of a 32-bit process (233 bytes, 4-byte counters) whose
      // CompactMechanisms has bit 31 (a mechanism was used) and bit 0.
      if (c.count == 1050) {
        CHECK(reasons == std::map<std::string, int>{{"0/0/0/0", 950}, {"10/8193/71/0", 100}});
      } else if (c.count == 80) {
        CHECK(reasons == std::map<std::string, int>{{"0/0/0/0", 80}});
      } else {
        CHECK(reasons == std::map<std::string, int>{{"0/0/0/0", 263}, {"4/48/31/2147483649", 1}});
      }
    }
  }
}
