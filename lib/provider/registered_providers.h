// Providers registered on this machine, through TDH (Windows only). On other
// systems there is no registry of providers and lookups find nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"

namespace etwcat::provider {

/// True where a registry of providers can be asked (Windows).
bool registered_providers_available() noexcept;

/// One provider registered on this machine (TdhEnumerateProviders).
struct registered_provider {
  guid id;
  std::string name;
  bool mof = false;  // described by a WMI MOF class; else by an instrumentation manifest
};

/// Every registered provider, in TDH's order; empty where unavailable or when TDH fails.
std::vector<registered_provider> registered_providers();

/// The GUID of the registered provider with this name (ASCII case ignored),
/// through TdhEnumerateProviders; nothing when unknown or unavailable.
std::optional<guid> find_registered_provider(std::string_view name);

}  // namespace etwcat::provider
