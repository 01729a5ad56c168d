// summary_writer: `etwcat dump --summary` — instead of events, one line per provider and
// event name (count, first and last time) after the facts of each input's header. Rows are
// in natural order: digit runs compare as numbers, so EventID(2) comes before EventID(10).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "formats/event_writer.h"

namespace etwcat::formats {

enum class summary_format { text, jsonl };

class summary_writer final : public event_writer {
 public:
  summary_writer(output_sink& sink, summary_format format) : sink_(sink), format_(format) {}
  void begin(const trace_info& info) override { info_ = info; }
  void write(const event& e) override;
  void finish(const summary& totals) override;

 private:
  struct key {
    std::string provider;  // name, or the GUID text when the trace names none
    std::string event_name;
    friend auto operator<=>(const key&, const key&) = default;
  };
  struct key_view {
    std::string_view provider;
    std::string_view event_name;
  };
  // Natural order of (provider, event name); names that differ only in how a number is written
  // ("EventID(007)", "EventID(7)") fall back to plain text order, so they stay two rows. Finds
  // by views, so looking up an existing entry allocates nothing.
  struct key_order {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      return less(a.provider, a.event_name, b.provider, b.event_name);
    }
    static bool less(std::string_view a_provider, std::string_view a_name,
                     std::string_view b_provider, std::string_view b_name) noexcept;
  };
  struct stats {
    std::uint64_t count = 0;
    std::uint64_t decoded = 0;                // event::fully_decoded(), surplus included
    std::uint64_t surplus = 0;                // decoded with bytes left over (DecodeWarning)
    std::uint64_t decode_errors = 0;          // with a DecodeError
    std::uint64_t first = ~std::uint64_t{0};  // FILETIME
    std::uint64_t last = 0;
  };

  stats& source_stats(std::uint16_t source);
  // Events decoded with bytes left over, over all inputs.
  std::uint64_t total_surplus() const noexcept;

  output_sink& sink_;
  summary_format format_;
  trace_info info_;
  std::map<key, stats, key_order> events_;
  // The same rows by "provider\0name", hashed: a natural-order search per event cost a third
  // of a --summary run. Node pointers into events_ stay valid.
  std::unordered_map<std::string, stats*> index_;
  std::string lookup_;          // the key being looked up; reused
  std::vector<stats> sources_;  // by event::source
};

}  // namespace etwcat::formats
