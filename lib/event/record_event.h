// record_event: fills the System block, extended data and raw payload of an event from any
// parsed record kind. Names follow docs/output-schema.md "Names" (TraceEvent's naming).
#pragma once

#include <cstdint>
#include <string_view>

#include "lib/etl/record_view.h"
#include "lib/event/event.h"
#include "lib/etl/trace_clock.h"

namespace etwcat {

/// Provider.Name of every classic kernel (NT Kernel Logger) record.
constexpr std::string_view kernel_provider_name = "Windows Kernel";

/// Clears `out` and fills it from `record`: provider, descriptor or classic identity, time,
/// correlation, execution, extended items and the payload as RawData. Provider.Name is set only
/// for kernel records; callers that know the provider's name set `out.provider_name` after.
/// Allocates nothing once `out`'s vectors have grown.
///
///   event e;
///   while (reader.next(record)) { fill_event(record, clock, e); writer.write(e); }
void fill_event(const etl::record_view& record, const etl::trace_clock& clock, event& out);

/// TraceEvent's name of a classic kernel event class, by group number and type: "Process",
/// "Image" (Process group, type 10), "DiskIO", … Empty for groups it does not know.
std::string_view kernel_class_name(std::uint8_t group, std::uint8_t type) noexcept;

/// TraceEvent's name of a kernel event type within its class ("Start", "SendIPV6"), or empty.
std::string_view kernel_type_name(std::uint8_t group, std::uint8_t type) noexcept;

/// The winmeta name of a standard level 1..5 ("Critical" … "Verbose"), else empty.
std::string_view standard_level_name(std::uint8_t level) noexcept;

/// "S-1-5-18" from a binary SID (§4 type 0x02) into `out`; empty if the bytes are no SID.
std::string_view format_sid(std::span<const std::byte> sid, std::span<char> out) noexcept;

}  // namespace etwcat
