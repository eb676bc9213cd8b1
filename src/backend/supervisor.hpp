// File: supervisor.hpp
// The supervisor: the detached process that runs local jobs one after another (see
// local_backend.hpp for the design). It is the program `aws-hpc-supervisor`.
#pragma once

#include <string>
#include <vector>

#include "awshpc/backend/local_backend.hpp"

namespace awshpc::backend::internal {

// The argv that starts a supervisor for `job_id` (already claimed, in STARTING).
std::vector<std::string> SupervisorArgv(const std::string& program,
                                        const LocalBackendOptions& options,
                                        const std::string& job_id);

// Parses SupervisorArgv's output back (argv without the program name).
Result<std::pair<LocalBackendOptions, std::string>> ParseSupervisorArgs(
    const std::vector<std::string>& args);

// Runs the claimed job, then keeps claiming and running queued jobs until none fits. Returns the
// process exit code.
int RunSupervisor(const LocalBackendOptions& options, const std::string& job_id);

}  // namespace awshpc::backend::internal
