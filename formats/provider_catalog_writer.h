// Printers for `etwcat providers` over the provider catalog: the list (name, GUID, sources),
// one provider's details (declarations and events with their fields), and Windows 11's system
// providers with their keywords. Text is aligned for people; jsonl is one object per line.
#pragma once

#include <span>
#include <string>

#include "formats/provider_writer.h"
#include "lib/decode/manifest/manifest.h"
#include "lib/provider/provider_catalog.h"

namespace etwcat::formats {

/// Text: "Name  {GUID}  source, source" columns. jsonl: {"Name","Guid","Sources":[…]}.
std::string format_catalog(std::span<const provider::catalog_entry* const> entries,
                           listing_format format);

/// Text: a header (name, GUID, sources, where the schema came from), then Keywords, Levels,
/// Channels, Tasks, Opcodes, and each event with its fields (name, in type, out type, count,
/// length, map), structs indented. jsonl: one {"Type":"Provider",…} line, then one
/// {"Type":"Event",…} line per event.
std::string format_provider_details(const decode::manifest_provider& provider,
                                    const provider::catalog_entry* entry, listing_format format);

/// Text: each system provider's name and GUID, then its keywords (mask, name). jsonl:
/// {"Name","Guid","Keywords":[{"Name","Mask"}]}.
std::string format_system_providers(listing_format format);

}  // namespace etwcat::formats
