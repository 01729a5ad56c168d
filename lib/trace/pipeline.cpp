#include "lib/trace/pipeline.h"

#include "lib/event/record_event.h"
#include "lib/provider/known_providers.h"

namespace etwcat::trace {

void pipeline::make_event(const etl::record_view& record, const etl::trace_clock& clock,
                          std::uint16_t source, event& out) {
  fill_event(record, clock, out);
  out.source = source;
  if (decode_payloads_) decoder_.decode(record, out);
  if (out.provider_name.empty()) out.provider_name = provider_name(out.provider_guid);
}

std::string_view pipeline::provider_name(const guid& id) {
  if (id != last_id_ || !looked_up_) {
    const auto* known = provider::find_known_provider(id);
    last_name_ = known ? known->name : std::string_view();
    last_id_ = id;
    looked_up_ = true;
  }
  return last_name_;
}

}  // namespace etwcat::trace
