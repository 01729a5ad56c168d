#include "lib/base/terminal.h"

#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

namespace etwcat {

bool is_terminal(std::FILE* file) noexcept {
  if (file == nullptr) return false;
#if defined(_WIN32)
  return _isatty(_fileno(file)) != 0;
#else
  return isatty(fileno(file)) != 0;
#endif
}

}  // namespace etwcat
