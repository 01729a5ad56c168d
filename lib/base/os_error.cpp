// strerror on POSIX; FormatMessageW on Windows, whose messages end in ".\r\n" (trimmed so that
// every message reads as one line).
#include "lib/base/os_error.h"

#include <cerrno>
#include <cstring>

#ifdef _WIN32
#include <windows.h>

#include "lib/base/unicode.h"
#endif

namespace etwcat {
namespace {

std::string trimmed(std::string text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

std::string errno_text(int code) { return trimmed(std::strerror(code)); }

std::string last_os_error() {
#ifdef _WIN32
  const DWORD code = GetLastError();
  wchar_t* text = nullptr;
  const DWORD n = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::string utf8;
  if (n != 0 && text != nullptr) {
    append_utf16_as_utf8(utf8, std::u16string_view(reinterpret_cast<const char16_t*>(text), n));
  }
  if (text != nullptr) LocalFree(text);
  utf8 = trimmed(std::move(utf8));
  if (utf8.empty()) utf8 = "Windows error " + std::to_string(code);
  return utf8;
#else
  return errno_text(errno);
#endif
}

}  // namespace etwcat
