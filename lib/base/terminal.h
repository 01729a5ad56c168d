// terminal: whether a stream is a terminal (a person reading) or a pipe or file (a program).
#pragma once

#include <cstdio>

namespace etwcat {

/// True when `file` is a terminal (a console on Windows).
bool is_terminal(std::FILE* file) noexcept;

}  // namespace etwcat
