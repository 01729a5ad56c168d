// os_error: the operating system's own words for a failed call ("No such file or directory",
// "Permission denied"), so that messages say what the OS said, on POSIX and on Windows alike.
#pragma once

#include <string>

namespace etwcat {

/// The text of a C library errno value (strerror), without a trailing period.
std::string errno_text(int code);

/// The text of the last failure of the OS call just made: errno on POSIX, GetLastError() on
/// Windows (FormatMessage, as UTF-8). Call it before anything else can change the error.
std::string last_os_error();

}  // namespace etwcat
