// provider_count_writer: `etwcat providers --etl FILE…` — instead of events, one row per
// provider (name and GUID; each classic kernel class is its own row, named by its class, as
// its records carry the class GUID) with its event count and how many of them decoded, then the
// totals. The counts add up to the record count.
#pragma once

#include <map>
#include <string>

#include "formats/event_writer.h"
#include "formats/provider_writer.h"

namespace etwcat::formats {

class provider_count_writer final : public event_writer {
 public:
  provider_count_writer(output_sink& sink, listing_format format) : sink_(sink), format_(format) {}
  void begin(const trace_info&) override {}
  void write(const event& e) override;
  void finish(const summary& totals) override;

 private:
  struct row {
    std::string name;
    std::uint64_t events = 0;
    std::uint64_t decoded = 0;  // event::fully_decoded()
  };
  output_sink& sink_;
  listing_format format_;
  // By GUID, then name: a provider's records all carry its GUID; a name seen with two GUIDs
  // (kernel classes) stays two rows.
  std::map<std::pair<guid, std::string>, row, std::less<>> rows_;
  row* last_ = nullptr;  // records of one provider come in runs
  guid last_id_;
  std::string last_name_;
};

}  // namespace etwcat::formats
