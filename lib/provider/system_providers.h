// system_providers: the kernel event groups a user asks for by name (--system Process,FileIo),
// as the seed's SystemProvider enum offers them, and the NT Kernel Logger flags each one turns
// on. Windows 11's system providers (SystemProcessProviderGuid and its siblings, enabled with
// EnableTraceEx2 on a system logger) carry the same events; their GUIDs are given for that path.
// Spec: docs/etw-api.md §4.3–§4.4.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"

namespace etwcat::provider {

struct system_provider {
  std::string_view name;       // "Process", "FileIo", …
  std::uint32_t kernel_flags;  // EVENT_TRACE_FLAG_* on older Windows
  guid system_provider_guid;   // Windows 11: the system provider
  std::uint64_t keywords;      // and its SYSTEM_*_KW_* keywords
  std::string_view description;
};

/// One of Windows 11's system providers (SystemProcessProviderGuid, …): its GUID and its
/// keywords, named as the SDK names them (SYSTEM_PROCESS_KW_LOADER).
struct windows_system_provider {
  std::string_view name;
  guid id;
  struct keyword {
    std::string_view name;
    std::uint64_t mask;
  };
  std::vector<keyword> keywords;
};

/// All 17 of them, by name.
std::span<const windows_system_provider> windows_system_providers() noexcept;

/// Every group, in the order `etwcat providers --kernel` would list them.
std::span<const system_provider> system_providers() noexcept;

/// ORs the kernel flags of a comma-separated list of group names (any case):
/// parse_system_providers("Process,ImageLoad") == 0x5. Throws usage_error naming an unknown one.
std::uint32_t parse_system_providers(std::string_view list);

}  // namespace etwcat::provider
