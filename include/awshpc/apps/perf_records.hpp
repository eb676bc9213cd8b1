// File: perf_records.hpp
// Published performance records shipped with an app (<app dir>/perf/records.yaml), turned into
// the cost estimator's PerfRecord for one request: same variant, same `match` parameters, time
// scaled by simulated days when the app has `start` and `end` date parameters.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "awshpc/core/status.hpp"
#include "awshpc/cost/estimator.hpp"

namespace awshpc::apps {

struct PublishedRecord {
  std::string variant;
  std::map<std::string, std::string> match;
  double days = 0;  // simulated days of the measured run; 0: do not scale
  std::string instance;
  int vcpus = 1;
  int nodes = 1;
  double seconds = 0;
  std::string source;
};

// All records of <app_dir>/perf/records.yaml; an empty list when the file does not exist.
Result<std::vector<PublishedRecord>> LoadPublishedRecords(const std::string& app_dir);

// The records that apply to `variant` and `params` (canonical values, defaults included),
// scaled to the request's simulated days, as PerfRecords with their instance type.
Result<std::vector<cost::PerfRecord>> PublishedRecordsFor(
    const std::string& app_dir, const std::string& variant,
    const std::map<std::string, std::string>& params);

}  // namespace awshpc::apps
