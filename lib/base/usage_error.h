// usage_error: a mistake in what the user asked for (bad provider string,
// unknown kernel flag). cmd/ prints its text on one line and exits 2.
#pragma once

#include <stdexcept>
#include <string>

namespace etwcat {

class usage_error : public std::runtime_error {
 public:
  explicit usage_error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace etwcat
