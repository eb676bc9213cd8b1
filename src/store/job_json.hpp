// File: job_json.hpp
// JSON form of a JobRequest and of performance metrics as the store keeps them (private to the
// store). Readers accept documents with fields missing (defaults) or unknown (ignored), so the
// request can grow without a schema migration.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "awshpc/core/status.hpp"
#include "awshpc/sched/job.hpp"

namespace awshpc::store {

// InvalidArgument naming the field (e.g. "argv[2]") if a string is not valid UTF-8: JSON cannot
// carry it, and the store refuses rather than silently altering the command.
Result<std::string> RequestToJson(const sched::JobRequest& request);
Result<sched::JobRequest> RequestFromJson(std::string_view json);

// Non-finite values are stored as null and read back as NaN.
std::string MetricsToJson(const std::map<std::string, double>& metrics);
Result<std::map<std::string, double>> MetricsFromJson(std::string_view json);

// True if `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace awshpc::store
