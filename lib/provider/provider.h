// provider: what a session enables — one ETW provider with its level,
// keyword masks and event-ID filter, as parsed from a provider string.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/base/guid.h"

namespace etwcat::provider {

/// ETW allows at most this many IDs in one EVENT_FILTER_EVENT_ID.
constexpr std::size_t max_event_ids = 64;

/// Defaults are goetw's: every level, every keyword, no ID filter.
struct provider {
  std::string name;  // as resolved (table or TDH), or as given for `*Name`; empty for a bare GUID
  guid id;
  std::uint8_t level = 0xFF;
  std::uint64_t match_any_keyword = ~std::uint64_t{0};
  std::uint64_t match_all_keyword = 0;
  std::vector<std::uint16_t> event_ids;  // empty: no ID filter
  bool exclude_event_ids = false;        // event_ids lists IDs to drop, not to keep
};

}  // namespace etwcat::provider
