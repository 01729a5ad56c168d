// POSIX: open/fstat/pread, and a stream copied into an unlinked mkstemp file (nothing is left
// behind however the run ends). Windows: CreateFileW, ReadFile at an offset (OVERLAPPED on a
// synchronous handle), and a stream copied into a FILE_FLAG_DELETE_ON_CLOSE file.
#include "lib/base/input_file.h"

#include <vector>

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

}  // namespace

bool is_standard_input(const std::filesystem::path& path) {
  return path == std::filesystem::path("-");
}

#ifdef _WIN32

namespace {

std::optional<file_identity> identify_handle(HANDLE h) {
  BY_HANDLE_FILE_INFORMATION info;
  if (!GetFileInformationByHandle(h, &info)) return std::nullopt;
  return file_identity{info.dwVolumeSerialNumber,
                       (std::uint64_t{info.nFileIndexHigh} << 32) | info.nFileIndexLow};
}

// Copies a stream to a temporary file that Windows deletes when it is closed.
result<HANDLE> copy_to_temporary(HANDLE from, const std::string& what) {
  const std::filesystem::path dir = temporary_folder();
  wchar_t name[MAX_PATH + 1];
  if (GetTempFileNameW(dir.c_str(), L"etw", 0, name) == 0) {
    return error{"cannot create a temporary file in " + path_to_utf8(dir) + " to hold " + what +
                 ": " + last_os_error()};
  }
  HANDLE to =
      CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr,
                  CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
  if (to == INVALID_HANDLE_VALUE) {
    const std::string reason = last_os_error();
    DeleteFileW(name);
    return error{"cannot create a temporary file in " + path_to_utf8(dir) + " to hold " + what +
                 ": " + reason};
  }
  std::vector<char> buffer(copy_chunk);
  for (;;) {
    DWORD got = 0;
    if (!ReadFile(from, buffer.data(), static_cast<DWORD>(buffer.size()), &got, nullptr)) {
      if (GetLastError() == ERROR_BROKEN_PIPE || GetLastError() == ERROR_HANDLE_EOF) break;
      const std::string reason = last_os_error();
      CloseHandle(to);
      return error{"cannot read " + what + ": " + reason};
    }
    if (got == 0) break;
    DWORD put = 0;
    if (!WriteFile(to, buffer.data(), got, &put, nullptr) || put != got) {
      const std::string reason = last_os_error();
      CloseHandle(to);
      return error{"cannot copy " + what + " to a temporary file in " + path_to_utf8(dir) + ": " +
                   reason};
    }
  }
  return to;
}

}  // namespace

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
    file->owns_handle_ = false;
    h = GetStdHandle(STD_INPUT_HANDLE);
    if (h == nullptr || h == INVALID_HANDLE_VALUE) return error{"there is no standard input"};
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
  file->handle_ = h;
  if (auto id = identify_handle(h)) {
    file->identity_ = *id;
  } else {
    file->identity_ = {~std::uint64_t{0}, reinterpret_cast<std::uintptr_t>(h)};
  }
  if (GetFileType(h) == FILE_TYPE_DISK) {
    if (!file->owns_handle_) {  // standard input redirected from a file: start where it stands
      LARGE_INTEGER zero{}, at{};
      if (SetFilePointerEx(h, zero, &at, FILE_CURRENT)) {
        file->base_ = static_cast<std::uint64_t>(at.QuadPart);
      }
    }
    return std::shared_ptr<const input_file>(std::move(file));
  }
  auto copy = copy_to_temporary(h, file->owns_handle_ ? file->name_ : "standard input");
  if (file->owns_handle_) CloseHandle(h);
  file->handle_ = nullptr;
  if (!copy) return copy.failure();
  file->handle_ = copy.value();
  file->owns_handle_ = true;
  file->copied_ = true;
  return std::shared_ptr<const input_file>(std::move(file));
}

input_file::~input_file() {
  if (handle_ != nullptr && owns_handle_) CloseHandle(static_cast<HANDLE>(handle_));
}

result<std::size_t> input_file::read_at(std::uint64_t offset, std::span<char> out) const {
  std::size_t done = 0;
  while (done < out.size()) {
    const std::uint64_t at = base_ + offset + done;
    OVERLAPPED where{};
    where.Offset = static_cast<DWORD>(at);
    where.OffsetHigh = static_cast<DWORD>(at >> 32);
    const std::size_t want = std::min<std::size_t>(out.size() - done, 1u << 30);
    DWORD got = 0;
    if (!ReadFile(static_cast<HANDLE>(handle_), out.data() + done, static_cast<DWORD>(want), &got,
                  &where)) {
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

// Copies a stream to a temporary file that is unlinked at once: only the descriptor holds it.
result<int> copy_to_temporary(int from, const std::string& what) {
  const std::filesystem::path dir = temporary_folder();
  std::string pattern = (dir / "etwcat-input-XXXXXX").string();
  const int to = mkstemp(pattern.data());
  if (to < 0) {
    return error{"cannot create a temporary file in " + path_to_utf8(dir) + " to hold " + what +
                 ": " + errno_text(errno)};
  }
  unlink(pattern.c_str());
  std::vector<char> buffer(copy_chunk);
  for (;;) {
    const ssize_t got = read(from, buffer.data(), buffer.size());
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      const std::string reason = errno_text(errno);
      close(to);
      return error{"cannot read " + what + ": " + reason};
    }
    for (ssize_t put = 0; put < got;) {
      const ssize_t n = write(to, buffer.data() + put, static_cast<std::size_t>(got - put));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const std::string reason = errno_text(n < 0 ? errno : ENOSPC);
        close(to);
        return error{"cannot copy " + what + " to a temporary file in " + path_to_utf8(dir) + ": " +
                     reason};
      }
      put += n;
    }
  }
  return to;
}

}  // namespace

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
    file->owns_fd_ = false;
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
    if (!file->owns_fd_) {  // standard input redirected from a file: start where it stands
      const off_t at = lseek(fd, 0, SEEK_CUR);
      if (at > 0) file->base_ = static_cast<std::uint64_t>(at);
    }
    return std::shared_ptr<const input_file>(std::move(file));
  }
  auto copy = copy_to_temporary(fd, file->owns_fd_ ? file->name_ : "standard input");
  if (file->owns_fd_) close(fd);
  file->fd_ = -1;
  if (!copy) return copy.failure();
  file->fd_ = copy.value();
  file->owns_fd_ = true;
  file->copied_ = true;
  return std::shared_ptr<const input_file>(std::move(file));
}

input_file::~input_file() {
  if (fd_ >= 0 && owns_fd_) close(fd_);
}

result<std::size_t> input_file::read_at(std::uint64_t offset, std::span<char> out) const {
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
