// recorded_tdh: a tdh_source that answers as TDH would, from the TRACE_EVENT_INFO and
// EVENT_MAP_INFO blobs that KernelTraceControl recorded into a merged trace (MetaData/EventInfo
// and MetaData/EventMapInfo, docs/etl-format.md §7.2). It finds a schema by what TDH reads of
// the EVENT_RECORD it is given — ProviderId, the descriptor, CLASSIC_HEADER — so that the
// records tdh_event_record builds are checked by the lookups they make.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "lib/base/byte_cursor.h"
#include "lib/base/diagnostics.h"
#include "lib/decode/tdh/event_info.h"
#include "lib/decode/tdh/tdh_schemas.h"
#include "lib/etl/file_reader.h"

namespace etwcat::testing {

/// What TDH finds a schema by: manifest events by provider + id + version, classic (MOF)
/// events by class GUID + type + version.
struct tdh_identity {
  guid id;
  std::uint16_t number = 0;
  std::uint16_t version = 0;
  bool classic = false;
  friend auto operator<=>(const tdh_identity&, const tdh_identity&) = default;
};

/// The identity an EVENT_RECORD asks TDH about.
inline tdh_identity identity_of(const live::event_record& r) {
  const bool classic = (r.header.flags & etl::event_header_flag::classic_header) != 0;
  const std::uint16_t number = classic ? r.header.descriptor.opcode : r.header.descriptor.id;
  return {r.header.provider_id, number, r.header.descriptor.version, classic};
}

/// The identity a TRACE_EVENT_INFO describes (its DecodingSource says which kind).
inline tdh_identity identity_of_blob(std::span<const std::byte> info) {
  std::uint32_t source = 0;
  std::uint16_t id = 0;
  std::uint8_t version = 0, opcode = 0;
  (void)(read_at(info, 0x30, source) && read_at(info, 0x20, id) && read_at(info, 0x22, version) &&
         read_at(info, 0x25, opcode));
  const bool classic = source == 1 || source == 2;
  return {guid::from_bytes(info.subspan(classic ? 0x10 : 0x00).first<16>()),
          classic ? std::uint16_t{opcode} : id, version, classic};
}

/// The blobs of one capture, and the answers given from them.
class recorded_tdh final : public decode::tdh_source {
 public:
  /// Reads every MetaData record of a capture's files (in file order; the first blob of an
  /// identity, and of a provider's map name, is kept). A capture without any leaves the source
  /// empty.
  static recorded_tdh from_capture(std::span<const std::filesystem::path> files) {
    recorded_tdh out;
    for (const std::filesystem::path& file : files) out.add_file(file);
    return out;
  }

  void add_file(const std::filesystem::path& file) {
    diagnostics diags;
    auto reader = etl::file_reader::open(file, diags);
    if (!reader.ok()) return;
    etl::record_view r;
    while (reader.value().next(r)) {
      if (r.header_guid() != decode::event_metadata_guid) continue;
      const auto payload = r.payload();
      if (r.opcode() == decode::event_info_opcode && payload.size() >= 0x70) {
        ++info_records;
        infos.try_emplace(identity_of_blob(payload), payload.begin(), payload.end());
      } else if (r.opcode() == decode::event_map_info_opcode && payload.size() > 16) {
        auto map = decode::read_map_info(payload.subspan(16));
        if (!map.ok()) continue;
        maps.try_emplace({guid::from_bytes(payload.first<16>()), map.value().name},
                         payload.begin() + 16, payload.end());
      }
    }
  }

  std::span<const std::byte> event_information(const live::event_record& record) override {
    const tdh_identity asked = identity_of(record);
    ++questions[asked];
    auto it = infos.find(asked);
    if (it == infos.end()) return {};
    answered.insert(asked);
    return it->second;
  }

  std::span<const std::byte> event_map_information(const live::event_record& record,
                                                   std::string_view map_name) override {
    ++map_questions;
    // TDH looks for the map among the maps of the event's provider: the one its schema names.
    auto info = infos.find(identity_of(record));
    if (info == infos.end()) return {};
    const guid provider = guid::from_bytes(std::span(info->second).first<16>());
    auto it = maps.find({provider, std::string(map_name)});
    return it == maps.end() ? std::span<const std::byte>{} : std::span(it->second);
  }

  std::map<tdh_identity, std::vector<std::byte>> infos;
  std::map<std::pair<guid, std::string>, std::vector<std::byte>> maps;
  std::size_t info_records = 0;  // EventInfo records read, duplicates included
  // What was asked, how often, and which identities had an answer.
  std::map<tdh_identity, int> questions;
  std::set<tdh_identity> answered;
  std::size_t map_questions = 0;
};

}  // namespace etwcat::testing
