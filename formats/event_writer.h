// event_writer: the interface every output format implements (begin / write / finish), the
// facts a format may print around the events, and the buffered FILE* sink the formats share.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/text_buffer.h"
#include "lib/etl/logfile_header.h"
#include "lib/event/event.h"
#include "lib/trace/process_tracker.h"

namespace etwcat::formats {

/// What is known about one input before its events: the log-file header facts worth showing.
struct trace_source {
  std::string name;                // file path as given, or the live session name
  std::uint16_t index = 0;         // event::source of its events
  std::uint64_t start_time = 0;    // FILETIME UTC
  std::uint64_t end_time = 0;      // FILETIME UTC; 0 when unknown (live, cut-short files)
  std::uint32_t os_build = 0;      // ProviderVersion
  std::uint32_t processors = 0;    // NumberOfProcessors
  std::uint32_t pointer_size = 0;  // 4 or 8
  std::uint32_t buffers = 0;       // BuffersWritten
  std::uint32_t events_lost = 0;   // as the header says
  std::uint32_t buffers_lost = 0;
};

/// The facts of an .etl file's log-file header that writers show.
inline trace_source describe_source(const etl::logfile_header& h, std::string name,
                                    std::uint16_t index) {
  trace_source s;
  s.name = std::move(name);
  s.index = index;
  s.start_time = h.start_time;
  s.end_time = h.end_time;
  s.os_build = h.provider_version;
  s.processors = h.number_of_processors;
  s.pointer_size = h.pointer_size;
  s.buffers = h.buffers_written;
  s.events_lost = h.events_lost;
  s.buffers_lost = h.buffers_lost;
  return s;
}

/// Everything a writer may print before the first event.
struct trace_info {
  std::vector<trace_source> sources;  // one per input file, or the one live session
};

/// What a live session lost, and where: ETW's own counters (ControlTrace at stop), the
/// lost-event notices it delivered, and what etwcat's queue dropped because the reader fell
/// behind. Only live runs have one.
struct session_loss {
  std::string session;
  std::uint64_t delivered = 0;               // events ETW handed to etwcat
  std::uint64_t written = 0;                 // of them, written (a limit may end a run early)
  std::uint64_t filtered = 0;                // of them, not of the processes asked for (--pid)
  std::uint64_t events_lost = 0;             // EventsLost
  std::uint64_t real_time_buffers_lost = 0;  // RealTimeBuffersLost
  std::uint64_t log_buffers_lost = 0;        // LogBuffersLost
  std::uint64_t lost_event_notices = 0;      // RTLostEvent records ETW injected
  std::uint64_t lost_buffer_notices = 0;     // RTLostBuffer / RTLostFile records
  std::uint64_t dropped_by_queue = 0;        // etwcat's queue was full
  std::uint64_t too_large = 0;               // records over 64 KB, not taken
  bool any() const noexcept {
    return events_lost != 0 || real_time_buffers_lost != 0 || log_buffers_lost != 0 ||
           lost_event_notices != 0 || lost_buffer_notices != 0 || dropped_by_queue != 0 ||
           too_large != 0;
  }
};

/// What a writer may print after the last event.
struct summary {
  std::uint64_t records_read = 0;      // every record, headers included
  std::uint64_t events_written = 0;    // after filtering
  std::uint64_t events_lost = 0;       // header counts plus buffers found lost
  std::uint64_t diagnostics = 0;       // damage reports (printed on stderr)
  std::uint64_t decode_errors = 0;     // events whose payload did not decode exactly
  const session_loss* loss = nullptr;  // live runs: what the session lost
  /// The processes the trace showed, with the events written for each (for --summary).
  const std::deque<trace::process_info>* processes = nullptr;
};

/// One output format. The reader calls begin() once, write() per event, finish() once.
class event_writer {
 public:
  virtual ~event_writer() = default;
  virtual void begin(const trace_info& info) = 0;
  virtual void write(const event& e) = 0;
  virtual void finish(const summary& totals) = 0;
};

/// A large reused text buffer in front of a FILE*: writers append a whole event, then call
/// commit(), which hands the text to fwrite once about `capacity` bytes have gathered. One
/// fwrite per megabyte instead of per event; no allocation after the buffer has grown once.
class output_sink {
 public:
  static constexpr std::size_t default_capacity = std::size_t{1} << 20;

  explicit output_sink(std::FILE* file, std::size_t capacity = default_capacity)
      : file_(file), capacity_(capacity) {
    // Room for a full buffer plus the one event that crosses the line.
    buffer_.reserve(capacity + capacity / 4);
  }
  ~output_sink() { flush(); }
  output_sink(const output_sink&) = delete;
  output_sink& operator=(const output_sink&) = delete;

  /// The text not yet written; append to it, then commit().
  text_buffer& buffer() noexcept { return buffer_; }
  /// Marks the end of a unit (an event): writes the buffer out when it is full.
  void commit() {
    if (buffer_.size() >= capacity_) flush();
  }
  /// Writes out everything buffered and flushes the FILE*. After a failed write (a closed pipe,
  /// a full disk) further output is dropped, failed() is true and error() says why.
  void flush() {
    errno = 0;  // so that error() is this write's reason, not an older one
    if (!failed_ && !buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      fail();
    }
    if (!failed_ && std::fflush(file_) != 0) fail();
    buffer_.clear();
  }
  bool failed() const noexcept { return failed_; }
  /// The errno of the failed write (EPIPE: the reader went away), or 0.
  int error() const noexcept { return error_; }
  std::FILE* file() const noexcept { return file_; }

 private:
  void fail() noexcept {
    failed_ = true;
    error_ = errno != 0 ? errno : EIO;
  }

  std::FILE* file_;
  std::size_t capacity_;
  text_buffer buffer_;
  bool failed_ = false;
  int error_ = 0;
};

}  // namespace etwcat::formats
