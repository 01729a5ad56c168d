// Rows by event count, largest first; the text columns are right-aligned numbers.
#include "formats/provider_count_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "formats/json.h"
#include "lib/decode/kernel/kernel_schemas.h"

namespace etwcat::formats {

void provider_count_writer::write(const event& e) {
  row* r = last_;
  if (r == nullptr || e.provider_guid != last_id_ || e.provider_name != last_name_) {
    auto key = std::pair{e.provider_guid, std::string(e.provider_name)};
    r = &rows_[key];
    if (r->name.empty()) r->name = key.second;
    last_ = r;
    last_id_ = e.provider_guid;
    last_name_ = key.second;
  }
  ++r->events;
  if (e.fully_decoded()) ++r->decoded;
}

void provider_count_writer::finish(const summary& totals) {
  std::vector<std::pair<const guid*, const row*>> sorted;
  std::uint64_t events = 0, decoded = 0;
  for (const auto& [key, r] : rows_) {
    sorted.emplace_back(&key.first, &r);
    events += r.events;
    decoded += r.decoded;
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second->events > b.second->events;
  });
  const auto share = [](std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? std::string("100.0%") : fmt::format("{:.1f}%", 100.0 * part / whole);
  };
  text_buffer& out = sink_.buffer();
  if (format_ == listing_format::jsonl) {
    for (const auto& [id, r] : sorted) {
      out += "{\"Type\":\"Provider\",\"Name\":";
      append_json_string(out, r->name);
      if (const auto kernel_class = decode::kernel_task_name(*id); !kernel_class.empty()) {
        out += ",\"Class\":";
        append_json_string(out, kernel_class);
      }
      out += fmt::format(",\"Guid\":\"{}\",\"Events\":{},\"Decoded\":{}}}\n", id->to_string(),
                         r->events, r->decoded);
    }
    out += fmt::format(
        "{{\"Type\":\"Total\",\"Records\":{},\"Events\":{},\"Decoded\":{},\"Providers\":{}}}\n",
        totals.records_read, events, decoded, rows_.size());
  } else {
    // A kernel class is named with its provider: "Windows Kernel: PerfInfo".
    const auto label = [](const guid& id, const row& r) {
      if (const auto kernel_class = decode::kernel_task_name(id); !kernel_class.empty()) {
        return fmt::format("{}: {}", r.name, kernel_class);
      }
      return r.name.empty() ? std::string("-") : r.name;
    };
    std::size_t width = 8;
    for (const auto& [id, r] : sorted) width = std::max(width, label(*id, *r).size());
    out +=
        fmt::format("{:>10}  {:>7}  {:<{}}  {}\n", "EVENTS", "DECODED", "PROVIDER", width, "GUID");
    for (const auto& [id, r] : sorted) {
      out += fmt::format("{:>10}  {:>7}  {:<{}}  {}\n", r->events, share(r->decoded, r->events),
                         label(*id, *r), width, id->to_string());
    }
    out += fmt::format("{:>10}  {:>7}  {} providers, {} records\n", events, share(decoded, events),
                       rows_.size(), totals.records_read);
  }
  sink_.commit();
  sink_.flush();
}

}  // namespace etwcat::formats
