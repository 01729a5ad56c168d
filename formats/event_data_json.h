// event_data_json: EventData items as JSON (output-schema.md "Values"), shared by the JSON-lines
// writer (the "EventData" object), the text writer (struct and array values), and the formats
// that print single values as plain text (csv, xml, --fields).
#pragma once

#include <string>

#include "lib/base/text_buffer.h"
#include "lib/event/event_data.h"

namespace etwcat::formats {

/// Appends the members of the top-level EventData object, without the braces:
/// `"A":1,"B":{"c":"x"},"D":[1,2]`.
void append_event_data_members(text_buffer& out, const event_data& data);

/// Appends one value as JSON: the item at `items[i]` (for a struct or array, through its end
/// marker). Returns the index after it.
std::size_t append_data_value(text_buffer& out, const event_data& data, std::size_t i);

/// Appends one value as plain text: a string as its UTF-8 (invalid bytes become U+FFFD),
/// hex/GUID/time/binary values and the "NaN"/"Infinity" floats without their JSON quotes,
/// numbers and booleans as in JSON, a struct or an array as its JSON text. Returns the index
/// after the value.
std::size_t append_data_text(text_buffer& out, const event_data& data, std::size_t i);

/// The index after the value at `items[i]` (past the end marker of a struct or array).
std::size_t skip_data_value(const event_data& data, std::size_t i);

}  // namespace etwcat::formats
