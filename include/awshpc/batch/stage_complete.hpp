// File: stage_complete.hpp
// aws-hpc-stage's run-directory completion: when `app config` left a completion plan in the work
// directory (.aws-hpc/rundir-vars.json, GEOS-Chem today), the rest of the run directory is rendered
// from the upstream templates the image carries (docs/geos-chem.md, "Completing the run
// directory"). Only aws-hpc-stage links it (it needs the apps module).
#pragma once

#include <string>

namespace awshpc::batch {

// Completes `work_dir` from its plan; the templates come from $AWS_HPC_RUNDIR_TEMPLATES when set,
// else from the plan (the image's /opt/aws-hpc/app/share/geos-chem/run). Without a plan: nothing
// to do (0), or, when `required`, an error. Prints what it did to stderr; returns the exit code
// (0, or 71 with the reason, e.g. the missing template).
int CompleteRunDirectoryStep(const std::string& work_dir, bool required);

}  // namespace awshpc::batch
