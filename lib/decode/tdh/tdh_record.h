// tdh_record: the EVENT_RECORD that TDH is asked about. TdhGetEventInformation and
// TdhGetEventMapInformation take the record ETW delivers, not an identity, so one is made from a
// record of a file (or of a live session, which arrives in the same form): the header fields TDH
// finds a schema by, and the payload. Portable, so that it is tested on every system.
// Spec: docs/etw-api.md §7.6.
#pragma once

#include "lib/base/guid.h"
#include "lib/etl/layout.h"
#include "lib/etl/record_view.h"
#include "lib/live/etw_types.h"

namespace etwcat::decode {

/// The EVENT_RECORD that ETW delivers for `record`, as far as TDH reads it: ProviderId (the
/// provider; for kernel and MOF events the event class GUID), the descriptor (classic events:
/// their type as Opcode, their class version, level), the flags (CLASSIC_HEADER for kernel and
/// MOF events, TRACE_MESSAGE for WPP, and always the logger's pointer size, 32_BIT_HEADER or
/// 64_BIT_HEADER, which TDH sizes pointers and SIZE_T fields by), thread and process ids, and
/// the payload as UserData/UserDataLength. No extended data: the decoder never asks TDH about
/// TraceLogging events, the only ones whose schema is in an extended item. TimeStamp is 0 (the
/// decoder has the raw session clock only; TDH does not read it).
///
/// UserData points into `record`'s bytes: the result is valid as long as the record is.
/// Allocates nothing.
live::event_record tdh_event_record(const etl::record_view& record) noexcept;

/// The EVENT_RECORD of a manifest event known only by its provider and descriptor (no payload),
/// with the pointer size of this process: what TdhGetEventMapInformation needs to find the maps
/// of a registered provider's events.
live::event_record tdh_event_record(const guid& provider,
                                    const etl::event_descriptor& descriptor) noexcept;

}  // namespace etwcat::decode
