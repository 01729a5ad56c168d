// kernel_schemas: built-in schemas for classic kernel (NT Kernel Logger, MOF) events and the
// classic events KernelTraceControl adds to merged traces (ImageID, WinSat, MetaData,
// SysConfigEx), and of the few manifest events whose published template is empty. Layouts per
// docs/etl-format.md §1.7/§1.9 (EventTrace group), §6 (kernel payloads) and §7.2; names as
// TraceEvent (PerfView) prints them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "lib/base/guid.h"
#include "lib/decode/schema.h"

namespace etwcat::decode {

/// The schema of a classic kernel or KernelTraceControl event, or nullptr when none is built
/// in. `event_class` is record_view::provider_guid(): the class GUID of the record's kernel
/// group for SYSTEM/COMPACT/PERFINFO records (group 3 type 10 gives the Image class), the GUID
/// in the header for FULL_HEADER records. `type` is the opcode, `version` the header version.
///
/// Known versions need an exact consume; a version newer than the newest known layout of that
/// class and type gets the newest layout with allow_trailing_bytes set (newer kernels append
/// fields). Older unknown versions give nullptr. Pointer fields are in_type::pointer, so one
/// schema serves both pointer sizes; `pointer_size` must be 4 or 8 (else nullptr).
///
/// Schemas are built once, on first use (thread-safe), and live for the whole program; a
/// lookup allocates nothing.
///
///   const event_schema* s = find_kernel_schema(record.provider_guid(), record.opcode(),
///                                              record.version(), record.pointer_size());
///   if (s) decoder.decode(*s, record.payload(), record.pointer_size(), e.data, e.decode_error);
const event_schema* find_kernel_schema(const guid& event_class, std::uint8_t type,
                                       std::uint16_t version, std::uint8_t pointer_size);

/// TraceEvent's task name of a classic event class this file knows ("Process", "SysConfig",
/// "ImageID", …), or "" — for naming a known class's unknown types "Task/Opcode(N)".
std::string_view kernel_task_name(const guid& event_class) noexcept;

/// The provider name TraceEvent shows for that class: "Windows Kernel", "KernelTraceControl",
/// or "" for a class this file does not know.
std::string_view kernel_class_provider(const guid& event_class) noexcept;

/// A built-in layout for a manifest event that its published manifests do not lay out, or
/// nullptr. TraceEvent reads such events by hand. Known here: CLR-Private GC/PerHeapHistory
/// version 2, whose template is empty (.NET 4.5 and 4.5.2, told apart by the payload's size),
/// and .NET events newer than the database's CLR manifest (find_builtin_event_names()), laid
/// out only when the payload's size is exactly what the layout and its counts say.
/// `pointer_size` (4 or 8) is the record's. The layouts are built once and live for the whole
/// program.
const event_schema* find_builtin_event_layout(const guid& provider, std::uint16_t id,
                                              std::uint8_t version,
                                              std::span<const std::byte> payload,
                                              std::uint8_t pointer_size);

/// The built-in schema that names a manifest event no other source knows, whether or not its
/// layout fits a given payload, or nullptr: the .NET 5-8 events GC/LOHCompact (208) and
/// GC/FitBucketInfo (209) of Microsoft-Windows-DotNETRuntime, GC/SettingsRundown (10) and
/// TieredCompilationRundown/SettingsDCStart (280) of Microsoft-Windows-DotNETRuntimeRundown.
const event_schema* find_builtin_event_names(const guid& provider, std::uint16_t id,
                                             std::uint8_t version);

/// Every built-in schema, in (class, type, version) order; for tests and listings.
std::span<const event_schema* const> all_kernel_schemas();

}  // namespace etwcat::decode
