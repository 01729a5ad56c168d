// Providers registered on this machine, through TDH (Windows only). On other
// systems there is no registry of providers and lookups find nothing.
#pragma once

#include <optional>
#include <string_view>

#include "lib/base/guid.h"

namespace etwcat::provider {

/// True where a registry of providers can be asked (Windows).
bool registered_providers_available() noexcept;

/// The GUID of the registered provider with this name (ASCII case ignored),
/// through TdhEnumerateProviders; nothing when unknown or unavailable.
std::optional<guid> find_registered_provider(std::string_view name);

}  // namespace etwcat::provider
