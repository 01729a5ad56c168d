// The builder's options become session_options (session.h) and consumer_options
// (consumer.h); a batch is filled from the consumer's ring one record at a time, each record
// copied into the batch's arena and parsed there once the arena no longer moves.
#include "lib/live/event_trace.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "lib/base/usage_error.h"
#include "lib/etl/trace_clock.h"
#include "lib/provider/provider_parser.h"
#include "lib/provider/system_providers.h"
#include "lib/trace/pipeline.h"

namespace etwcat::live {
namespace {

constexpr std::uint32_t thread_flag = 0x00000002;   // EVENT_TRACE_FLAG_THREAD
constexpr std::uint32_t profile_flag = 0x01000000;  // EVENT_TRACE_FLAG_PROFILE
constexpr std::size_t max_filter_pids = 8;          // MAX_EVENT_FILTER_PID_COUNT

}  // namespace

// --- event_batch ----------------------------------------------------------------------------

event_batch::event_batch(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)), records_(capacity_) {
  entries_.reserve(capacity_);
}

std::span<const etl::record_view> event_batch::records() const noexcept {
  return has_records_ ? std::span(records_.data(), size_) : std::span<const etl::record_view>();
}

std::span<const event> event_batch::events() const noexcept {
  return has_events_ ? std::span(events_.data(), size_) : std::span<const event>();
}

void event_batch::clear() noexcept {
  size_ = 0;
  arena_.clear();
  entries_.clear();
}

// --- event_trace ----------------------------------------------------------------------------

struct event_trace::state {
  state(etw_api& etw, session s, std::unique_ptr<consumer> c, session_options o, stream_mode m,
        bool detailed)
      : etw(etw),
        started(std::move(s)),
        events(std::move(c)),
        options(std::move(o)),
        mode(m),
        pipeline(decoder) {
    pipeline.decode_payloads(detailed);
  }

  etw_api& etw;
  session started;
  std::unique_ptr<consumer> events;
  session_options options;
  stream_mode mode;
  decode::decoder decoder;
  trace::pipeline pipeline;
  etl::trace_clock clock;  // live timestamps arrive as FILETIMEs
  std::uint64_t read = 0;
  std::optional<trace_statistics> stopped;
  event_batch run_batch;
  std::size_t run_position = 0;
};

event_trace::event_trace(std::unique_ptr<state> s) : state_(std::move(s)) {}
event_trace::event_trace(event_trace&&) noexcept = default;

event_trace& event_trace::operator=(event_trace&& other) noexcept {
  if (this != &other) {
    if (state_) (void)stop();
    state_ = std::move(other.state_);
  }
  return *this;
}

event_trace::~event_trace() {
  if (state_) (void)stop();
}

batch_result event_trace::next_batch(event_batch& batch, std::chrono::milliseconds timeout) {
  batch.clear();
  // Copy first: a view the consumer gives is valid only until its next call.
  etl::record_view view;
  auto wait = timeout;
  bool ended = false;
  while (batch.entries_.size() < batch.capacity_) {
    const auto got = state_->events->next(view, wait);
    if (got != consumer::wait_result::record) {
      ended = got == consumer::wait_result::ended;
      break;
    }
    const auto bytes = view.bytes();
    batch.entries_.push_back({batch.arena_.size(), bytes.size(), view.origin()});
    batch.arena_.insert(batch.arena_.end(), bytes.begin(), bytes.end());
    wait = std::chrono::milliseconds(0);  // then only what is queued already
  }
  // Then parse, now that the arena stays where it is.
  const std::size_t n = batch.entries_.size();
  const stream_mode mode = state_->mode;
  batch.has_records_ = mode != stream_mode::decoded;
  batch.has_events_ = mode != stream_mode::raw;
  if (batch.has_events_ && batch.events_.size() < n) batch.events_.resize(n);
  std::size_t good = 0;
  for (const event_batch::entry& e : batch.entries_) {
    etl::record_view& record = batch.records_[good];
    const std::span<const std::byte> bytes(batch.arena_.data() + e.offset, e.size);
    // The consumer parsed these very bytes already: this cannot fail, but stays checked.
    if (record.parse(bytes, e.origin)) continue;
    if (batch.has_events_) {
      state_->pipeline.make_event(record, state_->clock, 0, batch.events_[good]);
    }
    ++good;
  }
  batch.size_ = good;
  state_->read += good;
  if (good != 0) return batch_result::events;
  return ended ? batch_result::ended : batch_result::timeout;
}

result<trace_statistics> event_trace::stop() {
  if (state_->stopped) return *state_->stopped;
  // ETW delivers what it holds, then ProcessTrace returns: the counts are final after finish().
  auto session_end = state_->started.stop();
  state_->events->finish();
  trace_statistics s;
  s.consumer = state_->events->counts();
  s.read = state_->read;
  if (!session_end) return session_end.failure();
  s.session = std::move(session_end.value());
  state_->stopped = s;
  return s;
}

consumer_counts event_trace::counts() const { return state_->events->counts(); }
const std::string& event_trace::name() const noexcept { return state_->started.name(); }
stream_mode event_trace::mode() const noexcept { return state_->mode; }
const session_options& event_trace::options() const noexcept { return state_->options; }
decode::decoder& event_trace::decoder() noexcept { return state_->decoder; }
event_batch& event_trace::run_batch() noexcept { return state_->run_batch; }
std::size_t& event_trace::run_position() noexcept { return state_->run_position; }

// --- builder --------------------------------------------------------------------------------

event_trace::builder::builder(std::string name) { base_.name = std::move(name); }

