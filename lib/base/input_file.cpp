// POSIX: open/fstat/pread; a stream is copied, as far as reads need it, into an unlinked
// mkstemp file (nothing is left behind however the run ends). Windows: CreateFileW, ReadFile at
// an offset (OVERLAPPED on a synchronous handle); a stream is copied into a
// FILE_FLAG_DELETE_ON_CLOSE file.
#include "lib/base/input_file.h"

#include <algorithm>

#include "lib/base/os_error.h"
#include "lib/base/path_text.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace etwcat {
namespace {

constexpr std::size_t copy_chunk = std::size_t{1} << 20;

std::filesystem::path temporary_folder() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
#ifdef _WIN32
  if (ec) dir = ".";
#else
  if (ec) dir = "/tmp";
#endif
  return dir;
}

constexpr const char* terminal_input =
    "standard input is a terminal; give a trace through a pipe or a redirection (< trace.etl)";

}  // namespace

bool is_standard_input(const std::filesystem::path& path) {
  return path == std::filesystem::path("-");
}

result<std::string> read_whole_file(const std::filesystem::path& path) {
  auto file = input_file::open(path);
  if (!file) return file.failure();
  std::string text;
  for (;;) {
    const std::size_t at = text.size();
    text.resize(at + copy_chunk);
    auto got = file.value()->read_at(at, std::span(text.data() + at, copy_chunk));
    if (!got) return got.failure();
    text.resize(at + got.value());
    if (got.value() < copy_chunk) return text;
  }
}

#ifdef _WIN32

namespace {

std::optional<file_identity> identify_handle(HANDLE h) {
  BY_HANDLE_FILE_INFORMATION info;
  if (!GetFileInformationByHandle(h, &info)) return std::nullopt;
  return file_identity{info.dwVolumeSerialNumber,
                       (std::uint64_t{info.nFileIndexHigh} << 32) | info.nFileIndexLow};
}

// A temporary file that Windows deletes when it is closed.
result<HANDLE> make_temporary(const std::filesystem::path& dir, const std::string& what) {
  wchar_t name[MAX_PATH + 1];
  if (GetTempFileNameW(dir.c_str(), L"etw", 0, name) == 0) {
    return error{"cannot make a temporary file in " + path_to_utf8(dir) + " to hold " + what +
                 ": " + last_os_error()};
  }
  HANDLE h =
      CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr,
                  CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    const std::string reason = last_os_error();
    DeleteFileW(name);
    return error{"cannot make a temporary file in " + path_to_utf8(dir) + " to hold " + what +
                 ": " + reason};
  }
  return h;
}

// ReadFile/WriteFile at an offset of a synchronous handle.
bool transfer_at(HANDLE h, std::uint64_t at, char* data, DWORD n, DWORD& done, bool write) {
  OVERLAPPED where{};
  where.Offset = static_cast<DWORD>(at);
  where.OffsetHigh = static_cast<DWORD>(at >> 32);
  return write ? WriteFile(h, data, n, &done, &where) : ReadFile(h, data, n, &done, &where);
}

}  // namespace

std::optional<file_identity> identify_standard_output() {
  return identify_handle(GetStdHandle(STD_OUTPUT_HANDLE));
}

std::optional<file_identity> identify(const std::filesystem::path& path) {
  if (is_standard_input(path)) return identify_handle(GetStdHandle(STD_INPUT_HANDLE));
  HANDLE h = CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (h == INVALID_HANDLE_VALUE) return std::nullopt;
  auto id = identify_handle(h);
  CloseHandle(h);
  return id;
}

