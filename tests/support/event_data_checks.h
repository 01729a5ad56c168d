// Checks on decoded EventData that several decoder tests share.
#pragma once

#include "lib/event/event_data.h"

namespace etwcat::testing {

/// Begin and end markers pair up: a decoder left nothing half open, whatever went wrong.
inline bool balanced(const event_data& data) {
  int depth = 0;
  for (const data_item& item : data.items()) {
    if (item.type == data_type::begin_struct || item.type == data_type::begin_array) ++depth;
    if (item.type == data_type::end_struct || item.type == data_type::end_array) --depth;
    if (depth < 0) return false;
  }
  return depth == 0;
}

}  // namespace etwcat::testing
