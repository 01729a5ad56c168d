// kernel_groups: the event-class GUID of "classic" kernel events, which carry a group number
// (EVENT_TRACE_GROUP_* >> 8) instead of a GUID. Spec: docs/etl-format.md §2.8.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "lib/base/guid.h"

namespace etwcat::etl {

/// The class GUID the consumer API gives a SYSTEM/COMPACT/PERFINFO record of `group`/`type`.
/// Group 3 (Process) type 10 is an image load and maps to the ImageLoad GUID. Unknown groups
/// (>= 0x1F) give the null GUID.
///
///   kernel_group_guid(0x05, 1) == *guid::parse("3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c")  // Thread
guid kernel_group_guid(std::uint8_t group, std::uint8_t type) noexcept;

/// The group whose class GUID `class_guid` is (the reverse of kernel_group_guid), as the
/// consumer API hides it: an EVENT_RECORD carries the class GUID only. The ImageLoad GUID gives
/// its own group (0x14), though older systems log image loads as Process type 10. Nothing for
/// a GUID of no kernel group.
std::optional<std::uint8_t> kernel_group_of_class(const guid& class_guid) noexcept;

/// The group's short name ("Process", "Thread", "DiskIo", …), or "" if unknown.
std::string_view kernel_group_name(std::uint8_t group) noexcept;

namespace kernel_group {  // EVENT_TRACE_GROUP_* >> 8
constexpr std::uint8_t header = 0x00;
constexpr std::uint8_t io = 0x01;
constexpr std::uint8_t memory = 0x02;
constexpr std::uint8_t process = 0x03;
constexpr std::uint8_t file = 0x04;
constexpr std::uint8_t thread = 0x05;
constexpr std::uint8_t tcpip = 0x06;
constexpr std::uint8_t udpip = 0x08;
constexpr std::uint8_t registry = 0x09;
constexpr std::uint8_t config = 0x0B;
constexpr std::uint8_t perfinfo = 0x0F;
constexpr std::uint8_t image = 0x14;
constexpr std::uint8_t stackwalk = 0x18;
}  // namespace kernel_group

}  // namespace etwcat::etl
