// File: stage_complete.cpp
#include "awshpc/batch/stage_complete.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "awshpc/apps/geoschem/rundir_completion.hpp"

namespace awshpc::batch {

int CompleteRunDirectoryStep(const std::string& work_dir, bool required) {
  namespace geoschem = apps::geoschem;
  const std::string plan = work_dir + "/" + geoschem::kCompletionPlanFile;
  std::error_code ec;
  if (!std::filesystem::exists(plan, ec)) {
    if (!required) return 0;
    std::fprintf(stderr,
                 "aws-hpc-stage: complete: %s: no completion plan (written by aws-hpc app "
                 "config)\n",
                 plan.c_str());
    return 71;
  }
  const char* root = std::getenv("AWS_HPC_RUNDIR_TEMPLATES");
  auto report = geoschem::CompleteRunDirectory(work_dir, root == nullptr ? "" : root);
  if (!report.ok()) {
    std::fprintf(stderr, "aws-hpc-stage: complete: %s\n", report.status().ToString().c_str());
    return 71;
  }
  // Upstream's script lists what it updated (GCHP.rc, CAP.rc, ...): the job log keeps it.
  if (!report->run_settings_log.empty()) {
    std::fprintf(stderr, "aws-hpc-stage: complete: setCommonRunSettings.sh --verbose:\n%s",
                 report->run_settings_log.c_str());
  }
  std::fprintf(stderr, "aws-hpc-stage: complete: %zu files written, %zu kept\n",
               report->written.size(), report->kept.size());
  return 0;
}

}  // namespace awshpc::batch
