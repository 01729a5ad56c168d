#include "lib/trace/event_filter.h"

#include <array>
#include <charconv>
#include <cmath>

#include "lib/base/ascii.h"
#include "lib/base/duration.h"
#include "lib/base/glob.h"
#include "lib/base/time_format.h"
#include "lib/provider/go_number.h"
#include "lib/provider/provider_parser.h"

namespace etwcat::trace {
namespace {

constexpr std::uint32_t no_id = 0xFFFFFFFF;

error bad(std::string_view option, std::string_view text, std::string_view why) {
  return error{std::string(option) + " \"" + std::string(text) + "\": " + std::string(why), 0};
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A number as users write one: decimal, 0x hex, a sign, a fraction.
std::optional<double> as_number(std::string_view text) noexcept {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), v, 16);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return negative ? -static_cast<double>(v) : static_cast<double>(v);
  }
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return negative ? -v : v;
}

// "+5s", "+1m30s"? Only one unit, as the duration parser reads it: "+5s", "+250ms", "+2m".
std::optional<std::int64_t> as_offset(std::string_view text) {
  if (text.empty() || text.front() != '+') return std::nullopt;
  auto span = parse_duration(text.substr(1));
  if (!span) return std::nullopt;
  return static_cast<std::int64_t>(span->count() / 100);  // 100 ns ticks
}

result<void> add_time(std::string_view option, const std::string& text,
                      std::optional<std::uint64_t>& absolute, std::optional<std::int64_t>& offset) {
  if (text.empty()) return {};
  if (auto o = as_offset(text)) {
    offset = *o;
  } else if (auto t = parse_rfc3339(text)) {
    absolute = *t;
  } else {
    return bad(option, text,
               "not a time: give RFC 3339 with a zone (2016-05-26T20:17:22Z, "
               "2016-05-26T22:17:22+02:00) or an offset from the trace's start (+5s, +500ms, "
               "+2m)");
  }
  return {};
}

result<field_test> parse_where(const std::string& text) {
  const std::size_t at = text.find_first_of("=!~<>");
  if (at == std::string::npos || at == 0) {
    return bad("--where", text,
               "give FIELD=VALUE, FIELD!=VALUE, FIELD~REGEX, FIELD>N, FIELD<N, FIELD>=N or "
               "FIELD<=N");
  }
  field_test t;
  std::string_view field = trim(std::string_view(text).substr(0, at));
  if (field.size() > 10 && equals_ignoring_case(field.substr(0, 10), "EventData.")) {
    field.remove_prefix(10);
  }
  t.field = std::string(field);
  std::string_view rest = std::string_view(text).substr(at);
  auto take = [&](std::string_view op, field_test::op which) {
    if (rest.substr(0, op.size()) != op) return false;
    t.test = which;
    rest.remove_prefix(op.size());
    return true;
  };
  if (!(take("!=", field_test::op::not_equal) || take(">=", field_test::op::at_least) ||
        take("<=", field_test::op::at_most) || take("=", field_test::op::equal) ||
        take("~", field_test::op::matches) || take(">", field_test::op::greater) ||
        take("<", field_test::op::less))) {
    return bad("--where", text, "unknown comparison (=, !=, ~, >, <, >=, <=)");
  }
  t.value = std::string(rest);
  t.number = as_number(rest);
  t.exact = provider::parse_go_uint(trim(rest), 64);
  if (t.test == field_test::op::matches) {
    try {
      t.pattern = std::make_shared<const std::regex>(
          t.value, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return bad("--where", text, std::string("not a regular expression: ") + e.what());
    }
  } else if (t.test != field_test::op::equal && t.test != field_test::op::not_equal && !t.number) {
    return bad("--where", text, "compares numbers: give one after the comparison");
  }
  return t;
}

// The value of an EventData item as text, as the JSON output shows it without quotes: what
// --where's = and ~ compare against.
std::string_view item_text(const event_data& data, const data_item& item,
                           std::array<char, 64>& buffer) {
  char* begin = buffer.data();
  char* end = buffer.data() + buffer.size();
  switch (item.type) {
    case data_type::string:
      return data.text(item);
    case data_type::boolean:
      return item.boolean ? "true" : "false";
    case data_type::signed_int: {
      auto r = std::to_chars(begin, end, item.signed_value);
      return {begin, static_cast<std::size_t>(r.ptr - begin)};
    }
    case data_type::unsigned_int: {
      auto r = std::to_chars(begin, end, item.unsigned_value);
      return {begin, static_cast<std::size_t>(r.ptr - begin)};
    }
    case data_type::hex_int: {
      begin[0] = '0';
      begin[1] = 'x';
      auto r = std::to_chars(begin + 2, end, item.unsigned_value, 16);
      for (char* c = begin + 2; c < r.ptr; ++c) *c = ascii_upper(*c);
      return {begin, static_cast<std::size_t>(r.ptr - begin)};
    }
    case data_type::float32:
    case data_type::float64: {
      auto r = std::to_chars(begin, end, item.float_value);
      return {begin, static_cast<std::size_t>(r.ptr - begin)};
    }
    case data_type::guid: {
      data.guid_value(item).format_to(std::span<char, 38>(begin, 38));
      return {begin, 38};
    }
    case data_type::filetime: {
      return format_rfc3339(item.unsigned_value,
                            std::span<char, rfc3339_length>(begin, rfc3339_length));
    }
    default:
      return {};  // binary, structs and arrays are not compared
  }
}

std::optional<double> item_number(const data_item& item) noexcept {
  switch (item.type) {
    case data_type::signed_int:
      return static_cast<double>(item.signed_value);
    case data_type::unsigned_int:
    case data_type::hex_int:
      return static_cast<double>(item.unsigned_value);
    case data_type::float32:
    case data_type::float64:
      return item.float_value;
    case data_type::boolean:
      return item.boolean ? 1.0 : 0.0;
    default:
      return std::nullopt;
  }
}

bool any_glob_matches(const std::vector<std::string>& patterns, std::string_view text) noexcept {
  for (const std::string& p : patterns) {
    if (glob_matches(p, text)) return true;
  }
  return false;
}

}  // namespace

