// File: run_directory.cpp
#include "awshpc/apps/geoschem/run_directory.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "awshpc/apps/geoschem/rundir_completion.hpp"
#include "awshpc/apps/text_template.hpp"
#include "awshpc/core/paths.hpp"

namespace awshpc::apps::geoschem {
namespace {

std::string Bool(bool value) { return value ? "true" : "false"; }

// The met directory the run reads: the run's grid for Classic; GCHP regrids the native
// lat-lon files (0.25x0.3125 for GEOS-FP, 0.5x0.625 otherwise) online.
std::string MetGridDir(const RunConfig& run) {
  if (!run.gchp) return run.grid_dir;
  return run.met.name == "geosfp" ? "0.25x0.3125" : "0.5x0.625";
}

// GCHP HISTORY/setCommonRunSettings frequency: HHMMSS with as many hour digits as needed.
Result<std::pair<std::string, bool>> GchpFrequency(const RunConfig& run) {
  const std::string& f = run.frequency;
  if (f == "end") return std::make_pair(fmt::format("{}0000", run.Days() * 24), false);
  const std::size_t unit_at = f.find_first_not_of("0123456789");
  const int n = std::atoi(f.substr(0, unit_at).c_str());
  const std::string unit = f.substr(unit_at);
  if (unit == "h") return std::make_pair(fmt::format("{:02d}0000", n), false);
  if (unit == "d") return std::make_pair(fmt::format("{:02d}0000", n * 24), false);
  if (n != 1) {
    return InvalidArgumentError("frequency=" + f +
                                ": GCHP writes monthly diagnostics for 1mo only (Diag_Monthly)");
  }
  return std::make_pair(std::string("7440000"), true);
}

// Run_Duration "YYYYMMDD HHmmSS" from calendar differences (1 month stays 00000100).
std::string GchpDuration(const RunConfig& run) {
  int years = run.end.year - run.start.year;
  int months = run.end.month - run.start.month;
  int days = run.end.day - run.start.day;
  if (days < 0) {
    // Borrow a month: count days from start + (years, months - 1) to end.
    months -= 1;
    Date anchor = run.start;
    anchor.year += years + (anchor.month + months - 1) / 12;
    anchor.month = (anchor.month + months - 1) % 12 + 1;
    days = static_cast<int>(DaysFromCivil(run.end) - DaysFromCivil(anchor));
  }
  if (months < 0) {
    months += 12;
    years -= 1;
  }
  return fmt::format("{:04d}{:02d}{:02d}", years, months, days);
}

Result<std::string> HistoryBlocks(const RunConfig& run, const SimCatalog& catalog) {
  std::string out;
  std::string frequency;
  if (run.gchp) {
    ASSIGN_OR_RETURN(auto gchp, GchpFrequency(run));
    frequency = gchp.first;
  } else {
    ASSIGN_OR_RETURN(frequency, HistoryFrequency(run.frequency));
  }
  for (const std::string& name : run.collections) {
    const bool restart = name == "Restart";
    const auto label = [&](const std::string& key) {
      return fmt::format("  {:<28}", name + "." + key + ":");
    };
    if (restart) {
      out += label("filename") + "'./Restarts/GEOSChem.Restart.%y4%m2%d2_%h2%n2z.nc4',\n";
      out += label("format") + "'CFIO',\n";
      out += label("frequency") + "'End',\n";
      out += label("duration") + "'End',\n";
      out += label("mode") + "'instantaneous'\n";
    } else {
      out += label("template") + "'%y4%m2%d2_%h2%n2z.nc4',\n";
      out += label("format") + "'CFIO',\n";
      out += label("frequency") + frequency + "\n";
      out += label("duration") + frequency + "\n";
      out += label("mode") + "'" + run.mode + "'\n";
    }
    const std::vector<std::string>& fields = catalog.collection_fields.at(name);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      // Classic names only the field; GCHP also names the gridded component that exports it.
      const std::string field =
          run.gchp ? fmt::format("'{}', 'GCHPchem',", fields[i]) : fmt::format("'{}',", fields[i]);
      out += (i == 0 ? label("fields") : std::string(30, ' ')) + field + "\n";
    }
    out += "::\n";
  }
  return out;
}

std::string HemcoSwitches(const Simulation& sim) {
  std::string out = "# ----- MAIN SWITCHES AND INVENTORIES ----------------------\n";
  for (const auto& [name, on] : sim.switches) {
    out += fmt::format("    --> {:<22} :       {}\n", name, Bool(on));
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::string HemcoExtensions(const Simulation& sim) {
  std::string out =
      "#------------------------------------------------------------------------------";
  for (const HemcoExtension& ext : sim.extensions) {
    out += fmt::format("\n{:<7} {:<22} : {:<5} {}", ext.number, ext.name, ext.on ? "on" : "off",
                       ext.species);
  }
  return out;
}

}  // namespace

std::map<std::string, std::string, std::less<>> RunDirVariables(const RunConfig& run,
                                                                const SimCatalog& catalog) {
  std::map<std::string, std::string, std::less<>> vars;
  const std::string data_root = "./ExtData";
  vars["RUNDIR_GC_VERSION"] = kGeosChemVersion;
  vars["RUNDIR_GC_MODE"] = run.gchp ? "GCHP" : "GCClassic";
  vars["RUNDIR_SIM_NAME"] = run.simulation->name;
  vars["RUNDIR_SIM_START_DATE"] = run.start.Compact();
  vars["RUNDIR_SIM_START_TIME"] = "000000";
  vars["RUNDIR_SIM_END_DATE"] = run.end.Compact();
  vars["RUNDIR_SIM_END_TIME"] = "000000";
  vars["RUNDIR_DATA_ROOT"] = data_root;
  vars["RUNDIR_MET"] = run.met.config;
  vars["RUNDIR_GRID_DIR"] = MetGridDir(run);
  vars["RUNDIR_MET_DIR"] = run.met.name == "gcap2"
                               ? data_root + "/" + Gcap2MetDir(run)
                               : data_root + "/GEOS_" + MetGridDir(run) + "/" + run.met.directory;
  vars["RUNDIR_GRID_RES_LONG"] = run.grid_res_long;
  vars["RUNDIR_GRID_NLEV"] = std::to_string(run.levels);
  vars["RUNDIR_GRID_LON_RANGE"] = run.lon_range;
  vars["RUNDIR_GRID_LAT_RANGE"] = run.lat_range;
  // GCAP 2.0's native 2x2.5 grid has the date line at a cell edge; every other grid centres it.
  vars["RUNDIR_CENTER_LON_180"] =
      run.met.name == "gcap2" && run.grid_dir == "2x2.5" ? "false" : "true";
  vars["RUNDIR_GRID_HALF_POLAR"] = Bool(run.half_polar);
  vars["RUNDIR_GRID_NESTED_SIM"] = Bool(run.nested);
  vars["RUNDIR_GRID_BUFFER_ZONE"] = run.nested ? "[3, 3, 3, 3]" : "[0, 0, 0, 0]";
  vars["RUNDIR_TRANSPORT_TS"] = std::to_string(run.transport_ts);
  vars["RUNDIR_CHEMISTRY_TS"] = std::to_string(run.chemistry_ts);
  vars["RUNDIR_HEMCO_SWITCHES"] = HemcoSwitches(*run.simulation);
  vars["RUNDIR_HEMCO_EXTENSIONS"] = HemcoExtensions(*run.simulation);
  std::string list;
  std::string sh_list;
  for (std::size_t i = 0; i < run.collections.size(); ++i) {
    list += (i == 0 ? "" : std::string(13, ' ')) + "'" + run.collections[i] + "',\n";
    sh_list += (i == 0 ? "" : " ") + run.collections[i];
  }
  if (!list.empty()) list.pop_back();  // the template ends the list with its own "::" line
  vars["RUNDIR_HIST_COLLECTIONS"] = list;
  vars["RUNDIR_HIST_COLLECTIONS_SH"] = sh_list;
  vars["RUNDIR_HIST_HEADER"] =
      run.gchp ? fmt::format("EXPDSC: GEOS-Chem_devel\nCoresPerNode: {}\nVERSION: 1",
                             run.cores / std::max(1, run.nodes))
               : "EXPDSC: GEOS-Chem_devel";
  (void)catalog;
  // createRunDir.sh's HISTORY settings (upstream's HISTORY.rc templates read them): aws-hpc
  // writes HISTORY.rc itself, with the run's frequency for every collection, so they say the same.
  if (run.gchp) {
    if (auto frequency = GchpFrequency(run); frequency.ok()) {
      for (const char* name : {"RUNDIR_HIST_TIME_AVG_DUR", "RUNDIR_HIST_TIME_AVG_FREQ",
                               "RUNDIR_HIST_INST_DUR", "RUNDIR_HIST_INST_FREQ"}) {
        vars[name] = frequency->first;
      }
      vars["RUNDIR_HIST_MONTHLY_DIAG"] = frequency->second ? "1" : "0";
    }
  } else if (auto frequency = HistoryFrequency(run.frequency); frequency.ok()) {
    for (const char* name : {"RUNDIR_HIST_TIME_AVG_DUR", "RUNDIR_HIST_TIME_AVG_FREQ",
                             "RUNDIR_HIST_INST_DUR", "RUNDIR_HIST_INST_FREQ"}) {
      vars[name] = *frequency;
    }
    vars["RUNDIR_HIST_MONTHLY_DIAG"] = run.frequency.ends_with("mo") ? "1" : "0";
  }
  AddCreateRunDirVariables(run, vars);
  if (run.gchp) {
    vars["RUNDIR_NUM_CORES"] = std::to_string(run.cores);
    vars["RUNDIR_NUM_NODES"] = std::to_string(run.nodes);
    vars["RUNDIR_CORES_PER_NODE"] = std::to_string(run.cores / std::max(1, run.nodes));
    vars["RUNDIR_CS_RES"] = std::to_string(run.cs_res);
    vars["RUNDIR_SIM_DUR_YYYYMMDD"] = GchpDuration(run);
    vars["RUNDIR_SIM_DUR_HHmmSS"] = "000000";
    vars["RUNDIR_NX"] = std::to_string(run.nx);
    vars["RUNDIR_NY"] = std::to_string(run.ny);
  }
  return vars;
}

Result<std::map<std::string, std::string>> RenderRunDirectory(const RunConfig& run,
                                                              const SimCatalog& catalog,
                                                              const std::string& app_dir) {
  auto vars = RunDirVariables(run, catalog);
  ASSIGN_OR_RETURN(vars["RUNDIR_HIST_BLOCKS"], HistoryBlocks(run, catalog));
  if (run.gchp) {
    ASSIGN_OR_RETURN(auto frequency, GchpFrequency(run));
    vars["RUNDIR_HIST_FREQ"] = frequency.first;
    vars["RUNDIR_HIST_MONTHLY_DIAG"] = frequency.second ? "1" : "0";
  }
  const std::string templates = app_dir + "/templates/";
  std::map<std::string, std::string> files;
  const auto render = [&](const std::string& name, const std::string& source) -> Status {
    ASSIGN_OR_RETURN(std::string text, ReadFileToString(templates + source, 1 << 20));
    ASSIGN_OR_RETURN(files[name], SubstituteVars(text, vars, templates + source));
    return Status::Ok();
  };
  RETURN_IF_ERROR(render("geoschem_config.yml",
                         run.gchp ? "geoschem_config.gchp.yml" : "geoschem_config.classic.yml"));
  RETURN_IF_ERROR(render("HISTORY.rc", "HISTORY.rc"));
  RETURN_IF_ERROR(render("HEMCO_Config.rc", "HEMCO_Config.rc"));
  if (run.gchp) {
    RETURN_IF_ERROR(render("setCommonRunSettings.sh", "setCommonRunSettings.sh"));
    files["cap_restart"] = run.start.Compact() + " 000000\n";
  }
  return files;
}

Result<std::vector<std::string>> WriteRunDirectory(const RunConfig& run, const SimCatalog& catalog,
                                                   const std::string& app_dir,
                                                   const std::string& out_dir, bool force) {
  ASSIGN_OR_RETURN(auto files, RenderRunDirectory(run, catalog, app_dir));
  std::error_code ec;
  if (!force) {
    for (const auto& [name, text] : files) {
      if (std::filesystem::exists(out_dir + "/" + name, ec)) {
        return AlreadyExistsError(out_dir + "/" + name +
                                  " exists (use --force to overwrite the generated files)");
      }
    }
  }
  RETURN_IF_ERROR(MakeDirs(out_dir + "/OutputDir"));
  RETURN_IF_ERROR(MakeDirs(out_dir + "/Restarts"));
  std::vector<std::string> written;
  for (const auto& [name, text] : files) {
    RETURN_IF_ERROR(WriteFileAtomically(out_dir + "/" + name, text));
    if (name.ends_with(".sh")) {
      std::filesystem::permissions(out_dir + "/" + name, std::filesystem::perms::owner_exec,
                                   std::filesystem::perm_options::add, ec);
    }
    written.push_back(name);
  }
  // What the images' stager needs to render the rest from GEOS-Chem's own templates.
  auto variables = RunDirVariables(run, catalog);
  ASSIGN_OR_RETURN(CompletionPlan plan, PlanCompletion(run, variables, app_dir, written));
  RETURN_IF_ERROR(MakeDirs(out_dir + "/.aws-hpc"));
  RETURN_IF_ERROR(
      WriteFileAtomically(out_dir + "/" + kCompletionPlanFile, CompletionPlanToJson(plan)));
  written.push_back(kCompletionPlanFile);
  return written;
}

}  // namespace awshpc::apps::geoschem
