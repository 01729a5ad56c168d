#include "cmd/output.h"

#include <fmt/format.h>

#include <cerrno>

#include "lib/base/input_file.h"
#include "lib/base/os_error.h"
#include "lib/base/path_text.h"

namespace etwcat::cmd {

bool is_standard_output(std::string_view path) { return path.empty() || path == "-"; }

result<output_target> output_target::open(const std::string& path) {
  output_target target;
  if (is_standard_output(path)) return target;
  // -o /dev/stdout (or another name of it): write to it as it is, appending where the shell
  // opened it to append, instead of replacing the file behind it.
  if (const auto out = identify_standard_output(); out && identify(path_from_utf8(path)) == out) {
    return target;
  }
  auto file = output_file::create(path_from_utf8(path));
  if (!file) return file.failure();
  target.file_.emplace(std::move(file.value()));
  return target;
}

std::string_view output_target::name() const noexcept {
  return file_ ? std::string_view(file_->name()) : std::string_view("standard output");
}

result<void> output_target::finish(bool keep) {
  if (file_) {
    if (!keep) {
      file_->abandon();
      return {};
    }
    return file_->commit();
  }
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (auto message = write_failure(name(), errno != 0 ? errno : EIO)) return error{*message};
  }
  return {};
}

std::optional<std::string> write_failure(std::string_view name, int code) {
  if (code == EPIPE) return std::nullopt;
  return fmt::format("cannot write {}: {}", name, errno_text(code));
}

int finish_stdout() {
  // errno is not reset first: a failure may have happened in an earlier write (the error flag
  // of the stream stays set), and errno still tells why.
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return exit_success;
  if (auto message = write_failure("standard output", errno != 0 ? errno : EIO)) {
    fmt::print(stderr, "etwcat: {}\n", *message);
    return exit_usage_or_system_error;
  }
  return exit_success;
}

int write_stdout(std::string_view text) {
  errno = 0;
  const bool written =
      std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
  if (written) return exit_success;
  if (auto message = write_failure("standard output", errno != 0 ? errno : EIO)) {
    fmt::print(stderr, "etwcat: {}\n", *message);
    return exit_usage_or_system_error;
  }
  return exit_success;
}

}  // namespace etwcat::cmd
