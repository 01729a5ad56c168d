#include "cmd/output.h"

#include <cstdio>

namespace etwcat::cmd {

int write_stdout(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace etwcat::cmd
