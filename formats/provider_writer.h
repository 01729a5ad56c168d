// Printers for `etwcat providers`: the built-in provider table, the kernel
// flag names, and one parsed provider string, as text or JSON lines.
#pragma once

#include <string>

#include "lib/base/text_buffer.h"
#include "lib/provider/provider.h"

namespace etwcat::formats {

enum class listing_format { text, jsonl };

/// One JSON object (no newline):
/// {"Name":…,"Guid":"{…}","Level":…,"MatchAnyKeyword":"0x…","MatchAllKeyword":"0x…",
///  "EventIds":[…],"ExcludeEventIds":false}
void append_provider_json(text_buffer& out, const provider::provider& parsed);

/// The same as aligned "Key:  value" lines, as `logman query -ets` shows a
/// session's providers; a level 1-5 gets its name, an empty ID list reads "all",
/// an exclude list is "ExcludeEventIds", and a name-less GUID has no Name line:
///   Name:             Microsoft-Windows-Kernel-File
///   Guid:             {EDD08927-9CC4-4E65-B970-C2560FB5C289}
///   Level:            4 (information)
///   MatchAnyKeyword:  0x42
///   MatchAllKeyword:  0x0
///   EventIds:         1,2,3
void append_provider_text(text_buffer& out, const provider::provider& parsed);

/// The built-in table: text columns "Name  {GUID}  description", or one
/// {"Name","Guid","Description"} object per line.
std::string format_known_providers(listing_format format);

/// Kernel flags: text columns "Name  0x…  logman-name  description", or one
/// {"Name","Value","Logman","Description"} object per line.
std::string format_kernel_flags(listing_format format);

}  // namespace etwcat::formats
