// Result<T> and Error: errno plus a chain of context, no exceptions across fork/clone.
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <utility>

namespace runz {

struct Error {
  int code = 0;          // errno, 0 when the failure is not a system call's
  std::string message;   // "create: mount /proc: Operation not permitted"

  // Prefix the message with what we were doing: err.context("mount /proc").
  Error context(std::string_view what) && {
    message = std::string(what) + ": " + message;
    return std::move(*this);
  }
  std::string what() const { return message; }
};

template <typename T = void>
using Result = std::expected<T, Error>;

// A failure of a system call: message carries strerror(errno).
Error sys_error(std::string_view what, int err = errno);
// A failure that is the user's input, not a system call.
Error user_error(std::string message);

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }
inline std::unexpected<Error> fail_sys(std::string_view what, int err = errno) {
  return std::unexpected<Error>(sys_error(what, err));
}
inline std::unexpected<Error> fail_user(std::string message) {
  return std::unexpected<Error>(user_error(std::move(message)));
}

// Add context to an error on its way up: return with_context(r, "mount /proc");
template <typename T>
Result<T> with_context(Result<T>&& r, std::string_view what) {
  if (r) return std::move(r);
  return std::unexpected<Error>(std::move(r.error()).context(what));
}

}  // namespace runz

// Propagate an error: TRY(auto x, expr) or TRYV(expr) for Result<void>.
#define RUNZ_CONCAT_(a, b) a##b
#define RUNZ_CONCAT(a, b) RUNZ_CONCAT_(a, b)
#define TRYV(expr)                                                            \
  do {                                                                        \
    auto&& runz_try_r_ = (expr);                                              \
    if (!runz_try_r_) return std::unexpected<::runz::Error>(std::move(runz_try_r_.error())); \
  } while (0)
#define TRY_IMPL(tmp, decl, expr)                                             \
  auto&& tmp = (expr);                                                        \
  if (!tmp) return std::unexpected<::runz::Error>(std::move(tmp.error()));    \
  decl = std::move(*tmp)
#define TRY(decl, expr) TRY_IMPL(RUNZ_CONCAT(runz_try_, __LINE__), decl, expr)
