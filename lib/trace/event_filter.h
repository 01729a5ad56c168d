// event_filter: which events a run prints — by provider, event ID and name, level, keywords,
// process and thread, time, and payload values. What the record header decides (provider by
// GUID, ID, level, keywords, header PID/TID, time) is decided before the payload is decoded,
// so a selective filter skips most of the work; the rest (event and process names, payload
// values, IDs a header lacks) is decided after decoding and process attribution.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/base/guid.h"
#include "lib/base/result.h"
#include "lib/event/event.h"

namespace etwcat::trace {

/// What the user asked for, as typed (dump and live share these options).
struct filter_options {
  std::vector<std::string> providers;    // NAME, {GUID} or glob, any case
  std::vector<std::string> ids;          // LISTs: "1,5-9", "!3"
  std::vector<std::string> event_names;  // EventName or glob
  std::string max_level;                 // 0-255 or a level name
  std::string keywords;                  // a mask: events with any of its bits
  std::vector<std::string> pids;         // LISTs
  std::vector<std::string> tids;         // LISTs
  std::vector<std::string> processes;    // image name or glob ("svchost.exe", "msedge*")
  std::string since;                     // RFC 3339, or "+5s" from the trace's start
  std::string until;
  std::vector<std::string> where;  // FIELD=VALUE, FIELD!=VALUE, FIELD~REGEX, FIELD>N, <, >=, <=

  bool empty() const noexcept;
};

/// Numbers to keep and numbers to drop: "4,8-12,!10" keeps 4, 8, 9, 11 and 12; a list of only
/// "!" items keeps everything else.
class number_set {
 public:
  /// Adds the items of `list` (comma-separated numbers and ranges, each may start with '!').
  /// `what` names the option in the error ("--id").
  result<void> add(std::string_view list, std::string_view what, std::uint64_t max);
  bool empty() const noexcept { return keep_.empty() && drop_.empty(); }
  bool contains(std::uint64_t value) const noexcept;

 private:
  struct range {
    std::uint64_t first, last;
  };
  std::vector<range> keep_;
  std::vector<range> drop_;
};

/// A test on one EventData member.
struct field_test {
  enum class op : std::uint8_t { equal, not_equal, matches, greater, less, at_least, at_most };
  std::string field;  // top-level EventData member, any case ("EventData." is dropped)
  op test = op::equal;
  std::string value;
  std::optional<double> number;               // value as a number, when it is one
  std::optional<std::uint64_t> exact;         // value as an unsigned integer, when it is one
  std::shared_ptr<const std::regex> pattern;  // op::matches
};

class event_filter {
 public:
  /// The header decides: drop, keep, or wait for the decoded event.
  enum class verdict : std::uint8_t { drop, keep, undecided };

  /// Checks and compiles `options`; an error names the option and what is wrong with it.
  static result<event_filter> make(const filter_options& options);

  /// True when nothing is filtered.
  bool empty() const noexcept { return empty_; }

  /// Where "+5s" in --since/--until counts from: the first trace's start (FILETIME, UTC).
  /// Without it (a live session), the first event with a time.
  void set_trace_start(std::uint64_t filetime) noexcept;

  /// What the record's header fields decide (fill_event() has run; nothing decoded yet).
  verdict check_header(const event& e);
  /// The rest, once `e` is decoded and attributed. Call only for `undecided` or `keep`.
  bool check_decoded(const event& e);

 private:
  bool provider_matches(const event& e) const;
  bool ids_match(const event& e) const noexcept;
  bool field_matches(const event& e, const field_test& t) const;

  bool empty_ = true;
  // Providers: GUIDs decide at the header; names and globs once a decoded event names the
  // provider, and then for every later record of that GUID (cached).
  std::vector<guid> provider_ids_;
  std::vector<std::string> provider_names_;  // names and globs
  std::unordered_map<guid, bool, guid_hash> provider_verdicts_;
  number_set ids_;
  std::vector<std::string> event_names_;
  std::optional<std::uint8_t> max_level_;
  std::optional<std::uint64_t> keywords_;
  number_set pids_;
  number_set tids_;
  std::vector<std::string> processes_;
  // Times: absolute FILETIMEs, or offsets (100 ns) from the trace start.
  std::optional<std::uint64_t> since_, until_;
  std::optional<std::int64_t> since_offset_, until_offset_;
  bool start_known_ = false;
  std::vector<field_test> where_;
};

}  // namespace etwcat::trace
