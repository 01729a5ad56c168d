// tdh_schemas: the schemas Windows itself knows — TDH (tdh.dll) over the machine's registered
// manifests and MOF classes — as a decoder fallback and as provider details for
// `etwcat providers --details`. On other systems there is no TDH: both answer nothing.
// The fallback is portable over a small interface to TDH (tdh_source), so that everything but
// the calls into tdh.dll is tested on every system with recorded TDH answers.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "lib/base/guid.h"
#include "lib/base/result.h"
#include "lib/decode/decoder.h"
#include "lib/decode/manifest/manifest.h"
#include "lib/live/etw_types.h"

namespace etwcat::decode {

/// True where TDH can be asked: on Windows, but not under Wine (whose TDH functions are stubs).
bool tdh_available() noexcept;

/// A decoder fallback that asks TDH (TdhGetEventInformation, TdhGetEventMapInformation) for
/// each new event identity; nullptr where TDH is not available (tdh_available()).
std::unique_ptr<schema_fallback> make_tdh_schemas();

/// What TDH knows of a registered provider: its keywords, levels, channels, tasks and opcodes
/// (TdhEnumerateProviderFieldInformation) and, for manifest providers, its events with their
/// templates (TdhEnumerateManifestProviderEvents, TdhGetManifestEventInformation). An error
/// (with the Windows reason) where TDH is not available or does not know the provider.
result<std::shared_ptr<const manifest_provider>> tdh_provider_details(const guid& provider);

/// The two questions the fallback asks TDH about an event, answered with TDH's blobs: tdh.dll on
/// Windows, recorded blobs in tests. Each answer need stay valid only until the next call.
class tdh_source {
 public:
  virtual ~tdh_source() = default;
  /// TdhGetEventInformation: the TRACE_EVENT_INFO of `record`'s event, or an empty span.
  virtual std::span<const std::byte> event_information(const live::event_record& record) = 0;
  /// TdhGetEventMapInformation: the EVENT_MAP_INFO of the map `map_name` of `record`'s event,
  /// or an empty span.
  virtual std::span<const std::byte> event_map_information(const live::event_record& record,
                                                           std::string_view map_name) = 0;
};

/// The fallback over any tdh_source: for a record, the EVENT_RECORD ETW would deliver
/// (tdh_event_record), TDH's TRACE_EVENT_INFO for it and the maps it names, as one schema
/// that owns its maps (schema_from_event_info). nullptr when TDH has no schema or its answer
/// does not read. The decoder asks once per event identity; nothing here runs per event.
std::unique_ptr<schema_fallback> make_tdh_fallback(std::unique_ptr<tdh_source> source);

}  // namespace etwcat::decode
