// The queue is one ring of bytes: an 8-byte entry header (record size, processor), the record
// as a file holds it, padding to 8. An entry never wraps; where the end of the ring has no room
// the producer marks the rest as a wrap and starts again at 0. One mutex guards the indices;
// the callback holds it only to copy one record in.
#include "lib/live/consumer.h"

#include <cstring>

#include "lib/base/unicode.h"
#include "lib/live/record_encoder.h"
#include "lib/live/session.h"

namespace etwcat::live {
namespace {

struct entry_header {
  std::uint32_t size;  // of the record; wrap_marker: the rest of the ring is unused
  std::uint16_t processor;
  std::uint16_t reserved;
};
static_assert(sizeof(entry_header) == 8);
constexpr std::uint32_t wrap_marker = 0xFFFFFFFF;

// RT_LostEvent class (docs/etw-api.md §7.5): type 32 events lost, 33 a buffer, 34 a file.
constexpr guid lost_event_class{
    0x6a399ae0, 0x4bc6, 0x4de9, {0x87, 0x0b, 0x36, 0x57, 0xf8, 0x94, 0x7e, 0x7e}};

std::size_t align8(std::size_t n) noexcept { return (n + 7) & ~std::size_t{7}; }

}  // namespace

consumer::consumer(etw_api& etw, const consumer_options& options)
    : etw_(etw), ring_(align8(std::max<std::size_t>(options.queue_bytes, 1 << 17))) {
  if (!options.process_ids.empty()) filter_.emplace(options.process_ids);
}

result<std::unique_ptr<consumer>> consumer::open(etw_api& etw, const std::string& session_name,
                                                 std::size_t queue_bytes) {
  consumer_options options;
  options.queue_bytes = queue_bytes;
  return open(etw, session_name, options);
}

result<std::unique_ptr<consumer>> consumer::open(etw_api& etw, const std::string& session_name,
                                                 const consumer_options& options) {
  std::unique_ptr<consumer> c(new consumer(etw, options));
  trace_source source;
  source.logger_name = utf8_to_utf16(session_name);
  source.callback = &consumer::on_event;
  source.context = c.get();
  std::uint32_t status = 0;
  c->handle_ = etw.open_trace(source, status);
  if (c->handle_ == 0) {
    std::string text = "reading session " + session_name;
    if (status == win32::access_denied) {
      text += std::string(": ") + access_denied_advice;
    } else if (status == win32::wmi_instance_not_found) {
      text = "no real-time session " + session_name + " runs";
    } else {
      text += ": Win32 error " + std::to_string(status);
    }
    return error{text, 0};
  }
  consumer* self = c.get();
  c->processor_ = std::thread([self] {
    const std::uint32_t status = self->etw_.process_trace(self->handle_);
    std::lock_guard lock(self->mutex_);
    self->status_ = status;
    self->ended_ = true;
    self->ready_.notify_all();
  });
  return c;
}

consumer::~consumer() { finish(); }

void consumer::finish() {
  close();
  if (processor_.joinable()) processor_.join();
}

bool consumer::finish_within(std::chrono::milliseconds limit) {
  close();
  {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, limit, [this] { return ended_; })) {
      if (processor_.joinable()) processor_.detach();
      return false;
    }
  }
  if (processor_.joinable()) processor_.join();
  return true;
}

void consumer::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || handle_ == 0) return;
    closed_ = true;
  }
  (void)etw_.close_trace(handle_);  // ctx_close_pending is success: it drains, then ends
}

void consumer::on_event(const event_record& record, void* self) {
  static_cast<consumer*>(self)->take(record);
}

void consumer::take(const event_record& record) {
  if ((record.header.flags & etl::event_header_flag::classic_header) &&
      record.header.provider_id == lost_event_class) {
    std::lock_guard lock(mutex_);
    if (record.header.descriptor.opcode == 32) {
      ++counts_.lost_event_notices;
    } else {
      ++counts_.lost_buffer_notices;
    }
    return;
  }
  // Decided before the lock: the filter is the processing thread's alone.
  if (filter_ && !filter_->keeps(record)) {
    std::lock_guard lock(mutex_);
    ++counts_.delivered;
    ++counts_.filtered;
    return;
  }
  const auto size = encoded_size(record);
  std::lock_guard lock(mutex_);
  ++counts_.delivered;
  if (!size) {
    ++counts_.too_large;
    return;
  }
  const std::size_t need = sizeof(entry_header) + align8(*size);
  const std::size_t capacity = ring_.size();
  if (used_ == 0) head_ = tail_ = 0;
  std::size_t at = tail_;
  std::size_t padding = 0;
  if (used_ != 0 && tail_ <= head_) {
    // Writing into the gap before the reader.
    if (head_ - tail_ < need) {
      ++counts_.dropped;
      return;
    }
  } else if (capacity - tail_ < need) {
    // Not at the end: wrap to 0, if the start has room before the reader.
    if (head_ < need) {
      ++counts_.dropped;
      return;
    }
    padding = capacity - tail_;
    if (padding >= sizeof(entry_header)) {
      const entry_header wrap{wrap_marker, 0, 0};
      std::memcpy(ring_.data() + tail_, &wrap, sizeof wrap);
    }
    at = 0;
  }
  const std::span<std::byte> slot(ring_.data() + at + sizeof(entry_header), *size);
  const etl::record_origin origin = encode_record(record, slot);
  const entry_header h{static_cast<std::uint32_t>(*size), origin.processor, 0};
  std::memcpy(ring_.data() + at, &h, sizeof h);
  tail_ = at + need;
  if (tail_ == capacity) tail_ = 0;
  used_ += padding + need;
  ready_.notify_one();
}

void consumer::release_taken() {
  if (taken_ == 0) return;
  head_ += taken_;
  used_ -= taken_;
  if (head_ == ring_.size()) head_ = 0;
  taken_ = 0;
}

consumer::wait_result consumer::next(etl::record_view& out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  release_taken();
  if (!ready_.wait_for(lock, timeout, [this] { return used_ != 0 || ended_; })) {
    return wait_result::timeout;
  }
  if (used_ == 0) return wait_result::ended;
  // The rest of the ring may be a wrap: skip it.
  entry_header h{};
  if (ring_.size() - head_ >= sizeof h) std::memcpy(&h, ring_.data() + head_, sizeof h);
  if (ring_.size() - head_ < sizeof h || h.size == wrap_marker) {
    used_ -= ring_.size() - head_;
    head_ = 0;
    std::memcpy(&h, ring_.data(), sizeof h);
  }
  taken_ = sizeof h + align8(h.size);
  etl::record_origin origin;
  origin.processor = h.processor;
  const std::span<const std::byte> bytes(ring_.data() + head_ + sizeof h, h.size);
  // The bytes were written by encode_record: they parse. Should one not, it is counted, not
  // silently skipped.
  if (out.parse(bytes, origin)) {
    ++counts_.too_large;
    return wait_result::timeout;
  }
  return wait_result::record;
}

consumer_counts consumer::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

std::uint32_t consumer::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

}  // namespace etwcat::live
