// File: performance_parser.hpp
// Turns an application's own log into performance metrics stored with the job, so that runs can
// be compared across machines and the recommender can learn runtimes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::perf {

using Metrics = std::map<std::string, double>;

// Metrics from a LAMMPS log (log.lammps or its screen output). Uses the last run in the log:
//   loop_time_seconds, mpi_ranks, steps, atoms, timesteps_per_second, atom_steps_per_second,
//   and tau_per_day (LJ units) or ns_per_day (real/metal units) when LAMMPS prints them.
// NotFound if the log has no "Loop time of" line (the run did not finish).
Result<Metrics> ParseLammpsLog(std::string_view log_text);

// Names accepted in app.yaml `performance.parser`.
const std::vector<std::string>& KnownPerformanceParsers();

// Runs the named parser on the job's working directory (which files it reads is the parser's
// business: LAMMPS reads log.lammps, else stdout.log).
Result<Metrics> ParsePerformance(std::string_view parser, const std::string& work_dir);

}  // namespace awshpc::perf
