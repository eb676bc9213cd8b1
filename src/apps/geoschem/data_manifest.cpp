// File: data_manifest.cpp
#include "awshpc/apps/geoschem/data_manifest.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/cost/estimator.hpp"

namespace awshpc::apps::geoschem {
namespace {

// GEOS-Chem's met collections: 1-hour averages, 3-hour averages, 3-hour instantaneous.
constexpr const char* kDailyCollections[] = {"A1", "A3cld", "A3dyn", "A3mstC", "A3mstE", "I3"};
// GCAP 2.0's daily files (GISS ModelE2.1 output names).
constexpr const char* kGcap2DailyCollections[] = {"aijh2", "aijleh6", "aijlh6", "aijh6i",
                                                  "aijlh6i"};

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = 0;
  while ((at = text.find(from, at)) != std::string::npos) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

std::string Parent(const std::string& key) {
  const std::size_t slash = key.rfind('/');
  return slash == std::string::npos ? std::string() : key.substr(0, slash + 1);
}

std::string NativeFileRes(const RunConfig& run) {
  return run.met.name == "geosfp" ? "025x03125" : "05x0625";
}

using AddKey = std::function<void(DataKind, const std::string&, std::string)>;

// GMAO met (MERRA-2, GEOS-FP, GEOS-IT): the constants file, every day's collections and the
// next day's I3. Classic reads the run's grid; GCHP the native lat-lon files.
void AddGmaoMet(const RunConfig& run, const AddKey& add) {
  const std::string grid_dir =
      run.gchp ? (run.met.name == "geosfp" ? "0.25x0.3125" : "0.5x0.625") : run.grid_dir;
  const std::string file_res = run.gchp ? NativeFileRes(run) : run.grid_file_res;
  const std::string met_dir = "GEOS_" + grid_dir + "/" + run.met.directory + "/";
  const auto met_key = [&](const Date& day, const std::string& collection) {
    return fmt::format("{}{:04d}/{:02d}/{}.{}.{}.{}.{}", met_dir, day.year, day.month,
                       run.met.file_tag, day.Compact(), collection, file_res, run.met.extension);
  };
  const Date cn{run.met.constants_year, 1, 1};
  const std::string cn_key =
      fmt::format("{}{:04d}/01/{}.{}.CN.{}.{}", met_dir, cn.year, run.met.file_tag, cn.Compact(),
                  file_res, run.met.extension);
  add(DataKind::kMet, cn_key, "ExtData/" + cn_key);
  for (long d = DaysFromCivil(run.start); d < DaysFromCivil(run.end); ++d) {
    const Date day = CivilFromDays(d);
    for (const char* collection : kDailyCollections) {
      const std::string key = met_key(day, collection);
      add(DataKind::kMet, key, "ExtData/" + key);
    }
  }
  // The end of the last day interpolates towards the next day's first instantaneous fields.
  const std::string next_i3 = met_key(run.end, "I3");
  add(DataKind::kMet, next_i3, "ExtData/" + next_i3);
}

// GCAP 2.0 (HEMCO_Config.rc.gcap2_metfields): $METDIR/TOPO for the constants, and per day
// $METDIR/$YYYY/$MM/$YYYY$MM$DD.<collection>$RUNID.nc4 for the 2-hourly averages (aijh2), the
// 6-hourly averages (aijleh6 at level edges, aijlh6) and the 6-hourly instantaneous fields (aijh6i,
// aijlh6i), whose next-day files PS/SPHU/TMPU_NEXTDAY read. Native 2x2.5; other grids regrid it.
void AddGcap2Met(const RunConfig& run, const AddKey& add) {
  const std::string met_dir = Gcap2MetDir(run) + "/";
  add(DataKind::kMet, met_dir + "TOPO", "ExtData/" + met_dir + "TOPO");
  const auto met_key = [&](const Date& day, const char* collection) {
    return fmt::format("{}{:04d}/{:02d}/{}.{}{}.nc4", met_dir, day.year, day.month, day.Compact(),
                       collection, run.gcap2.run_id);
  };
  for (long d = DaysFromCivil(run.start); d < DaysFromCivil(run.end); ++d) {
    const Date day = CivilFromDays(d);
    for (const char* collection : kGcap2DailyCollections) {
      const std::string key = met_key(day, collection);
      add(DataKind::kMet, key, "ExtData/" + key);
    }
  }
  for (const char* collection : {"aijh6i", "aijlh6i"}) {
    const std::string key = met_key(run.end, collection);
    add(DataKind::kMet, key, "ExtData/" + key);
  }
}

}  // namespace

const char* DataKindName(DataKind kind) {
  switch (kind) {
    case DataKind::kMet:
      return "met";
    case DataKind::kEmissions:
      return "emissions";
    case DataKind::kRestart:
      return "restart";
  }
  return "?";
}

Result<Manifest> BuildManifest(const RunConfig& run, const std::string& bucket) {
  Manifest manifest;
  const auto add = [&](DataKind kind, const std::string& key, std::string destination) {
    manifest.entries.push_back({kind, bucket, key, false, std::move(destination)});
  };
  const long last = DaysFromCivil(run.end);  // exclusive
  if (run.met.name == "gcap2") {
    AddGcap2Met(run, add);
  } else {
    AddGmaoMet(run, add);
  }
  const int last_year = CivilFromDays(last - 1).year;
  for (const std::string& pattern : run.simulation->data) {
    // GCAP 2.0 runs compute lightning online from the GISS flash density; the GMAO-named offline
    // inputs ($MET) do not exist for it.
    if (run.met.name == "gcap2" && pattern.find("$MET") != std::string::npos) continue;
    const std::string with_met = ReplaceAll(pattern, "$MET", run.met.file_tag);
    std::set<std::string> prefixes;
    if (with_met.find("$YYYY") == std::string::npos) {
      prefixes.insert(with_met);
    } else {
      for (int year = run.start.year; year <= last_year; ++year) {
        prefixes.insert(ReplaceAll(with_met, "$YYYY", std::to_string(year)));
      }
    }
    for (const std::string& prefix : prefixes) {
      manifest.entries.push_back({DataKind::kEmissions, bucket, prefix, true, ""});
    }
  }

  const std::string restart_name =
      run.gchp ? fmt::format("GEOSChem.Restart.{}_0000z.c{}.nc4", run.start.Compact(), run.cs_res)
               : fmt::format("GEOSChem.Restart.{}_0000z.nc4", run.start.Compact());
  if (!run.restart_uri.empty()) {
    const std::string rest = run.restart_uri.substr(5);  // after "s3://"
    const std::size_t slash = rest.find('/');
    if (slash == std::string::npos || slash + 1 == rest.size() || rest.back() == '/') {
      return InvalidArgumentError("restart=" + run.restart_uri +
                                  ": expected s3://bucket/key of one restart file");
    }
    manifest.entries.push_back({DataKind::kRestart, rest.substr(0, slash), rest.substr(slash + 1),
                                false, "Restarts/" + restart_name});
  } else if (run.met.name == "gcap2") {
    return InvalidArgumentError(
        "met=gcap2 needs restart=s3://bucket/key of a 40-level restart file: the version's "
        "default restarts in s3://gcgrid are on 72 levels");
  } else {
    // The version's restart files (as createRunDir.sh links them) are for 2019-07-01; the run
    // directory names the copy after the start date, which HEMCO reads as the initial state.
    const std::string key =
        run.gchp
            ? fmt::format("GEOSCHEM_RESTARTS/GC_14.4.0/GEOSChem.Restart.{}.20190701_0000z.c{}.nc4",
                          run.simulation->name, run.cs_res)
            : fmt::format("GEOSCHEM_RESTARTS/GC_14.4.0/GEOSChem.Restart.{}.20190701_0000z.nc4",
                          run.simulation->name);
    add(DataKind::kRestart, key, "Restarts/" + restart_name);
  }
  return manifest;
}

Result<DataPlan> PlanData(aws::s3::S3Client& s3, const Manifest& manifest) {
  DataPlan plan;
  // One listing per (bucket, directory) serves every exact key in it.
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::uint64_t>> listed;
  const auto list =
      [&](const std::string& bucket,
          const std::string& prefix) -> Result<const std::map<std::string, std::uint64_t>*> {
    auto it = listed.find({bucket, prefix});
    if (it != listed.end()) return &it->second;
    aws::s3::ListObjectsV2Request request;
    request.bucket = bucket;
    request.prefix = prefix;
    ASSIGN_OR_RETURN_CTX(std::vector<aws::s3::S3Object> objects, s3.ListAllObjectsV2(request),
                         "listing s3://" + bucket + "/" + prefix);
    ++plan.list_calls;
    auto& sizes = listed[{bucket, prefix}];
    for (const aws::s3::S3Object& object : objects) sizes[object.key] = object.size;
    return &sizes;
  };
  for (const ManifestEntry& entry : manifest.entries) {
    if (entry.is_prefix) {
      ASSIGN_OR_RETURN(auto sizes, list(entry.bucket, entry.key));
      if (sizes->empty()) plan.missing.push_back("s3://" + entry.bucket + "/" + entry.key);
      for (const auto& [key, size] : *sizes) {
        if (key.ends_with("/")) continue;  // folder placeholder objects
        plan.objects.push_back({entry.kind, entry.bucket, key, size, "ExtData/" + key});
        plan.bytes += size;
      }
      continue;
    }
    ASSIGN_OR_RETURN(auto sizes, list(entry.bucket, Parent(entry.key)));
    auto it = sizes->find(entry.key);
    if (it == sizes->end()) {
      plan.missing.push_back("s3://" + entry.bucket + "/" + entry.key);
      continue;
    }
    plan.objects.push_back({entry.kind, entry.bucket, entry.key, it->second, entry.destination});
    plan.bytes += it->second;
  }
  return plan;
}

Result<Money> TransferCost(std::uint64_t bytes, const std::string& destination) {
  const double gib = static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
  Money per_gib;
  if (destination == kDataBucketRegion) {
    per_gib = Money();  // S3 to EC2 in the same region is free
  } else if (destination == "internet") {
    per_gib = cost::TransferOutPricePerGib();
  } else if (std::regex_match(destination, std::regex("[a-z]{2}(-gov)?-[a-z]+-[0-9]"))) {
    per_gib = Money::FromMicros(20'000);  // inter-region data transfer out of us-east-1
  } else {
    return InvalidArgumentError("transfer destination " + destination +
                                ": expected an AWS region (us-east-1, eu-west-1, ...) or internet");
  }
  return Money::FromMicros(
      static_cast<std::int64_t>(std::llround(static_cast<double>(per_gib.micros()) * gib)));
}

Result<StageResult> StageData(aws::s3::S3Client& s3, const DataPlan& plan,
                              const std::string& run_dir) {
  if (!plan.missing.empty()) {
    return FailedPreconditionError(fmt::format("{} inputs are missing from the bucket, first {}",
                                               plan.missing.size(), plan.missing.front()));
  }
  StageResult result;
  for (const PlannedObject& object : plan.objects) {
    if (object.destination.empty() || object.destination.find("..") != std::string::npos ||
        object.destination.front() == '/') {
      return InvalidArgumentError("refusing to stage " + object.key + " to " +
                                  QuoteForMessage(object.destination));
    }
    const std::filesystem::path target = std::filesystem::path(run_dir) / object.destination;
    std::error_code ec;
    if (std::filesystem::is_regular_file(target, ec) &&
        std::filesystem::file_size(target, ec) == object.size) {
      ++result.skipped;
      continue;
    }
    RETURN_IF_ERROR(MakeDirs(target.parent_path().string()));
    const std::string part = target.string() + ".part";
    aws::s3::GetObjectRequest request;
    request.bucket = object.bucket;
    request.key = object.key;
    request.file_path = part;
    ASSIGN_OR_RETURN_CTX(auto got, s3.GetObject(request),
                         "downloading s3://" + object.bucket + "/" + object.key);
    (void)got;
    std::filesystem::rename(part, target, ec);
    if (ec) return InternalError("renaming " + part + ": " + ec.message());
    ++result.downloaded;
    result.bytes += object.size;
  }
  return result;
}

}  // namespace awshpc::apps::geoschem
