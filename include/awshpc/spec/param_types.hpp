// File: param_types.hpp
// Validation and canonical text of parameter values, per parameter type. Values are data, never
// code: they reach argv elements and environment values verbatim, never a shell.
#pragma once

#include <string>
#include <string_view>

#include "awshpc/core/status.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::spec {

// Longest accepted parameter value, in bytes.
inline constexpr std::size_t kMaxParamValueBytes = 4096;

// Checks `value` against the parameter's type and constraints and returns its canonical text:
// int "42", float "0.5", bool "true"/"false", date "2026-01-31", duration whole seconds "5400";
// other types unchanged. Errors say what was expected, e.g. "expected an integer; got \"x\"".
Result<std::string> CanonicalizeValue(const Parameter& parameter, std::string_view value);

// Type-level checks, usable on their own.
bool IsValidS3BucketName(std::string_view bucket);
// "s3://bucket" or "s3://bucket/key..." with a valid bucket and a key without control characters.
Status ValidateS3Uri(std::string_view uri);
// A relative path without "..", NUL or control characters, not starting with '-'; absolute paths
// only when `allow_absolute`.
Status ValidatePath(std::string_view path, bool allow_absolute);

}  // namespace awshpc::spec
