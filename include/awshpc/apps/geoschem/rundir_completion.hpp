// File: rundir_completion.hpp
// The rest of a GEOS-Chem run directory, from GEOS-Chem's own run/ template tree: HEMCO_Config.rc's
// inventory sections (BASE EMISSIONS, SCALE FACTORS, MASKS), the met-field include, HEMCO_Diagn.rc,
// the species database and, for GCHP, ExtData.rc, GCHP.rc, CAP.rc, logging.yml and input.nml.
//
// `app config` records what createRunDir.sh would have fed its init_rd.sh: the RUNDIR_ variables
// it computed, the upstream settings files createRunDir.sh reads for the answers, and which
// templates the simulation needs (`.aws-hpc/rundir-vars.json`). At job start the images' stager
// (`aws-hpc-stage in|complete`), where the template tree is (/opt/aws-hpc/app/share/geos-chem/run),
// renders them into the run directory the way init_rd.sh does (envsubst of the listed variables),
// never replacing what aws-hpc generated. See docs/geos-chem.md, "Completing the run directory".
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/apps/geoschem/run_config.hpp"
#include "awshpc/apps/geoschem/sim_catalog.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::apps::geoschem {

using RunDirVars = std::map<std::string, std::string, std::less<>>;

// GEOS-Chem's run/ tree (GCClassic/, GCHP/, shared/) in the images
// (data/containers/apps/geos-chem.yaml).
inline constexpr const char* kUpstreamRunDir = "/opt/aws-hpc/app/share/geos-chem/run";
// Where `app config` records the completion plan, relative to the run directory.
inline constexpr const char* kCompletionPlanFile = ".aws-hpc/rundir-vars.json";

enum class CompletionMode {
  kSubstitute,        // envsubst of the variables (init_rd.sh's SUBST_LIST)
  kCopy,              // copied as is (init_rd.sh's COPY_LIST, createRunDir.sh's cp)
  kHemcoInventories,  // the sections after EXTENSION SWITCHES, appended to aws-hpc's file
  kRunSettings,       // GCHP's setCommonRunSettings.sh: upstream's settings, aws-hpc's settings,
                      // upstream's update code; run once (last) in the run directory
};

// Where aws-hpc's settings go in upstream's setCommonRunSettings.sh.template: before the banner
// of this section, after every setting upstream's code reads, so bash uses aws-hpc's values.
inline constexpr const char* kRunSettingsCodeMarker = "####   ERROR CHECKS";

struct UpstreamFile {
  std::string source;       // relative to the template tree: "GCHP/GCHP.rc.template"
  std::string destination;  // relative to the run directory: "GCHP.rc"
  CompletionMode mode = CompletionMode::kSubstitute;
};

struct CompletionPlan {
  std::string template_root = kUpstreamRunDir;
  // Upstream settings files (relative to the tree) createRunDir.sh appends to RUNDIR_VARS for
  // these answers, in its order; their assignments fill the variables aws-hpc did not compute.
  std::vector<std::string> settings;
  RunDirVars variables;  // computed by aws-hpc; they win over the settings files
  std::vector<UpstreamFile> files;
  std::vector<std::string> generated;  // files aws-hpc wrote, never replaced
};

// The variables createRunDir.sh sets inline (not from a settings file) for the standard
// simulation option: extension switches, GCAP 2.0 run, volcano tables, dust factor, ...
void AddCreateRunDirVariables(const RunConfig& run, RunDirVars& vars);

// The plan for `run`: the settings files createRunDir.sh reads for its met and grid, and the
// templates listed in <app_dir>/upstream-files.yaml for the variant and simulation.
Result<CompletionPlan> PlanCompletion(const RunConfig& run, const RunDirVars& variables,
                                      const std::string& app_dir,
                                      std::vector<std::string> generated);

std::string CompletionPlanToJson(const CompletionPlan& plan);
// Errors name the file and the field.
Result<CompletionPlan> CompletionPlanFromJson(std::string_view text, std::string_view file);

// Reads one createRunDir.sh settings file: `NAME='literal'`, `NAME="text with ${VAR}"` (also
// multi-line, and bash's `"""..."""`), `NAME=word`, comments and blank lines. Double-quoted values
// expand `${VAR}`/`$VAR` from `known` and from earlier lines. Errors name FILE:LINE.
Result<RunDirVars> ParseSettingsFile(std::string_view text, const RunDirVars& known,
                                     std::string_view file);

struct CompletionReport {
  std::vector<std::string> written;  // files created or completed
  std::vector<std::string> kept;     // already there (aws-hpc's, or completed before)
  std::string run_settings_log;      // GCHP: what setCommonRunSettings.sh --verbose printed
};

// upstream's setCommonRunSettings.sh.template (rendered) with aws-hpc's settings file put in
// before its kRunSettingsCodeMarker banner. `template` names the file in errors.
Result<std::string> MergeRunSettings(std::string_view upstream, std::string_view ours,
                                     std::string_view template_path);

// Completes `run_dir` from its plan file, reading the templates under `template_root` (empty: the
// plan's). NotFound names a missing template or settings file; an undefined ${RUNDIR_...} in a
// template names file, line and variable. Files already in the run directory are kept, so running
// it again changes nothing. A run-settings entry is done after every other file: the complete
// script is written and run as `/bin/bash setCommonRunSettings.sh --verbose` in the run
// directory (as upstream's run scripts source it before gchp); if it fails, aws-hpc's settings
// file is put back and the error carries the script's exit code and output.
Result<CompletionReport> CompleteRunDirectory(const std::string& run_dir,
                                              const std::string& template_root);

}  // namespace awshpc::apps::geoschem
