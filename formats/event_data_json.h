// event_data_json: EventData items as JSON (output-schema.md "Values"), shared by the JSON-lines
// writer (the "EventData" object) and the text writer (struct and array values).
#pragma once

#include <string>

#include "lib/event/event_data.h"

namespace etwcat::formats {

/// Appends the members of the top-level EventData object, without the braces:
/// `"A":1,"B":{"c":"x"},"D":[1,2]`.
void append_event_data_members(std::string& out, const event_data& data);

/// Appends one value as JSON: the item at `items[i]` (for a struct or array, through its end
/// marker). Returns the index after it.
std::size_t append_data_value(std::string& out, const event_data& data, std::size_t i);

}  // namespace etwcat::formats
