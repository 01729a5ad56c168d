// tdh_blobs: what TDH's functions answer, turned into the schema model — an event's
// TRACE_EVENT_INFO with the EVENT_MAP_INFOs it names (one schema that owns its maps), and a
// provider's PROVIDER_FIELD_INFOARRAYs and PROVIDER_EVENT_INFO. Portable: the same blobs come
// from tdh.dll on Windows and, in tests, from the KernelTraceControl metadata of merged traces.
// Spec: docs/etw-api.md §8, docs/etl-format.md §7.1.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "lib/base/result.h"
#include "lib/decode/manifest/manifest.h"
#include "lib/decode/schema.h"
#include "lib/etl/layout.h"

namespace etwcat::decode {

/// The EVENT_MAP_INFO blob of the map a property names, or an empty span when there is none.
/// The span need stay valid only until the next call.
using map_info_lookup = std::function<std::span<const std::byte>(std::string_view map_name)>;

/// An event's schema from its TRACE_EVENT_INFO (read_event_info) and the value maps its
/// properties name (read_map_info; each name looked up once), held together: the properties'
/// `map` pointers stay valid as long as the returned pointer, or a copy of it, lives. A map that
/// `maps` does not find leaves its properties unmapped; a blob that does not read is an error
/// (the map's name, then read_map_info's message).
///
///   auto schema = schema_from_event_info(info, [&](std::string_view name) { return blob(name); });
[[nodiscard]] result<schema_ptr> schema_from_event_info(std::span<const std::byte> event_info,
                                                        const map_info_lookup& maps);

/// The lists TdhEnumerateProviderFieldInformation gives (EVENT_FIELD_TYPE).
enum class provider_field : std::uint32_t {
  keywords = 0,
  levels = 1,
  channels = 2,
  tasks = 3,
  opcodes = 4,
};

/// A PROVIDER_FIELD_INFOARRAY as declarations: `name` is TDH's name (NameOffset), `display` its
/// description (DescriptionOffset) when it has one, else the name; trailing spaces are trimmed.
/// Opcodes: a value above 0xFF is read as TDH's task-and-opcode form (the task in bits 0-15,
/// the opcode in bits 16-23, as TdhQueryProviderFieldInformation takes it); a smaller one is
/// the opcode itself. Errors carry the offset of the bad field.
[[nodiscard]] result<std::vector<declaration>> read_provider_field_info(
    std::span<const std::byte> blob, provider_field field);

/// The event descriptors of a PROVIDER_EVENT_INFO (TdhEnumerateManifestProviderEvents).
[[nodiscard]] result<std::vector<etl::event_descriptor>> read_provider_event_info(
    std::span<const std::byte> blob);

/// The EVENT_MAP_INFO of map `map_name` as seen from `event` (TdhGetEventMapInformation asks
/// with an event of the provider), or an empty span when there is none.
using provider_map_lookup =
    std::function<std::span<const std::byte>(const event_schema& event, std::string_view map_name)>;

/// Fills `provider.maps` with every map its events name (each asked once, through the first
/// event that names it) and points the events' properties at them. Maps `maps` does not find
/// leave their properties unmapped; a blob that does not read is an error.
[[nodiscard]] result<void> add_provider_maps(manifest_provider& provider,
                                             const provider_map_lookup& maps);

}  // namespace etwcat::decode
