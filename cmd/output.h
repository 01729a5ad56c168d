// Writing to stdout from the CLI: a closed pipe (`etwcat … | head`) is not an
// error, as with grep and cat.
#pragma once

#include <string_view>

namespace etwcat::cmd {

/// Writes `text` to stdout and flushes; returns the exit code (0, also when
/// the reader went away).
int write_stdout(std::string_view text);

}  // namespace etwcat::cmd
