// File: run_directory.hpp
// Writing a GEOS-Chem run directory from a RunConfig: the files createRunDir.sh would write for
// the same answers, filled from the templates in <app dir>/templates (`${RUNDIR_*}` variables,
// as createRunDir.sh names them).
#pragma once

#include <map>
#include <string>

#include "awshpc/apps/geoschem/run_config.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::apps::geoschem {

// The variables createRunDir.sh would define for this run (RUNDIR_SIM_NAME, RUNDIR_GRID_*, ...).
std::map<std::string, std::string, std::less<>> RunDirVariables(const RunConfig& run,
                                                                const SimCatalog& catalog);

// File name -> contents. Classic: geoschem_config.yml, HISTORY.rc, HEMCO_Config.rc. GCHP adds
// setCommonRunSettings.sh and cap_restart (the start time).
Result<std::map<std::string, std::string>> RenderRunDirectory(const RunConfig& run,
                                                              const SimCatalog& catalog,
                                                              const std::string& app_dir);

// Renders and writes the files into `out_dir` (created, with OutputDir/ and Restarts/). Refuses
// to overwrite existing files unless `force`. Returns the names written.
Result<std::vector<std::string>> WriteRunDirectory(const RunConfig& run, const SimCatalog& catalog,
                                                   const std::string& app_dir,
                                                   const std::string& out_dir, bool force);

}  // namespace awshpc::apps::geoschem
