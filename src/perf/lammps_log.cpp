// File: lammps_log.cpp
// LAMMPS prints, at the end of every `run`:
//   Loop time of 0.774548 on 2 procs for 100 steps with 32000 atoms
//   Performance: 55774.436 tau/day, 129.107 timesteps/s[, 4.131 Matom-step/s]
#include <cstdio>
#include <string>

#include "awshpc/perf/performance_parser.hpp"

namespace awshpc::perf {
namespace {

// Parses "<number> <unit>" pairs from the Performance line.
void ParsePerformanceLine(const std::string& line, Metrics& metrics) {
  std::size_t pos = line.find(':');
  while (pos != std::string::npos && pos < line.size()) {
    ++pos;
    const std::size_t end = line.find(',', pos);
    const std::string item = line.substr(pos, end == std::string::npos ? end : end - pos);
    double value = 0;
    char unit[64] = {0};
    if (std::sscanf(item.c_str(), " %lf %63s", &value, unit) == 2) {
      const std::string u(unit);
      if (u == "tau/day") metrics["tau_per_day"] = value;
      if (u == "ns/day") metrics["ns_per_day"] = value;
      if (u == "timesteps/s") metrics["timesteps_per_second"] = value;
      if (u == "katom-step/s") metrics["atom_steps_per_second"] = value * 1e3;
      if (u == "Matom-step/s") metrics["atom_steps_per_second"] = value * 1e6;
    }
    pos = end;
  }
}

}  // namespace

Result<Metrics> ParseLammpsLog(std::string_view log_text) {
  Metrics metrics;
  bool found = false;
  std::size_t start = 0;
  while (start < log_text.size()) {
    std::size_t end = log_text.find('\n', start);
    if (end == std::string_view::npos) end = log_text.size();
    const std::string line(log_text.substr(start, end - start));
    start = end + 1;
    double loop_time = 0;
    long procs = 0, steps = 0, atoms = 0;
    if (std::sscanf(line.c_str(), "Loop time of %lf on %ld procs for %ld steps with %ld atoms",
                    &loop_time, &procs, &steps, &atoms) == 4) {
      metrics.clear();  // keep the last run only
      found = true;
      metrics["loop_time_seconds"] = loop_time;
      metrics["mpi_ranks"] = static_cast<double>(procs);
      metrics["steps"] = static_cast<double>(steps);
      metrics["atoms"] = static_cast<double>(atoms);
      if (loop_time > 0) {
        metrics["atom_steps_per_second"] =
            static_cast<double>(atoms) * static_cast<double>(steps) / loop_time;
      }
    } else if (found && line.rfind("Performance:", 0) == 0) {
      ParsePerformanceLine(line, metrics);
    }
  }
  if (!found) return NotFoundError("no 'Loop time of' line: the LAMMPS run did not finish");
  return metrics;
}

}  // namespace awshpc::perf
