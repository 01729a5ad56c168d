// diagnostics: damage that a read survived (bad buffer, short record, lost events), collected
// with the file and byte offset where it was found, so the CLI can print one line per item.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace etwcat {

enum class severity : std::uint8_t {
  note,     // worth knowing, nothing was lost (e.g. a header field clamped)
  warning,  // data was lost or may be wrong (events lost by the logger, a record skipped)
  error,    // a part of the input could not be read at all (rest of a buffer or file skipped)
};

/// One finding. `offset` is a byte offset in `file`; `buffer` is the 0-based index, in file
/// order, of the ETL buffer it concerns, when there is one.
struct diagnostic {
  severity level = severity::warning;
  std::string file;
  std::uint64_t offset = 0;
  std::string text;
  std::optional<std::uint64_t> buffer;
  bool whole_file = false;  // about the file as a whole (it cannot be opened): no offset shown
};

/// The one-line form, WITHOUT the "etwcat: " prefix (the CLI adds it):
///   net.etl: offset 0x1a040 (buffer 26): record size 0 < 16-byte header; rest of buffer skipped
///   gone.etl: No such file or directory                        (whole_file)
/// Severity is not spelled out: every diagnostic makes the run exit 1.
std::string format(const diagnostic& d);

/// A sink that counts every diagnostic and stores the first `max_stored` of them, so a badly
/// damaged multi-gigabyte file cannot make it grow without bound.
class diagnostics {
 public:
  static constexpr std::size_t default_max_stored = 1000;

  explicit diagnostics(std::size_t max_stored = default_max_stored) : max_stored_(max_stored) {}

  void add(diagnostic d);
  void report(severity level, std::string file, std::uint64_t offset, std::string text,
              std::optional<std::uint64_t> buffer = std::nullopt) {
    add(diagnostic{level, std::move(file), offset, std::move(text), buffer});
  }

  /// Everything reported, including items not stored.
  std::size_t count() const noexcept { return total_; }
  std::size_t count(severity level) const noexcept {
    return by_level_[static_cast<std::size_t>(level)];
  }
  bool empty() const noexcept { return total_ == 0; }
  /// Reported but not stored because the cap was reached.
  std::size_t dropped() const noexcept { return total_ - items_.size(); }

  const std::vector<diagnostic>& items() const noexcept { return items_; }
  void clear() noexcept;

 private:
  std::size_t max_stored_;
  std::size_t total_ = 0;
  std::size_t by_level_[3] = {0, 0, 0};
  std::vector<diagnostic> items_;
};

}  // namespace etwcat
