// NT Kernel Logger enable flags (EVENT_TRACE_FLAG_*) by the names goetw and
// logman use, so `--kernel process,thread,img` means what users expect.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace etwcat::provider {

struct kernel_flag {
  std::string_view name;         // goetw's spelling
  std::uint32_t value;           // EVENT_TRACE_FLAG_* bits
  std::string_view logman_name;  // logman's spelling; empty when logman has none for this bit
  std::string_view description;
};

/// Every flag name, in bit order.
std::span<const kernel_flag> kernel_flags() noexcept;

/// ORs the flags of a comma-separated list of names (either spelling, any
/// case) or numbers: parse_kernel_flags("Process,thread,img") == 0x7.
/// Throws usage_error naming an unknown or empty element.
std::uint32_t parse_kernel_flags(std::string_view list);

}  // namespace etwcat::provider
