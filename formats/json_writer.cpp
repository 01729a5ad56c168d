// json_writer: the array is opened by the first element, so that a run with no events still
// makes a valid document ("[]").
#include "formats/json_writer.h"

#include "formats/loss_report.h"

namespace etwcat::formats {

void json_writer::open_element() {
  sink_.buffer() += any_ ? ",\n" : "[\n";
  any_ = true;
}

void json_writer::write(const event& e) {
  open_element();
  text_buffer& out = sink_.buffer();
  const std::string_view source = sources_.of(e);
  if (!fields_.empty()) {
    fields_.append_json_object(out, e, source);
  } else {
    append_event_json(out, e, options_, sources_.several() ? source : std::string_view());
  }
  sink_.commit();
}

void json_writer::finish(const summary& totals) {
  if (totals.loss != nullptr && totals.loss->any()) {
    open_element();
    append_loss_json(sink_.buffer(), *totals.loss);
  }
  sink_.buffer() += any_ ? "\n]\n" : "[]\n";
  sink_.flush();
}

}  // namespace etwcat::formats
