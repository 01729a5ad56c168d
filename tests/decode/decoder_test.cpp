// The decoder's dispatch over a whole capture: which schema applies, and what it names.
#include "lib/decode/decoder.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

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
}
