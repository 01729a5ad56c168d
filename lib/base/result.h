// result<T>: a value or an error that says what went wrong and where (byte
// offset), for operations in lib/ that can fail on bad input.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace etwcat {

/// What went wrong and where: `offset` is a byte offset into the input the
/// operation was given (a file, a buffer, a string), when one applies.
struct error {
  std::string message;
  std::uint64_t offset = 0;
};

/// Either a T or an error. Cheap to move; check with `ok()` before `value()`.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  result(error failure) : state_(std::move(failure)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const error& failure() const { return std::get<1>(state_); }

 private:
  std::variant<T, error> state_;
};

/// A success that carries nothing, or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error failure) : failure_(std::move(failure)), failed_(true) {}  // NOLINT: implicit

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const error& failure() const { return failure_; }

 private:
  error failure_;
  bool failed_ = false;
};

}  // namespace etwcat
