// Temporary file beside the target (mkstemp / GetTempFileNameW), permissions copied from the
// target (or the umask's default), then rename / MoveFileExW over the target on commit.
#include "lib/base/output_file.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include "lib/base/os_error.h"
#include "lib/base/path_text.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace etwcat {
namespace {

#ifndef _WIN32
// The temporary file being written, for remove_temporary_on_signal(); a fixed buffer, since a
// signal handler may not allocate.
char pending_temporary[4096];
volatile std::sig_atomic_t pending_set = 0;

void remember_pending(const std::filesystem::path& path) {
  const std::string& text = path.native();
  if (text.size() >= sizeof pending_temporary) return;
  pending_set = 0;
  std::memcpy(pending_temporary, text.c_str(), text.size() + 1);
  pending_set = 1;
}
#endif

void forget_pending() {
#ifndef _WIN32
  pending_set = 0;
#endif
}

void remove_file(const std::filesystem::path& path) noexcept {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

}  // namespace

output_file::output_file(output_file&& other) noexcept
    : stream_(other.stream_),
      name_(std::move(other.name_)),
      target_(std::move(other.target_)),
      temporary_(std::move(other.temporary_)) {
  other.stream_ = nullptr;
  other.temporary_.clear();
}

output_file& output_file::operator=(output_file&& other) noexcept {
  if (this != &other) {
    abandon();
    stream_ = other.stream_;
    name_ = std::move(other.name_);
    target_ = std::move(other.target_);
    temporary_ = std::move(other.temporary_);
    other.stream_ = nullptr;
    other.temporary_.clear();
  }
  return *this;
}

result<output_file> output_file::create(const std::filesystem::path& path) {
  output_file out;
  out.name_ = path_to_utf8(path);
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  using type = std::filesystem::file_type;
  if (status.type() == type::directory) {
    return error{"cannot write " + out.name_ + ": " + errno_text(EISDIR)};
  }
  if (status.type() != type::regular && status.type() != type::not_found &&
      status.type() != type::none) {
    // A device or FIFO: written in place.
#ifdef _WIN32
    out.stream_ = _wfopen(path.c_str(), L"wb");
#else
    out.stream_ = std::fopen(path.c_str(), "wb");
#endif
    if (out.stream_ == nullptr)
      return error{"cannot write " + out.name_ + ": " + errno_text(errno)};
    return out;
  }

  // Replace what the name points to, not a symlink on the way.
  out.target_ = path;
  if (std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec))) {
    if (auto resolved = std::filesystem::weakly_canonical(path, ec); !ec) out.target_ = resolved;
  }
  std::filesystem::path dir = out.target_.parent_path();
  if (dir.empty()) dir = ".";

#ifdef _WIN32
  wchar_t name[MAX_PATH + 1];
  if (GetTempFileNameW(dir.c_str(), L"etw", 0, name) == 0) {
    return error{"cannot write " + out.name_ + ": no temporary file can be made in " +
                 path_to_utf8(dir) + ": " + last_os_error()};
  }
  out.temporary_ = name;
  out.stream_ = _wfopen(name, L"wb");
  if (out.stream_ == nullptr) {
    const std::string reason = errno_text(errno);
    remove_file(out.temporary_);
    out.temporary_.clear();
    return error{"cannot write " + out.name_ + ": " + reason};
  }
#else
  std::string pattern = (dir / ("." + out.target_.filename().string() + ".etwcat-XXXXXX")).string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) {
    return error{"cannot write " + out.name_ + ": no temporary file can be made in " +
                 path_to_utf8(dir) + ": " + errno_text(errno)};
  }
  out.temporary_ = pattern;
  remember_pending(out.temporary_);
  // mkstemp makes the file 0600: give it what FILE has, or what a new FILE would get.
  mode_t mode = 0;
  if (status.type() == type::regular) {
    mode = static_cast<mode_t>(status.permissions()) & 07777;
  } else {
    const mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  (void)fchmod(fd, mode);
  out.stream_ = fdopen(fd, "wb");
  if (out.stream_ == nullptr) {
    const std::string reason = errno_text(errno);
    close(fd);
    out.abandon();
    return error{"cannot write " + out.name_ + ": " + reason};
  }
#endif
  return out;
}

result<void> output_file::commit() {
  if (stream_ == nullptr) return {};
  int failure = 0;
  if (std::fflush(stream_) != 0) failure = errno;
  if (failure == 0 && std::ferror(stream_)) failure = EIO;
  if (std::fclose(stream_) != 0 && failure == 0) failure = errno;
  stream_ = nullptr;
  if (failure != 0) {
    abandon();
    return error{"cannot write " + name_ + ": " + errno_text(failure)};
  }
  if (temporary_.empty()) return {};
#ifdef _WIN32
  if (!MoveFileExW(temporary_.c_str(), target_.c_str(), MOVEFILE_REPLACE_EXISTING)) {
    const std::string reason = last_os_error();
    abandon();
    return error{"cannot replace " + name_ + ": " + reason};
  }
#else
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    const std::string reason = errno_text(errno);
    abandon();
    return error{"cannot replace " + name_ + ": " + reason};
  }
#endif
  forget_pending();
  temporary_.clear();
  return {};
}

void output_file::abandon() noexcept {
  if (stream_ != nullptr) {
    std::fclose(stream_);
    stream_ = nullptr;
  }
  if (!temporary_.empty()) {
    forget_pending();
    remove_file(temporary_);
    temporary_.clear();
  }
}

void output_file::remove_temporary_on_signal() noexcept {
#ifndef _WIN32
  if (pending_set) unlink(pending_temporary);
#endif
}

}  // namespace etwcat
