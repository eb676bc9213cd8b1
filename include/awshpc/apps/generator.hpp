// File: generator.hpp
// Run-directory generators: an app that knows how to turn its parameters into a run directory,
// an input-data manifest and a success check registers one under its name, and `aws-hpc app
// config|data|verify` look it up here (docs/adding-applications.md).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/apps/geoschem/data_manifest.hpp"
#include "awshpc/backend/verdict.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/sched/job.hpp"

namespace awshpc::apps {

// The S3 inputs of a run. The manifest, plan and staging types are app-neutral (bucket, key or
// prefix, destination); they were written for GEOS-Chem first and still live beside it.
using DataManifest = geoschem::Manifest;

// One run a generator has checked: what the commands print and do with it.
class PreparedRun {
 public:
  virtual ~PreparedRun() = default;
  // "a GEOS-Chem Classic run directory (fullchem MERRA2 4x5 72 levels, 20190701 to 20190708,
  // 7 days)": the headline of `app config`.
  virtual std::string Description() const = 0;
  // Lines printed after the files (e.g. GCHP's domain decomposition); may be empty.
  virtual std::vector<std::string> Details() const = 0;
  // Writes the run directory; returns the names written. Refuses existing files unless `force`.
  virtual Result<std::vector<std::string>> WriteRunDirectory(const std::string& out_dir,
                                                             bool force) const = 0;
  // The S3 objects and prefixes the run reads, from `bucket`.
  virtual Result<DataManifest> InputData(const std::string& bucket) const = 0;
  // Judges a finished run by its files; FailedPrecondition says what is missing.
  virtual Status Verify(const std::string& run_dir) const = 0;
  // "reached 20190708 and wrote its checkpoint": what Verify proved.
  virtual std::string VerifiedSummary() const = 0;
  // The files a finished run must leave (verdict.hpp), judged by the backend after the job
  // instead of its exit code alone; nullopt when the exit code decides. A run that has one
  // should Verify with it too, so `app verify` and the job's state agree.
  virtual std::optional<verdict::SuccessRule> SuccessCheck() const { return std::nullopt; }
};

struct RunGenerator {
  std::string app;  // the app's name in app.yaml
  // Data buckets the manifest can name, the default first, with their regions.
  std::vector<std::pair<std::string, std::string>> buckets;
  // Checks a run: the variant and the canonical parameters spec::Render returns (defaults
  // included). Errors name the parameters that clash and why.
  std::function<Result<std::unique_ptr<PreparedRun>>(
      const std::string& app_dir, const std::string& variant,
      const std::map<std::string, std::string>& params)>
      prepare;

  // The region of `bucket`; for a bucket not listed (a private mirror), the default bucket's.
  std::string BucketRegion(std::string_view bucket) const;
};

class GeneratorRegistry {
 public:
  // AlreadyExists when the app has a generator; InvalidArgument without a name or prepare.
  Status Register(RunGenerator generator);
  // InvalidArgument naming the apps that have a generator when `app` has none.
  Result<const RunGenerator*> Find(std::string_view app) const;
  std::vector<std::string> Names() const;

  // The generators compiled into aws-hpc (one registration line per app in generator.cpp).
  static const GeneratorRegistry& Builtin();

 private:
  std::map<std::string, RunGenerator, std::less<>> generators_;
};

// When the request's app has a generator in `registry` whose run has a success rule, puts the
// rule into the job's environment ($AWS_HPC_SUCCESS_RULE) so the local supervisor and
// aws-hpc-stage judge the run by it. `app_dir` is the app's directory (the generator reads its
// data there). Errors are the generator's refusals of the parameters, named after the app.
Status AttachSuccessRule(const GeneratorRegistry& registry, const std::string& app_dir,
                         sched::JobRequest& request);

// The same for an array job (`job submit --param-file`): each task is one row's rendered request
// (`rows` names them, "tasks.csv:3"). Every row's parameters are prepared (a refused row is named)
// and `job`, the request that carries the container's environment, gets their rule. The
// container's verdict step reads that one environment (the entrypoint judges after `aws-hpc-stage
// exec` has run the row's command), so rows whose rules differ (another end date, another variant)
// are refused, naming the first two such rows; submit them as separate arrays.
Status AttachArraySuccessRule(const GeneratorRegistry& registry, const std::string& app_dir,
                              const std::vector<sched::JobRequest>& tasks,
                              const std::vector<std::string>& rows, sched::JobRequest& job);

}  // namespace awshpc::apps
