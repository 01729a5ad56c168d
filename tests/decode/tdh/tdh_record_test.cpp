// Tests for lib/decode/tdh/tdh_record.h: the EVENT_RECORD made for TDH carries each real
// record's identity, flags and payload, as ETW delivers it (tests/support/delivered_record.h
// models that delivery independently).
#include "lib/decode/tdh/tdh_record.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>

#include "lib/base/diagnostics.h"
#include "lib/etl/merged_reader.h"
#include "tests/support/corpus.h"
#include "tests/support/delivered_record.h"
#include "tests/support/etl_builder.h"

using namespace etwcat;
using namespace etwcat::decode;
namespace flag = etl::event_header_flag;

TEST_CASE("tdh_record: a manifest event known by provider and descriptor, without a payload") {
  const guid provider = testing::guid_of("EDD08927-9CC4-4E65-B970-C2560FB5C289");
  etl::event_descriptor d{};
  d.id = 12;
  d.version = 1;
  d.channel = 16;
  d.level = 4;
  d.opcode = 0;
  d.task = 12;
  d.keyword = 0x8000000000000010ULL;
  const live::event_record r = tdh_event_record(provider, d);
  CHECK(r.header.provider_id == provider);
  CHECK(r.header.descriptor.id == 12);
  CHECK(r.header.descriptor.version == 1);
  CHECK(r.header.descriptor.channel == 16);
  CHECK(r.header.descriptor.level == 4);
  CHECK(r.header.descriptor.task == 12);
  CHECK(r.header.descriptor.keyword == 0x8000000000000010ULL);
  // This process's pointer size; not a classic event.
  CHECK(r.header.flags == (sizeof(void*) == 8 ? flag::header_64_bit : flag::header_32_bit));
  CHECK(r.user_data == nullptr);
  CHECK(r.user_data_length == 0);
  CHECK(r.extended_data_count == 0);
}

TEST_SUITE("corpus") {
  TEST_CASE("tdh_record: every record of real captures gives TDH its identity and payload") {
    ETWCAT_REQUIRE_CORPUS();
    // Merged x64 and x86 captures (manifest, MOF, kernel and KernelTraceControl records of both
    // pointer sizes), an EventSource/TraceLogging capture and a WPP one.
    const char* files[] = {"perfview/net.4.5.2.x64.etl", "perfview/net.4.5.2.x86.etl",
                           "krabsetw/powershell.etl", "findneedle-wpp/wppemitter-sample.etl"};
    std::map<std::string, int> kinds;  // what was checked
    for (const char* file : files) {
      CAPTURE(file);
      diagnostics diags;
      const std::filesystem::path paths[] = {testing::corpus_file(file)};
      auto trace = etl::merged_reader::open(paths, diags);
      etl::record_view r;
      testing::delivered_record delivered;
      while (trace.next(r)) {
        const live::event_record t = tdh_event_record(r);
        const live::event_record& etw = delivered.deliver(r, trace.clock(trace.file()));
        ++kinds[std::string(etl::to_string(r.kind()))];
        CAPTURE(etl::to_string(r.kind()));
        CAPTURE(r.file_offset());

        // The payload, where the record holds it: UserData points into the record.
        CHECK(t.user_data_length == r.payload().size());
        CHECK(t.user_data == r.payload().data());
        CHECK(t.extended_data_count == 0);
        CHECK(t.extended_data == nullptr);

        // The pointer size of the logger: one of the two flags, always.
        const std::uint16_t width = t.header.flags & (flag::header_32_bit | flag::header_64_bit);
        CHECK(width == (r.pointer_size() == 4 ? flag::header_32_bit : flag::header_64_bit));

        const bool classic =
            etl::is_kernel_kind(r.kind()) || (r.kind() >= etl::header_kind::full_header32 &&
                                              r.kind() <= etl::header_kind::instance64);
        CHECK(((t.header.flags & flag::classic_header) != 0) == classic);
        if (classic) {
          // MOF identity: class GUID (kernel groups: their class), type, version.
          CHECK(t.header.provider_id == r.provider_guid());
          CHECK(t.header.descriptor.opcode == r.opcode());
          CHECK(t.header.descriptor.version == r.version());
          CHECK(t.header.descriptor.id == 0);
        } else if (r.kind() == etl::header_kind::wpp_message) {
          CHECK((t.header.flags & flag::trace_message) != 0);
          CHECK(t.header.provider_id == r.header_guid());
          CHECK(t.header.descriptor.id == r.message_number());
        } else {
          CHECK(t.header.provider_id == r.header_guid());
          CHECK(t.header.descriptor.id == r.event_id());
          CHECK(t.header.descriptor.version == r.version());
          CHECK(t.header.descriptor.opcode == r.opcode());
          CHECK(t.header.descriptor.level == r.level());
          CHECK(t.header.descriptor.task == r.descriptor().task);
          CHECK(t.header.descriptor.keyword == r.descriptor().keyword);
          CHECK(t.header.descriptor.channel == r.descriptor().channel);
          CHECK(t.header.event_property == r.event_property());
          CHECK(t.header.activity_id == r.activity_id());
          // Without extended items passed, none is announced.
          CHECK((t.header.flags & flag::extended_info) == 0);
        }

        // What ETW itself delivers for the record, but for the extended items TDH is not given
        // and the processor, which only says where the record was logged.
        const std::uint16_t ignored = flag::extended_info | flag::processor_index;
        CHECK((t.header.flags & ~ignored) == (etw.header.flags & ~ignored));
        CHECK(t.header.provider_id == etw.header.provider_id);
        CHECK(t.header.descriptor.id == etw.header.descriptor.id);
        CHECK(t.header.descriptor.version == etw.header.descriptor.version);
        CHECK(t.header.descriptor.opcode == etw.header.descriptor.opcode);
        CHECK(t.header.descriptor.level == etw.header.descriptor.level);
        CHECK(t.header.descriptor.task == etw.header.descriptor.task);
        CHECK(t.header.descriptor.keyword == etw.header.descriptor.keyword);
        CHECK(t.header.thread_id == etw.header.thread_id);
        CHECK(t.header.process_id == etw.header.process_id);
        CHECK(t.user_data_length == etw.user_data_length);
        CHECK(t.user_data == etw.user_data);
      }
      CHECK(diags.empty());
    }
    // Every kind of header the captures hold was seen; both pointer sizes of each family.
    CHECK(kinds["event_header64"] > 0);
    CHECK(kinds["event_header32"] > 0);
    CHECK(kinds["full_header64"] > 0);
    CHECK(kinds["full_header32"] > 0);
    CHECK(kinds["wpp_message"] > 0);
    MESSAGE("records checked by header kind: " << [&] {
      std::string out;
      for (const auto& [kind, n] : kinds) out += kind + "=" + std::to_string(n) + " ";
      return out;
    }());
  }
}
