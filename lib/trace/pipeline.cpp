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

bool pipeline::admit(const etl::record_view& record, const etl::trace_clock& clock,
                     std::uint16_t source) {
  event& event_ = *target_;
  fill_event(record, clock, event_);
  event_.source = source;
  const event_filter::verdict header =
      filter_ != nullptr ? filter_->check_header(event_) : event_filter::verdict::keep;
  const bool learns = process_tracker::learns_from(event_);
  if (header == event_filter::verdict::drop && !learns) {
    tracker_.observe(event_);  // its header still tells which process a thread is in
    return false;
  }
  if (decode_payloads_ || learns) decoder_.decode(record, event_);
  if (event_.provider_name.empty()) event_.provider_name = provider_name(event_.provider_guid);
  tracker_.observe(event_);
  if (header == event_filter::verdict::drop) return false;
  if (attribute_) tracker_.attribute(event_);
  return header == event_filter::verdict::keep || filter_->check_decoded(event_);
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