event_trace::builder& event_trace::builder::system_provider(std::string_view groups) {
  try {
    base_.kernel_flags |= provider::parse_system_providers(groups);
  } catch (const usage_error& e) {
    if (problem_.empty()) problem_ = e.what();
  }
  return *this;
}

event_trace::builder& event_trace::builder::kernel_flags(std::uint32_t flags) {
  base_.kernel_flags |= flags;
  return *this;
}

event_trace::builder& event_trace::builder::provider(std::string_view provider_string) {
  try {
    providers_.push_back(provider::parse_provider(provider_string));
  } catch (const usage_error& e) {
    if (problem_.empty()) problem_ = e.what();
  }
  return *this;
}

event_trace::builder& event_trace::builder::provider(etwcat::provider::provider p) {
  providers_.push_back(std::move(p));
  return *this;
}

event_trace::builder& event_trace::builder::kernel_logger() {
  kernel_logger_ = true;
  return *this;
}

event_trace::builder& event_trace::builder::buffer_size(std::uint32_t kilobytes) {
  base_.buffer_size_kb = kilobytes;
  return *this;
}

event_trace::builder& event_trace::builder::min_buffers(std::uint32_t count) {
  base_.minimum_buffers = count;
  return *this;
}

event_trace::builder& event_trace::builder::max_buffers(std::uint32_t count) {
  base_.maximum_buffers = count;
  return *this;
}

event_trace::builder& event_trace::builder::flush(std::chrono::seconds interval) {
  base_.flush_timer_seconds = static_cast<std::uint32_t>(interval.count());
  return *this;
}

event_trace::builder& event_trace::builder::clock(clock_type type) {
  base_.clock = type;
  return *this;
}

event_trace::builder& event_trace::builder::queue_capacity(std::size_t bytes) {
  queue_bytes_ = bytes;
  return *this;
}

event_trace::builder& event_trace::builder::log_file(std::string path, file_mode mode,
                                                     std::uint32_t maximum_size_mb) {
  base_.log_file = std::move(path);
  base_.mode = mode;
  base_.maximum_file_size_mb = maximum_size_mb;
  return *this;
}

event_trace::builder& event_trace::builder::stream(stream_mode mode) {
  mode_ = mode;
  return *this;
}

event_trace::builder& event_trace::builder::with_stack_traces() {
  stacks_ = true;
  return *this;
}

event_trace::builder& event_trace::builder::with_thread_context() {
  thread_context_ = true;
  return *this;
}

event_trace::builder& event_trace::builder::with_detailed_events() {
  detailed_ = true;
  return *this;
}

event_trace::builder& event_trace::builder::with_cpu_samples(std::chrono::nanoseconds interval) {
  cpu_interval_ = interval;
  return *this;
}

event_trace::builder& event_trace::builder::with_process_filter(
    std::vector<std::uint32_t> process_ids) {
  process_ids_ = std::move(process_ids);
  process_filter_ = true;
  return *this;
}

result<session_options> event_trace::builder::session_plan() const {
  if (!problem_.empty()) return error{problem_, 0};
  session_options o = base_;
  o.real_time = true;  // the consumer reads it live
  if (cpu_interval_) {
    const auto steps = cpu_interval_->count() / 100;  // 100 ns units
    if (steps <= 0 || steps > std::numeric_limits<std::uint32_t>::max()) {
      return error{"the CPU sampling interval must be between 100 ns and 429 s", 0};
    }
    o.kernel_flags |= profile_flag;
    o.profile_interval = static_cast<std::uint32_t>(steps);
  }
  if (process_filter_ && process_ids_.empty()) {
    return error{"a process filter needs at least one process ID", 0};
  }
  if (o.kernel_flags == 0 && providers_.empty()) {
    return error{"nothing to trace: add a system provider (\"Process\", …) or a provider", 0};
  }
  // The groups that tell whose thread is whose (see with_thread_context, with_process_filter).
  if (o.kernel_flags != 0 &&
      (thread_context_ || (process_filter_ && (o.kernel_flags & profile_flag) != 0))) {
    o.kernel_flags |= thread_flag;
  }
  if (kernel_logger_ && !providers_.empty()) {
    return error{
        "the NT Kernel Logger takes kernel groups only; without kernel_logger() a system-logger "
        "session (Windows 8 and later) takes both",
        0};
  }
  o.system_logger = o.kernel_flags != 0 && !kernel_logger_;
  for (const etwcat::provider::provider& p : providers_) {
    provider_options po;
    po.provider = p;
    // ETW's own PID filter takes 8; beyond, the consumer's filter does it all.
    if (process_ids_.size() <= max_filter_pids) po.process_ids = process_ids_;
    po.stack_trace = stacks_;
    po.sid = thread_context_;
    po.terminal_session_id = thread_context_;
    o.providers.push_back(std::move(po));
  }
  if (stacks_ && o.kernel_flags != 0) o.stack_events = kernel_stack_events(o.kernel_flags);
  return o;
}

result<event_trace> event_trace::builder::start(etw_api& etw) const {
  auto plan = session_plan();
  if (!plan) return plan.failure();
  auto started = session::start(etw, plan.value());
  if (!started) return started.failure();
  consumer_options c;
  c.queue_bytes = queue_bytes_;
  c.process_ids = process_ids_;
  auto events = consumer::open(etw, started.value().name(), c);
  if (!events) {
    (void)started.value().stop();
    return events.failure();
  }
  return event_trace(std::make_unique<state>(etw, std::move(started.value()),
                                             std::move(events.value()), std::move(plan.value()),
                                             mode_, detailed_));
}

result<event_trace> event_trace::builder::start() const {
  etw_api* etw = system_etw();
  if (etw == nullptr) return error{no_etw_message, 0};
  return start(*etw);
}

}  // namespace etwcat::live
