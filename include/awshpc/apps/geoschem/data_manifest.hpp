// File: data_manifest.hpp
// The input data a GEOS-Chem run reads from the public gcgrid bucket (s3://gcgrid, us-east-1;
// the same layout is in s3://geos-chem, us-west-2): met fields for every day and the grid,
// HEMCO and chemistry inputs for the simulation (key prefixes, per year where they are yearly),
// and the restart. Planning lists the bucket to find sizes and anything missing; staging
// downloads into a run directory (the container entrypoint runs it before the model).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "awshpc/apps/geoschem/run_config.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/core/money.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::apps::geoschem {

inline constexpr const char* kDefaultDataBucket = "gcgrid";
inline constexpr const char* kDataBucketRegion = "us-east-1";

enum class DataKind { kMet, kEmissions, kRestart };
// "met", "emissions", "restart".
const char* DataKindName(DataKind kind);

struct ManifestEntry {
  DataKind kind = DataKind::kMet;
  std::string bucket;
  std::string key;          // an object key, or a prefix ending in '/' when is_prefix
  bool is_prefix = false;   // every object under the prefix
  std::string destination;  // relative path in the run directory (objects only)
};

struct Manifest {
  std::vector<ManifestEntry> entries;
};

// Keys for the run: met files for each day in [start, end) plus the next day's instantaneous
// (I3) file and the constants (CN) file; the simulation's data prefixes with $YYYY for each year
// touched and $MET for the met tag; the restart (params `restart` or the version's restart for
// the simulation and grid). Classic met comes from GEOS_<grid>/, GCHP's from the native grid.
Result<Manifest> BuildManifest(const RunConfig& run, const std::string& bucket);

struct PlannedObject {
  DataKind kind = DataKind::kMet;
  std::string bucket;
  std::string key;
  std::uint64_t size = 0;
  std::string destination;  // relative to the run directory
};

struct DataPlan {
  std::vector<PlannedObject> objects;
  std::vector<std::string> missing;  // "s3://bucket/key" of keys or prefixes the bucket lacks
  std::uint64_t bytes = 0;
  int list_calls = 0;
};

// Lists the bucket once per directory of the manifest (ListObjectsV2, every page) to size each
// object and find the missing ones.
Result<DataPlan> PlanData(aws::s3::S3Client& s3, const Manifest& manifest);

// Moving `bytes` out of the bucket's region (us-east-1) to `destination`: an AWS region name
// ($0 in us-east-1, $0.02/GiB to another region) or "internet" ($0.09/GiB).
Result<Money> TransferCost(std::uint64_t bytes, const std::string& destination);

struct StageResult {
  int downloaded = 0;
  int skipped = 0;  // already present with the same size
  std::uint64_t bytes = 0;
};

// Downloads every planned object into `run_dir`/destination (through a .part file renamed on
// success); objects already there with the same size are skipped. FailedPrecondition when the
// plan has missing keys.
Result<StageResult> StageData(aws::s3::S3Client& s3, const DataPlan& plan,
                              const std::string& run_dir);

}  // namespace awshpc::apps::geoschem
