// manifest_assembler: EventSource providers log their own manifest into the trace as event
// 0xFFFE (opcode 254, TraceEvent's "ManifestData"), cut into chunks. Each payload is a
// ManifestEnvelope followed by a piece of UTF-8 XML:
//   u8 Format (1 = UTF-8 XML), u8 MajorVersion, u8 MinorVersion, u8 Magic (0x5B),
//   u16 TotalChunks, u16 ChunkNumber (0-based), then the text.
// The assembler joins the chunks per provider and reads the manifest when the last one arrives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"
#include "lib/base/result.h"
#include "lib/decode/manifest/manifest.h"
#include "lib/decode/schema.h"

namespace etwcat::decode {

/// The event id, opcode and TraceEvent name of the events that carry EventSource manifests.
inline constexpr std::uint16_t manifest_event_id = 0xFFFE;
inline constexpr std::uint8_t manifest_event_opcode = 254;
inline constexpr std::string_view manifest_event_name = "ManifestData";

/// A schema for those events themselves, for any provider: the envelope fields, then the
/// manifest text (as UTF-8, to the end of the payload). Named "ManifestData".
const event_schema& manifest_data_schema();

/// Collects chunks per provider, in any order. Feed it the payload of every 0xFFFE/254 record:
///
///   manifest_assembler assembler;
///   if (auto done = assembler.add(record.header_guid(), record.payload())) {
///     if (done->ok()) manifests.merge(done->value());
///     else report(done->failure().message);
///   }
class manifest_assembler {
 public:
  /// Nothing while chunks are still missing, or when the manifest is one this assembler
  /// already returned for the provider (EventSource logs it again at every session start and
  /// rundown). Otherwise the provider's manifest read with
  /// schema_source::event_source and complete templates, or an error: a bad envelope (short,
  /// wrong magic, unknown format, chunk number out of range) or XML that does not read.
  std::optional<result<manifest_set>> add(const guid& provider, std::span<const std::byte> payload);

  /// Manifests returned so far.
  std::size_t completed() const noexcept { return completed_; }

  /// Drops a partly assembled manifest that grew past this many bytes (a damaged stream).
  static constexpr std::size_t max_manifest_bytes = 64u << 20;

 private:
  // Chunks may come out of order: a merged file holds them in per-CPU buffers.
  struct pending {
    std::uint16_t total = 0;
    std::uint16_t received = 0;
    std::size_t bytes = 0;
    std::vector<std::optional<std::string>> chunks;  // by chunk number
  };
  struct done {
    std::uint64_t hash = 0;
    std::size_t size = 0;
  };
  std::map<guid, pending> pending_;
  std::map<guid, done> done_;
  std::size_t completed_ = 0;
};

}  // namespace etwcat::decode
