// File: status.hpp
// The one error vocabulary of aws-hpc: Status (a code and a message) and Result<T> (a value or a
// Status). Library code returns these; only main() and servers translate them to exit codes.
#pragma once

#include <cassert>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace awshpc {

// Few codes on purpose (after absl::StatusCode): callers branch on the kind, people read the
// message.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kFailedPrecondition,
  kUnavailable,
  kDeadlineExceeded,
  kResourceExhausted,
  kCancelled,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message starts with `context: `, e.g. "loading apps/wrf/app.yaml: ...".
  Status WithContext(std::string_view context) const;

  // "NOT_FOUND: job j-1234 not found"; "OK" for success.
  std::string ToString() const;

  // Marks a Status as deliberately unused.
  void IgnoreError() const {}

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status FailedPreconditionError(std::string message);
Status UnavailableError(std::string message);
Status DeadlineExceededError(std::string message);
Status ResourceExhaustedError(std::string message);
Status CancelledError(std::string message);
Status InternalError(std::string message);

// Status from errno after a failed system call: "open /x/y: No such file or directory".
Status ErrnoError(std::string_view what, int errno_value);

// A value of T or an error Status. Reading the value of a failed Result aborts with the error
// message: an accessor never fails silently.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    if (std::get<1>(data_).ok()) Die("Result constructed from an OK Status");
  }

  bool ok() const { return data_.index() == 0; }

  const Status& status() const& {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(data_);
  }
  Status status() && { return ok() ? Status() : std::move(std::get<1>(data_)); }

  T& value() & {
    CheckOk();
    return std::get<0>(data_);
  }
  const T& value() const& {
    CheckOk();
    return std::get<0>(data_);
  }
  T&& value() && {
    CheckOk();
    return std::get<0>(std::move(data_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(data_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  [[noreturn]] static void Die(const char* what);
  void CheckOk() const {
    if (!ok()) DieWith(std::get<1>(data_));
  }
  [[noreturn]] static void DieWith(const Status& status);

  std::variant<T, Status> data_;
};

namespace internal {
[[noreturn]] void DieOnBadResultAccess(const char* what);
}  // namespace internal

template <typename T>
void Result<T>::Die(const char* what) {
  internal::DieOnBadResultAccess(what);
}

template <typename T>
void Result<T>::DieWith(const Status& status) {
  internal::DieOnBadResultAccess(status.ToString().c_str());
}

}  // namespace awshpc

#define AWSHPC_CONCAT_INNER(a, b) a##b
#define AWSHPC_CONCAT(a, b) AWSHPC_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function if it is an error.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::awshpc::Status _awshpc_status = (expr);        \
    if (!_awshpc_status.ok()) return _awshpc_status; \
  } while (false)

// Like RETURN_IF_ERROR, prefixing the message with `context` (any string expression).
#define RETURN_IF_ERROR_CTX(expr, context)                                \
  do {                                                                    \
    ::awshpc::Status _awshpc_status = (expr);                             \
    if (!_awshpc_status.ok()) return _awshpc_status.WithContext(context); \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  AWSHPC_ASSIGN_OR_RETURN_IMPL(AWSHPC_CONCAT(_awshpc_result_, __LINE__), lhs, expr, "")
#define ASSIGN_OR_RETURN_CTX(lhs, expr, context) \
  AWSHPC_ASSIGN_OR_RETURN_IMPL(AWSHPC_CONCAT(_awshpc_result_, __LINE__), lhs, expr, context)
#define AWSHPC_ASSIGN_OR_RETURN_IMPL(result, lhs, expr, context)                \
  auto result = (expr);                                                         \
  if (!result.ok()) {                                                           \
    return ::awshpc::internal::AddContext(std::move(result).status(), context); \
  }                                                                             \
  lhs = std::move(result).value()

namespace awshpc::internal {
inline Status AddContext(Status status, std::string_view context) {
  return context.empty() ? status : status.WithContext(context);
}
}  // namespace awshpc::internal
