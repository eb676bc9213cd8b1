// File: perf_records.cpp
#include "awshpc/apps/perf_records.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "awshpc/apps/geoschem/run_config.hpp"
#include "yaml_util.hpp"

namespace awshpc::apps {
namespace {

Result<double> Number(const std::string& file, const YAML::Node& node, const std::string& field) {
  ASSIGN_OR_RETURN(std::string text, ScalarAt(file, node, field));
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value > 0)) {
    return YamlError(file, node, field, "expected a positive number; got \"" + text + "\"");
  }
  return value;
}

// Simulated days between the `start` and `end` date parameters; 0 when the app has none.
double RequestDays(const std::map<std::string, std::string>& params) {
  auto start = params.find("start");
  auto end = params.find("end");
  if (start == params.end() || end == params.end()) return 0;
  const auto parse = [](const std::string& text, geoschem::Date& out) {
    if (text.size() != 10) return false;
    out.year = std::atoi(text.substr(0, 4).c_str());
    out.month = std::atoi(text.substr(5, 2).c_str());
    out.day = std::atoi(text.substr(8, 2).c_str());
    return true;
  };
  geoschem::Date a;
  geoschem::Date b;
  if (!parse(start->second, a) || !parse(end->second, b)) return 0;
  return static_cast<double>(geoschem::DaysFromCivil(b) - geoschem::DaysFromCivil(a));
}

}  // namespace

Result<std::vector<PublishedRecord>> LoadPublishedRecords(const std::string& app_dir) {
  const std::string file = app_dir + "/perf/records.yaml";
  auto loaded = LoadYamlFile(file);
  if (!loaded.ok() && loaded.status().code() == StatusCode::kNotFound) {
    return std::vector<PublishedRecord>{};
  }
  ASSIGN_OR_RETURN(YAML::Node root, std::move(loaded));
  const YAML::Node list = root["records"];
  if (!list.IsSequence()) return YamlError(file, root, "records", "expected a list");
  std::vector<PublishedRecord> records;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string at = fmt::format("records[{}]", i);
    if (!item.IsMap()) return YamlError(file, item, at, "expected a mapping");
    PublishedRecord record;
    for (const auto& entry : item) {
      const std::string key = entry.first.as<std::string>("");
      const std::string field = at + "." + key;
      if (key == "variant") {
        ASSIGN_OR_RETURN(record.variant, ScalarAt(file, entry.second, field));
      } else if (key == "match") {
        if (!entry.second.IsMap())
          return YamlError(file, entry.second, field, "expected a mapping");
        for (const auto& m : entry.second) {
          const std::string name = m.first.as<std::string>("");
          ASSIGN_OR_RETURN(record.match[name], ScalarAt(file, m.second, field + "." + name));
        }
      } else if (key == "days") {
        ASSIGN_OR_RETURN(record.days, Number(file, entry.second, field));
      } else if (key == "instance") {
        ASSIGN_OR_RETURN(record.instance, ScalarAt(file, entry.second, field));
      } else if (key == "vcpus" || key == "nodes") {
        ASSIGN_OR_RETURN(double n, Number(file, entry.second, field));
        if (n != static_cast<double>(static_cast<int>(n))) {
          return YamlError(file, entry.second, field, "expected a whole number");
        }
        (key == "vcpus" ? record.vcpus : record.nodes) = static_cast<int>(n);
      } else if (key == "seconds") {
        ASSIGN_OR_RETURN(record.seconds, Number(file, entry.second, field));
      } else if (key == "source") {
        ASSIGN_OR_RETURN(record.source, ScalarAt(file, entry.second, field));
      } else {
        return YamlError(file, entry.first, field, "unknown key");
      }
    }
    if (record.seconds <= 0 || record.source.empty()) {
      return YamlError(file, item, at, "needs seconds and source");
    }
    records.push_back(std::move(record));
  }
  return records;
}

Result<std::vector<cost::PerfRecord>> PublishedRecordsFor(
    const std::string& app_dir, const std::string& variant,
    const std::map<std::string, std::string>& params) {
  ASSIGN_OR_RETURN(std::vector<PublishedRecord> records, LoadPublishedRecords(app_dir));
  const double days = RequestDays(params);
  std::vector<cost::PerfRecord> out;
  for (const PublishedRecord& record : records) {
    if (!record.variant.empty() && record.variant != variant) continue;
    bool matches = true;
    for (const auto& [name, value] : record.match) {
      auto it = params.find(name);
      matches = matches && it != params.end() && it->second == value;
    }
    if (!matches) continue;
    // Run time grows with simulated time; a record without days is used as measured.
    const double scale = record.days > 0 && days > 0 ? days / record.days : 1.0;
    cost::PerfRecord perf;
    perf.vcpus = record.vcpus;
    perf.nodes = record.nodes;
    perf.wall_seconds = record.seconds * scale;
    perf.source = record.source;
    perf.instance_type = record.instance;
    out.push_back(std::move(perf));
  }
  return out;
}

}  // namespace awshpc::apps
