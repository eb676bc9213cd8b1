// File: performance_parser.cpp
#include "awshpc/perf/performance_parser.hpp"

#include <unistd.h>

#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"

namespace awshpc::perf {

const std::vector<std::string>& KnownPerformanceParsers() {
  static const std::vector<std::string> kParsers = {"lammps"};
  return kParsers;
}

Result<Metrics> ParsePerformance(std::string_view parser, const std::string& work_dir) {
  constexpr std::size_t kMaxLogBytes = 256u << 20;
  if (parser == "lammps") {
    std::string log = work_dir + "/log.lammps";
    if (::access(log.c_str(), R_OK) != 0) log = work_dir + "/stdout.log";
    ASSIGN_OR_RETURN(std::string text, ReadFileToString(log, kMaxLogBytes));
    ASSIGN_OR_RETURN_CTX(Metrics metrics, ParseLammpsLog(text), log);
    return metrics;
  }
  return InvalidArgumentError("unknown performance parser " + QuoteForMessage(parser) +
                              "; known: " + JoinOr(KnownPerformanceParsers()));
}

}  // namespace awshpc::perf
