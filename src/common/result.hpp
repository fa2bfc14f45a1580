#pragma once
// Result<T, E>: a value or an error (code from the caller's own enum class plus a one-line
// context). Expected failures travel as values; exceptions are for start-up and programming errors.
// Header-only; no threading concerns.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace hitless {

template <class E>
struct Error {
  E code;
  std::string message;
};

template <class E>
Error<E> make_error(E code, std::string message) {
  return Error<E>{code, std::move(message)};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Error<E> error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error<E>& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  E code() const { return error().code; }
  const std::string& message() const { return error().message; }

 private:
  std::variant<T, Error<E>> v_;
};

// Status<E>: a Result that carries no value.
struct Unit {};
template <class E>
using Status = Result<Unit, E>;

}  // namespace hitless