result<std::shared_ptr<const input_file>> input_file::open(const std::filesystem::path& path) {
  std::shared_ptr<input_file> file(new input_file);
  HANDLE h = INVALID_HANDLE_VALUE;
  if (is_standard_input(path)) {
    file->name_ = standard_input_name;
    h = GetStdHandle(STD_INPUT_HANDLE);
    if (h == nullptr || h == INVALID_HANDLE_VALUE) return error{"there is no standard input"};
    if (GetFileType(h) == FILE_TYPE_CHAR) return error{terminal_input};
    file->owns_file_ = file->owns_source_ = false;
  } else {
    file->name_ = path_to_utf8(path);
    const DWORD attributes = GetFileAttributesW(path.c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
      return error{"Is a directory"};
    }
    h = CreateFileW(path.c_str(), GENERIC_READ,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return error{last_os_error()};
  }
  file->handle_ = h;  // closed by the destructor from here on, when owned
  if (auto id = identify_handle(h)) {
    file->identity_ = *id;
  } else {
    file->identity_ = {~std::uint64_t{0}, reinterpret_cast<std::uintptr_t>(h)};
  }
  if (GetFileType(h) == FILE_TYPE_DISK) {
    if (!file->owns_file_) {  // standard input redirected from a file: start where it stands
      LARGE_INTEGER zero{}, at{};
      if (SetFilePointerEx(h, zero, &at, FILE_CURRENT)) {
        file->base_ = static_cast<std::uint64_t>(at.QuadPart);
      }
    }
    return std::shared_ptr<const input_file>(std::move(file));
  }
  // A stream: read through a copy that grows as reads need it.
  const std::filesystem::path dir = temporary_folder();
  auto copy = make_temporary(dir, file->owns_source_ ? file->name_ : "standard input");
  if (!copy) return copy.failure();
  file->source_ = h;
  file->owns_source_ = file->owns_file_;
  file->handle_ = copy.value();
  file->owns_file_ = true;
  file->copied_ = true;
  file->copy_name_ = path_to_utf8(dir);
  return std::shared_ptr<const input_file>(std::move(file));
}

input_file::~input_file() {
  if (handle_ != nullptr && owns_file_) CloseHandle(static_cast<HANDLE>(handle_));
  if (source_ != nullptr && owns_source_) CloseHandle(static_cast<HANDLE>(source_));
}

result<void> input_file::copy_until(std::uint64_t end) const {
  if (chunk_.empty()) chunk_.resize(copy_chunk);
  while (!source_ended_ && copied_bytes_ < end) {
    DWORD got = 0;
    if (!ReadFile(static_cast<HANDLE>(source_), chunk_.data(), static_cast<DWORD>(chunk_.size()),
                  &got, nullptr)) {
      if (GetLastError() != ERROR_BROKEN_PIPE && GetLastError() != ERROR_HANDLE_EOF) {
        return error{last_os_error(), copied_bytes_};
      }
      got = 0;
    }
    if (got == 0) {
      source_ended_ = true;
      break;
    }
    DWORD put = 0;
    if (!transfer_at(static_cast<HANDLE>(handle_), copied_bytes_, chunk_.data(), got, put, true) ||
        put != got) {
      return error{"its temporary copy in " + copy_name_ + " failed: " + last_os_error(),
                   copied_bytes_};
    }
    copied_bytes_ += got;
  }
  return {};
}

result<std::size_t> input_file::read_at(std::uint64_t offset, std::span<char> out) const {
  if (copied_) {
    if (auto grown = copy_until(offset + out.size()); !grown) return grown.failure();
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const std::size_t want = std::min<std::size_t>(out.size() - done, std::size_t{1} << 30);
    DWORD got = 0;
    if (!transfer_at(static_cast<HANDLE>(handle_), base_ + offset + done, out.data() + done,
                     static_cast<DWORD>(want), got, false)) {
      if (GetLastError() == ERROR_HANDLE_EOF) break;
      return error{last_os_error(), offset + done};
    }
    if (got == 0) break;
    done += got;
  }
  return done;
}

#else  // POSIX

namespace {

file_identity identity_of(const struct stat& st) {
  return file_identity{static_cast<std::uint64_t>(st.st_dev),
                       static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace

std::optional<file_identity> identify_standard_output() {
  struct stat st {};
  if (fstat(STDOUT_FILENO, &st) != 0) return std::nullopt;
  return identity_of(st);
}

std::optional<file_identity> identify(const std::filesystem::path& path) {
  struct stat st {};
  const int rc = is_standard_input(path) ? fstat(STDIN_FILENO, &st) : stat(path.c_str(), &st);
  if (rc != 0) return std::nullopt;
  return identity_of(st);
}

result<std::shared_ptr<const input_file>> input_file::open(const std::filesystem::path& path) {
  std::shared_ptr<input_file> file(new input_file);
  int fd = -1;
  if (is_standard_input(path)) {
    file->name_ = standard_input_name;
    if (isatty(STDIN_FILENO)) return error{terminal_input};
    file->owns_file_ = file->owns_source_ = false;
    fd = STDIN_FILENO;
  } else {
    file->name_ = path_to_utf8(path);
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return error{errno_text(errno)};
  }
  file->fd_ = fd;  // closed by the destructor from here on, when owned
  struct stat st {};
  if (fstat(fd, &st) != 0) return error{errno_text(errno)};
  if (S_ISDIR(st.st_mode)) return error{errno_text(EISDIR)};
  file->identity_ = identity_of(st);
  if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
    if (!file->owns_file_) {  // standard input redirected from a file: start where it stands
      const off_t at = lseek(fd, 0, SEEK_CUR);
      if (at > 0) file->base_ = static_cast<std::uint64_t>(at);
    }
    return std::shared_ptr<const input_file>(std::move(file));
  }
  // A stream: read through a copy that grows as reads need it, unlinked at once.
  const std::filesystem::path dir = temporary_folder();
  std::string pattern = (dir / "etwcat-input-XXXXXX").string();
  const int copy = mkstemp(pattern.data());
  if (copy < 0) {
    return error{"cannot make a temporary file in " + path_to_utf8(dir) + " to hold " +
                 (file->owns_file_ ? file->name_ : std::string("standard input")) + ": " +
                 errno_text(errno)};
  }
  unlink(pattern.c_str());
  file->source_ = fd;
  file->owns_source_ = file->owns_file_;
  file->fd_ = copy;
  file->owns_file_ = true;
  file->copied_ = true;
  file->copy_name_ = path_to_utf8(dir);
  return std::shared_ptr<const input_file>(std::move(file));
}

input_file::~input_file() {
  if (fd_ >= 0 && owns_file_) close(fd_);
  if (source_ >= 0 && owns_source_) close(source_);
}

result<void> input_file::copy_until(std::uint64_t end) const {
  if (chunk_.empty()) chunk_.resize(copy_chunk);
  while (!source_ended_ && copied_bytes_ < end) {
    const ssize_t got = read(source_, chunk_.data(), chunk_.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return error{errno_text(errno), copied_bytes_};
    if (got == 0) {
      source_ended_ = true;
      break;
    }
    for (ssize_t put = 0; put < got;) {
      const ssize_t n = pwrite(fd_, chunk_.data() + put, static_cast<std::size_t>(got - put),
                               static_cast<off_t>(copied_bytes_ + put));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return error{"its temporary copy in " + copy_name_ +
                         " failed: " + errno_text(n < 0 ? errno : ENOSPC),
                     copied_bytes_};
      }
      put += n;
    }
    copied_bytes_ += static_cast<std::uint64_t>(got);
  }
  return {};
}

result<std::size_t> input_file::read_at(std::uint64_t offset, std::span<char> out) const {
  if (copied_) {
    if (auto grown = copy_until(offset + out.size()); !grown) return grown.failure();
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got =
        pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(base_ + offset + done));
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return error{errno_text(errno), offset + done};
    }
    done += static_cast<std::size_t>(got);
  }
  return done;
}

#endif

}  // namespace etwcat
