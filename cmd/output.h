// Where a command's output goes, and what a failed write means: standard output, or `-o FILE`
// replaced only by a complete output (lib/base/output_file). A closed pipe (`etwcat … | head`)
// is not an error, as with grep and cat; any other write error is, with the OS's reason.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "lib/base/output_file.h"
#include "lib/base/result.h"

namespace etwcat::cmd {

/// Exit codes (README, man page): 0 success, 1 damaged input, lost events or decode errors,
/// 2 usage or system errors (bad options, a file that cannot be opened, an unwritable output).
constexpr int exit_success = 0;
constexpr int exit_data_error = 1;
constexpr int exit_usage_or_system_error = 2;

/// True when "-o PATH" means standard output: no -o, or "-".
bool is_standard_output(std::string_view path);

/// An open output: standard output, or a file written through output_file.
class output_target {
 public:
  /// Opens `path` (standard output for "" and "-"). The error is one line, without "etwcat: ".
  [[nodiscard]] static result<output_target> open(const std::string& path);

  std::FILE* stream() const noexcept { return file_ ? file_->stream() : stdout; }
  /// "standard output", or the path as given.
  std::string_view name() const noexcept;

  /// Ends the output. With `keep`, a file replaces its target (standard output is flushed);
  /// without, a file's target is left as it was. The error is one line, without "etwcat: ";
  /// a closed pipe is no error.
  [[nodiscard]] result<void> finish(bool keep);

 private:
  std::optional<output_file> file_;
};

/// The one-line message for a write to `name` that failed with errno `code`, or nothing when
/// `code` is EPIPE (the reader went away, which is not an error).
std::optional<std::string> write_failure(std::string_view name, int code);

/// Writes `text` to standard output and flushes; returns the exit code: 0, also when the reader
/// went away; 2, with the OS's reason on stderr, for any other write error.
int write_stdout(std::string_view text);

/// Flushes standard output after others wrote to it (CLI11's --help and --version) and checks
/// that all of it arrived; returns the exit code as write_stdout() does.
int finish_stdout();

}  // namespace etwcat::cmd
