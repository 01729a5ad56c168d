// Well-known providers by name and GUID, so that names resolve without TDH
// (on Linux, under Wine, or for offline use).
#pragma once

#include <span>
#include <string_view>

#include "lib/base/guid.h"

namespace etwcat::provider {

struct known_provider {
  std::string_view name;
  guid id;
  std::string_view description;
};

/// Every entry of the built-in table, in a stable order.
std::span<const known_provider> known_providers() noexcept;

/// Looks a provider up by name, ignoring ASCII case; nullptr when unknown.
const known_provider* find_known_provider(std::string_view name) noexcept;

/// Looks a provider up by GUID; nullptr when unknown.
const known_provider* find_known_provider(const guid& id) noexcept;

}  // namespace etwcat::provider
