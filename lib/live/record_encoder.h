// record_encoder: an EVENT_RECORD, as ETW delivers it live, written back as the record an .etl
// file would hold (the inverse of etl::record_view::parse), so that live events take the very
// path file events take — record view, event, decoders, writers — and print the same. Writing
// it is also the copy a consumer must make before ETW's callback returns.
//
// The header kind follows from what the EVENT_RECORD says (EventHeader.HeaderType is reserved):
//   TRACE_MESSAGE flag              -> WPP message (GUID, and timestamp / ids when present)
//   CLASSIC_HEADER, a kernel class  -> SYSTEM, or PERFINFO when it has no thread and process
//   CLASSIC_HEADER, another class   -> FULL header, or INSTANCE with an INSTANCE_INFO item
//   otherwise                       -> EVENT_HEADER, with its extended items
// 32- or 64-bit by the 32_BIT_HEADER / 64_BIT_HEADER flags (64 when neither is set).
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "lib/etl/record_view.h"
#include "lib/live/etw_types.h"

namespace etwcat::live {

/// The bytes encode_record() writes for `r`, or nothing when they would not fit a record's
/// 16-bit size (ETW itself drops events over 64 KB).
std::optional<std::size_t> encoded_size(const event_record& r) noexcept;

/// Writes `r` into `out`, which holds exactly encoded_size(r) bytes, and returns the origin to
/// parse it with (the processor it came from).
etl::record_origin encode_record(const event_record& r, std::span<std::byte> out) noexcept;

}  // namespace etwcat::live
