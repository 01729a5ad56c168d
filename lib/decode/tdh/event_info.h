// event_info: reads TDH's TRACE_EVENT_INFO and EVENT_MAP_INFO blobs into an event_schema and a
// value_map. They come from KernelTraceControl's MetaData/EventInfo (type 32) and
// MetaData/EventMapInfo (type 33) records of merged ETLs, or from TdhGetEventInformation.
// Spec: docs/etl-format.md §7.1, §7.2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "lib/base/guid.h"
#include "lib/base/result.h"
#include "lib/decode/schema.h"

namespace etwcat::decode {

/// Event class GUID of KernelTraceControl's MetaData records (FULL_HEADER, §7.2).
inline constexpr guid event_metadata_guid{
    0xbbccf6c1, 0x6cd1, 0x48c4, {0x80, 0xff, 0x83, 0x94, 0x82, 0xe3, 0x76, 0x71}};
/// MetaData/EventInfo: the payload is one TRACE_EVENT_INFO.
inline constexpr std::uint8_t event_info_opcode = 32;
/// MetaData/EventMapInfo: the payload is a provider GUID + EVENT_MAP_INFO.
inline constexpr std::uint8_t event_map_info_opcode = 33;

/// Parses a TRACE_EVENT_INFO blob (offsets relative to its start). The schema gets the
/// descriptor, names ("win:" cut from the opcode name; keyword names split from TDH's
/// NUL-separated list), the message, the properties (flags Struct / ParamLength / ParamCount /
/// ParamFixedLength / ParamFixedCount; custom schemas skipped) with their map names (the maps
/// themselves are resolved by whoever stores schemas), and event_name per output-schema.md:
/// manifest "Task/Opcode", the task alone when the opcode is 0 or unnamed, "EventID(N)"
/// without a task name; MOF "Class/Type" (the class alone without a type name, "EventType(N)"
/// without a class name); TraceLogging the task name, which TDH sets to the event name.
///
/// A property with count > 1 but neither ParamCount nor ParamFixedCount (seen for
/// CLRStackWalk's Stack, whose real count is the FrameCount before it, §7.3) gets its count
/// from the nearest earlier integer property when that one is named like a count, else is
/// decoded as a fixed array of that count.
///
/// Errors carry the offset in `blob` of the bad field.
[[nodiscard]] result<event_schema> read_event_info(std::span<const std::byte> blob);

/// Parses an EVENT_MAP_INFO blob (offsets relative to its start). Entries whose input is a
/// string (WBEM maps with MapEntryValueType 1) or a pattern are skipped; names lose trailing
/// spaces. Flag 2 (manifest bitmap) and 0x10 (WBEM bitmap) make a bitmap, anything else a
/// valuemap.
[[nodiscard]] result<value_map> read_map_info(std::span<const std::byte> blob);

/// Parses the payload of a MetaData/EventMapInfo record: the provider GUID, then an
/// EVENT_MAP_INFO whose offsets are relative to its own start. Error offsets are relative to
/// the payload.
[[nodiscard]] result<std::pair<guid, value_map>> read_event_map_info(
    std::span<const std::byte> payload);

}  // namespace etwcat::decode
