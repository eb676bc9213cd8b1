// File: success_rule.hpp
// GEOS-Chem's success rule (awshpc/backend/verdict.hpp): what a finished run must leave in its
// run directory. `app verify` and the job's verdict (local supervisor, aws-hpc-stage in Batch)
// both judge with it.
#pragma once

#include "awshpc/apps/geoschem/run_config.hpp"
#include "awshpc/backend/verdict.hpp"

namespace awshpc::apps::geoschem {

// GCHP: cap_restart holds the end time and a checkpoint exists (gcchem_internal_checkpoint, or
// the run script's rename Restarts/GEOSChem.Restart.<end>_0000z.c<N>.nc4), because GCHP 14.7 can
// abort at shutdown after a good run. Classic: the end-of-run restart
// Restarts/GEOSChem.Restart.<end>_0000z.nc4 that its HISTORY Restart collection writes.
verdict::SuccessRule SuccessRuleFor(const RunConfig& run);

}  // namespace awshpc::apps::geoschem