bool filter_options::empty() const noexcept {
  return providers.empty() && ids.empty() && event_names.empty() && max_level.empty() &&
         keywords.empty() && pids.empty() && tids.empty() && processes.empty() && since.empty() &&
         until.empty() && where.empty();
}

result<void> number_set::add(std::string_view list, std::string_view what, std::uint64_t max) {
  std::string_view rest = list;
  if (trim(rest).empty()) return bad(what, list, "empty list");
  while (true) {
    const std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    const bool drop = !item.empty() && item.front() == '!';
    if (drop) item = trim(item.substr(1));
    const std::size_t dash = item.find('-', 1);
    const std::string_view first_text = item.substr(0, dash);
    const std::string_view last_text =
        dash == std::string_view::npos ? first_text : item.substr(dash + 1);
    const auto first = provider::parse_go_uint(trim(first_text), 64);
    const auto last = provider::parse_go_uint(trim(last_text), 64);
    if (item.empty() || !first || !last) {
      return bad(what, list,
                 "\"" + std::string(item) +
                     "\" is not a number or range (give numbers, ranges like 5-9, and !N to "
                     "leave one out)");
    }
    if (*first > max || *last > max) {
      return bad(what, list,
                 "\"" + std::string(item) + "\" is out of range (0-" + std::to_string(max) + ")");
    }
    if (*last < *first)
      return bad(what, list, "range \"" + std::string(item) + "\" runs backwards");
    (drop ? drop_ : keep_).push_back(range{*first, *last});
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return {};
}

bool number_set::contains(std::uint64_t value) const noexcept {
  for (const range& r : drop_) {
    if (value >= r.first && value <= r.last) return false;
  }
  if (keep_.empty()) return true;
  for (const range& r : keep_) {
    if (value >= r.first && value <= r.last) return true;
  }
  return false;
}

result<event_filter> event_filter::make(const filter_options& o) {
  event_filter f;
  f.empty_ = o.empty();
  for (const std::string& p : o.providers) {
    const std::string_view text = trim(p);
    if (text.empty()) return bad("--provider", p, "empty name");
    if (auto id = guid::parse(text)) {
      f.provider_ids_.push_back(*id);
    } else {
      f.provider_names_.emplace_back(text);
    }
  }
  for (const std::string& list : o.ids) {
    if (auto added = f.ids_.add(list, "--id", 0xFFFF); !added) return added.failure();
  }
  for (const std::string& name : o.event_names) {
    if (trim(name).empty()) return bad("--event", name, "empty name");
    f.event_names_.emplace_back(trim(name));
  }
  if (!o.max_level.empty()) {
    f.max_level_ = provider::parse_level(trim(o.max_level));
    if (!f.max_level_) {
      return bad("--level", o.max_level,
                 "neither a number (0-255) nor a level name (critical, error, warning, "
                 "information, verbose)");
    }
  }
  if (!o.keywords.empty()) {
    f.keywords_ = provider::parse_go_uint(trim(o.keywords), 64);
    if (!f.keywords_) return bad("--keywords", o.keywords, "not a 64-bit mask (like 0x10)");
  }
  for (const std::string& list : o.pids) {
    if (auto added = f.pids_.add(list, "--pid", no_id); !added) return added.failure();
  }
  for (const std::string& list : o.tids) {
    if (auto added = f.tids_.add(list, "--tid", no_id); !added) return added.failure();
  }
  for (const std::string& name : o.processes) {
    if (trim(name).empty()) return bad("--process", name, "empty name");
    f.processes_.emplace_back(trim(name));
  }
  if (auto ok = add_time("--since", o.since, f.since_, f.since_offset_); !ok) return ok.failure();
  if (auto ok = add_time("--until", o.until, f.until_, f.until_offset_); !ok) return ok.failure();
  for (const std::string& clause : o.where) {
    auto test = parse_where(clause);
    if (!test) return test.failure();
    f.where_.push_back(std::move(test.value()));
  }
  return f;
}

void event_filter::set_trace_start(std::uint64_t filetime) noexcept {
  start_known_ = true;
  auto shifted = [filetime](std::int64_t offset) {
    const std::int64_t t = static_cast<std::int64_t>(filetime) + offset;
    return static_cast<std::uint64_t>(t < 0 ? 0 : t);
  };
  if (since_offset_) since_ = shifted(*since_offset_);
  if (until_offset_) until_ = shifted(*until_offset_);
}

bool event_filter::ids_match(const event& e) const noexcept {
  // Events without an ID (kernel and MOF classes) are not among the IDs asked for, and are
  // not among those left out.
  if (!e.has_event_id) return ids_.contains(0x10000);
  return ids_.contains(e.event_id);
}

event_filter::verdict event_filter::check_header(const event& e) {
  if (empty_) return verdict::keep;
  bool undecided = false;
  if (!provider_ids_.empty() || !provider_names_.empty()) {
    auto cached = provider_verdicts_.find(e.provider_guid);
    if (cached != provider_verdicts_.end()) {
      if (!cached->second) return verdict::drop;
    } else if (provider_names_.empty()) {
      const bool hit = provider_matches(e);
      provider_verdicts_.emplace(e.provider_guid, hit);
      if (!hit) return verdict::drop;
    } else {
      undecided = true;
    }
  }
  if (!ids_.empty() && !ids_match(e)) return verdict::drop;
  if (max_level_ && e.has_level && e.level != 0 && e.level > *max_level_) return verdict::drop;
  if (keywords_ && e.has_keywords && e.keywords != 0 && (e.keywords & *keywords_) == 0) {
    return verdict::drop;
  }
  // No start given (a live session): offsets count from the first event.
  if (!start_known_ && (since_offset_ || until_offset_) && e.has_time) {
    set_trace_start(e.time_created);
  }
  if (since_ || until_) {
    if (!e.has_time) return verdict::drop;
    if (since_ && e.time_created < *since_) return verdict::drop;
    if (until_ && e.time_created > *until_) return verdict::drop;
  }
  const bool header_ids = e.has_process_and_thread && e.process_id != no_id;
  if (!pids_.empty() || !tids_.empty()) {
    if (header_ids) {
      if (!pids_.empty() && !pids_.contains(e.process_id)) return verdict::drop;
      if (!tids_.empty() && !tids_.contains(e.thread_id)) return verdict::drop;
    } else {
      undecided = true;  // attribution may find them
    }
  }
  if (!event_names_.empty() || !processes_.empty() || !where_.empty()) undecided = true;
  return undecided ? verdict::undecided : verdict::keep;
}

bool event_filter::provider_matches(const event& e) const {
  for (const guid& id : provider_ids_) {
    if (id == e.provider_guid) return true;
  }
  return any_glob_matches(provider_names_, e.provider_name);
}

bool event_filter::check_decoded(const event& e) {
  if (empty_) return true;
  if ((!provider_ids_.empty() || !provider_names_.empty())) {
    auto cached = provider_verdicts_.find(e.provider_guid);
    if (cached == provider_verdicts_.end()) {
      cached = provider_verdicts_.emplace(e.provider_guid, provider_matches(e)).first;
    }
    if (!cached->second) return false;
  }
  if (!pids_.empty() || !tids_.empty()) {
    if (!e.has_process_and_thread || e.process_id == no_id) return false;
    if (!pids_.empty() && !pids_.contains(e.process_id)) return false;
    if (!tids_.empty() && (e.thread_id == no_id || !tids_.contains(e.thread_id))) return false;
  }
  if (!event_names_.empty() && !any_glob_matches(event_names_, e.event_name())) return false;
  if (!processes_.empty() && !any_glob_matches(processes_, e.process_name)) return false;
  for (const field_test& t : where_) {
    if (!field_matches(e, t)) return false;
  }
  return true;
}

bool event_filter::field_matches(const event& e, const field_test& t) const {
  const data_item* item = e.data.find(t.field);
  if (item == nullptr) return false;  // a member the event does not have never matches
  using op = field_test::op;
  if (t.test == op::equal || t.test == op::not_equal) {
    bool same;
    const auto n = item_number(*item);
    const bool integral = item->type == data_type::unsigned_int || item->type == data_type::hex_int;
    if (integral && t.exact) {
      same = item->unsigned_value == *t.exact;  // pointers and masks need all 64 bits
    } else if (n && t.number) {
      same = *n == *t.number;
    } else {
      std::array<char, 64> buffer;
      const std::string_view text = item_text(e.data, *item, buffer);
      same = item->type == data_type::guid ? equals_ignoring_case(text, t.value) : text == t.value;
    }
    return t.test == op::equal ? same : !same;
  }
  if (t.test == op::matches) {
    std::array<char, 64> buffer;
    const std::string_view text = item_text(e.data, *item, buffer);
    return std::regex_search(text.begin(), text.end(), *t.pattern);
  }
  const auto n = item_number(*item);
  if (!n) return false;
  switch (t.test) {
    case op::greater:
      return *n > *t.number;
    case op::less:
      return *n < *t.number;
    case op::at_least:
      return *n >= *t.number;
    case op::at_most:
      return *n <= *t.number;
    default:
      return false;
  }
}

}  // namespace etwcat::trace
