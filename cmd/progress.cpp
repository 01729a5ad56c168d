// progress: the decision, the text and the drawing of the status line. The drawing uses only
// '\r' and spaces, no escape sequences, so any console shows it right.
#include "cmd/progress.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "lib/base/input_file.h"
#include "lib/base/path_text.h"

#if defined(_WIN32)
#include <io.h>
#else
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace etwcat::cmd {
namespace {

bool is_terminal(std::FILE* file) {
#if defined(_WIN32)
  return _isatty(_fileno(file)) != 0;
#else
  return isatty(fileno(file)) != 0;
#endif
}

// True when stdout and stderr are one terminal (an interactive shell's usual setup).
bool same_terminal() {
#if defined(_WIN32)
  return true;  // both are consoles (the callers checked): assume the one console
#else
  struct stat out {};
  struct stat err {};
  return fstat(STDOUT_FILENO, &out) == 0 && fstat(STDERR_FILENO, &err) == 0 &&
         out.st_rdev == err.st_rdev && out.st_dev == err.st_dev && out.st_ino == err.st_ino;
#endif
}

// "1,234,567"
std::string grouped(std::uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// "0:42", "1:02:03"
std::string duration(double seconds) {
  const auto s = static_cast<std::uint64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

std::uint64_t progress_min_bytes() {
  const char* text = std::getenv("ETWCAT_PROGRESS_MIN_BYTES");
  if (text == nullptr) return default_progress_min_bytes;
  const std::string_view s(text);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty() ? value
                                                                       : default_progress_min_bytes;
}

bool progress_wanted(const progress_conditions& c) noexcept {
  return c.stderr_is_terminal && !c.events_on_same_terminal && !c.quiet &&
         c.input_bytes >= c.min_bytes;
}

std::string format_progress(const progress_numbers& n) {
  // Decimal units, picked by the total so that both numbers share one.
  static constexpr std::string_view units[] = {"KB", "MB", "GB", "TB"};
  std::string sizes;
  if (n.bytes_total < 1000) {
    sizes = fmt::format("{}/{} bytes", n.bytes_read, n.bytes_total);
  } else {
    double scale = 1000;
    std::size_t unit = 0;
    while (unit + 1 < std::size(units) && n.bytes_total >= scale * 1000) {
      scale *= 1000;
      ++unit;
    }
    sizes = fmt::format("{:.1f}/{:.1f} {}", static_cast<double>(n.bytes_read) / scale,
                        static_cast<double>(n.bytes_total) / scale, units[unit]);
  }
  std::string line = "etwcat: " + sizes;
  if (n.bytes_total != 0) {
    const std::uint64_t read = std::min(n.bytes_read, n.bytes_total);
    line += fmt::format(" {}%", read * 100 / n.bytes_total);
  }
  line += fmt::format(", {} events", grouped(n.events));
  if (n.seconds > 0) {
    line += fmt::format(", {}/s", grouped(static_cast<std::uint64_t>(n.events / n.seconds)));
    if (n.bytes_read > 0 && n.bytes_read < n.bytes_total) {
      const double left = static_cast<double>(n.bytes_total - n.bytes_read) * n.seconds /
                          static_cast<double>(n.bytes_read);
      line += fmt::format(", {} left", duration(left));
    }
  }
  return line;
}

std::uint64_t input_size(std::span<const std::string> names) {
  std::uint64_t total = 0;
  for (const std::string& name : names) {
    const std::filesystem::path path = path_from_utf8(name);
    if (is_standard_input(path)) {
#if !defined(_WIN32)
      struct stat in {};
      if (fstat(STDIN_FILENO, &in) == 0 && S_ISREG(in.st_mode)) {
        total += static_cast<std::uint64_t>(in.st_size);
      }
#endif
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      const std::uintmax_t size = std::filesystem::file_size(path, ec);
      if (!ec) total += size;
    }
  }
  return total;
}

progress_line::progress_line(std::FILE* out, std::uint64_t total_bytes, bool enabled)
    : out_(out),
      total_(total_bytes),
      enabled_(enabled && out != nullptr),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void progress_line::update(std::uint64_t bytes_read) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval) return;
  last_ = now;
  progress_numbers n;
  n.bytes_read = bytes_read;
  n.bytes_total = total_;
  n.events = events_;
  n.seconds = std::chrono::duration<double>(now - start_).count();
  const std::string line = format_progress(n);
  // Spaces cover what a longer previous line left; then back to the start of the line.
  const std::size_t pad = width_ > line.size() ? width_ - line.size() : 0;
  std::fprintf(out_, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
  std::fflush(out_);
  width_ = line.size();
}

void progress_line::clear() noexcept {
  if (enabled_ && width_ != 0) {
    std::fprintf(out_, "\r%*s\r", static_cast<int>(width_), "");
    std::fflush(out_);
  }
  enabled_ = false;
  width_ = 0;
}

progress_line dump_progress(const event_output_options& options,
                            std::span<const std::string> files) {
  progress_conditions c;
  c.stderr_is_terminal = is_terminal(stderr);
  c.quiet = options.quiet;
  if (c.stderr_is_terminal && !c.quiet) {  // else nothing below matters
    const bool to_stdout = options.output.empty() || options.output == "-";
    c.events_on_same_terminal = to_stdout && !options.summary && !options.provider_counts &&
                                is_terminal(stdout) && same_terminal();
    c.input_bytes = input_size(files);
    c.min_bytes = progress_min_bytes();
  }
  const bool wanted = progress_wanted(c);
  return progress_line(stderr, c.input_bytes, wanted);
}

}  // namespace etwcat::cmd
