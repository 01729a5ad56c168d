// progress: the one status line `dump` keeps on a terminal's stderr while it reads a large
// input — bytes read of the total, events, events per second, time left — redrawn in place
// with '\r' at most a few times a second and erased at the end.
//
// Testing knob: ETWCAT_PROGRESS_MIN_BYTES (a byte count) replaces the 50 MB threshold, so
// that the small captures of the test corpus can show the line.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "cmd/event_output.h"

namespace etwcat::cmd {

/// Inputs smaller than this read in a moment: no line for them.
constexpr std::uint64_t default_progress_min_bytes = 50'000'000;

/// The threshold: ETWCAT_PROGRESS_MIN_BYTES when it is a number, else 50 MB.
std::uint64_t progress_min_bytes();

/// What decides whether the line is shown.
struct progress_conditions {
  bool stderr_is_terminal = false;
  /// Events are printed on that same terminal (stdout is it, and no --summary): they scroll
  /// by already, and a status line between them would tear them apart.
  bool events_on_same_terminal = false;
  bool quiet = false;             // -q/--quiet
  std::uint64_t input_bytes = 0;  // the inputs' total size
  std::uint64_t min_bytes = default_progress_min_bytes;
};

/// True when the line is wanted: stderr is a terminal that does not show the events, no
/// --quiet, and the inputs hold at least min_bytes.
bool progress_wanted(const progress_conditions& c) noexcept;

/// The numbers on the line.
struct progress_numbers {
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_total = 0;
  std::uint64_t events = 0;
  double seconds = 0;  // since reading began
};

/// The line, without '\r' or escape sequences:
///   "etwcat: 123.4 of 512.0 MB (24%), 1,234,567 events, 456,789/s, 0:42 left"
/// The rate and the time left are left out until they mean something (no time has passed,
/// nothing read yet).
std::string format_progress(const progress_numbers& n);

/// Bytes in the named inputs ("-": standard input, when it is a file); what cannot be sized
/// (a pipe, a missing file) counts 0.
std::uint64_t input_size(std::span<const std::string> names);

/// The line itself. Disabled, every call returns at once.
///
///   progress_line progress = dump_progress(options.out, options.files);
///   … per event: progress.tick([&] { return trace.bytes_read(); });
///   progress.clear();  // before anything else goes to the terminal
class progress_line {
 public:
  /// Events between two looks at the clock: cheap enough per event, and still many looks a
  /// second at any realistic rate.
  static constexpr std::uint64_t check_every = 4096;
  /// Least time between two drawings, and before the first one (a short run shows nothing).
  static constexpr std::chrono::milliseconds interval{250};

  progress_line(std::FILE* out, std::uint64_t total_bytes, bool enabled);
  ~progress_line() { clear(); }
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;

  bool enabled() const noexcept { return enabled_; }

  /// Counts one event; every check_every events, redraws the line when `interval` has passed.
  /// `bytes_read()` is called only then.
  template <class BytesRead>
  void tick(BytesRead&& bytes_read) {
    if (!enabled_ || ++events_ % check_every != 0) return;
    update(bytes_read());
  }

  /// Erases the line, if it was drawn; later ticks draw nothing.
  void clear() noexcept;

 private:
  void update(std::uint64_t bytes_read);

  std::FILE* out_;
  std::uint64_t total_;
  bool enabled_;
  std::size_t width_ = 0;  // of the line on the terminal; 0: none drawn
  std::uint64_t events_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

/// The line for `dump`: on stderr, enabled per progress_wanted() from the terminals, --quiet,
/// --summary and the size of `files`.
progress_line dump_progress(const event_output_options& options,
                            std::span<const std::string> files);

}  // namespace etwcat::cmd
