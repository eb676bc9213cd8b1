// File: rundir_completion.cpp
#include "awshpc/apps/geoschem/rundir_completion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <tuple>

#include "../yaml_util.hpp"
#include "awshpc/apps/text_template.hpp"
#include "awshpc/aws/process.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"

namespace awshpc::apps::geoschem {
namespace {

constexpr std::size_t kMaxTemplateBytes = 16u << 20;  // upstream's largest (ExtData.rc) is < 1 MiB
constexpr const char* kSwitchesEnd = "### END SECTION EXTENSION SWITCHES ###";

const char* ModeName(CompletionMode mode) {
  switch (mode) {
    case CompletionMode::kSubstitute:
      return "substitute";
    case CompletionMode::kCopy:
      return "copy";
    case CompletionMode::kHemcoInventories:
      return "hemco-inventories";
    case CompletionMode::kRunSettings:
      return "run-settings";
  }
  return "?";
}

Result<CompletionMode> ModeFromName(const std::string& name) {
  for (CompletionMode mode : {CompletionMode::kSubstitute, CompletionMode::kCopy,
                              CompletionMode::kHemcoInventories, CompletionMode::kRunSettings}) {
    if (name == ModeName(mode)) return mode;
  }
  return InvalidArgumentError("expected substitute, copy, hemco-inventories or run-settings; got " +
                              QuoteForMessage(name));
}

// createRunDir.sh's settings files for the met field (and, for Classic, the grid), in the order
// it appends them to RUNDIR_VARS.
std::vector<std::string> SettingsFiles(const RunConfig& run) {
  const std::string dir = "shared/settings/";
  std::vector<std::string> files;
  if (!run.gchp) {
    files.push_back(dir + run.grid_file_res + ".txt");
    files.push_back(dir + (run.nested ? "nested_grid.txt" : "global_grid.txt"));
    if (run.met.name == "merra2") files.push_back(dir + "merra2.txt");
    if (run.met.name == "geosfp") files.push_back(dir + "geosfp/geosfp.preprocessed_ll.txt");
    if (run.met.name == "geosit") files.push_back(dir + "geosit/geosit.preprocessed_ll.txt");
    if (run.met.name == "gcap2") files.push_back(dir + "modele2.1.txt");
  } else if (run.met.name == "merra2") {
    files.push_back(dir + "merra2.txt");
  } else if (run.met.name == "geosfp") {
    // Processed 0.25x0.3125 files, 3-hourly winds (createRunDir.sh's recommended answers).
    files.push_back(dir + "geosfp/advection_met/geosfp.preprocessed_3hr_0.25x0.625_wind.txt");
    files.push_back(dir + "geosfp/advection_met/geosfp.preprocessed_3hr_0.25x0.625_PS_SPHU.txt");
    files.push_back(dir + "geosfp/geosfp.nonadv_preprocessed_ll.txt");
  } else if (run.met.name == "geosit") {
    // Processed 0.5x0.625 files: the native lat-lon grid the data manifest stages.
    files.push_back(dir + "geosit/geosit.preprocessed_0.5x0.625.txt");
  }
  files.push_back(dir + (run.met.name == "gcap2" ? "gcap2_hemco.txt" : "gmao_hemco.txt"));
  return files;
}

bool Listed(const YAML::Node& list, const std::string& value) {
  if (!list || !list.IsSequence()) return false;
  for (const auto& item : list) {
    if (item.as<std::string>("") == value) return true;
  }
  return false;
}

// Expands `${VAR}` and `$VAR` in a double-quoted settings value (bash's source would).
Result<std::string> ExpandDoubleQuoted(std::string_view value, const RunDirVars& vars,
                                       std::string_view file, int line) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size() &&
        (value[i + 1] == '$' || value[i + 1] == '"' || value[i + 1] == '\\')) {
      out += value[++i];
      continue;
    }
    if (c != '$' || i + 1 >= value.size()) {
      out += c;
      continue;
    }
    const bool braced = value[i + 1] == '{';
    std::size_t at = i + (braced ? 2 : 1);
    std::size_t end = at;
    while (end < value.size() &&
           (std::isalnum(static_cast<unsigned char>(value[end])) != 0 || value[end] == '_')) {
      ++end;
    }
    if (end == at || (braced && (end >= value.size() || value[end] != '}'))) {
      out += c;
      continue;
    }
    const std::string_view name = value.substr(at, end - at);
    auto it = vars.find(name);
    if (it == vars.end()) {
      return InvalidArgumentError(fmt::format("{}:{}: ${{{}}} is not defined", file, line, name));
    }
    out += it->second;
    i = braced ? end : end - 1;
  }
  return out;
}

// Upstream's script may take a while on a large ExtData.rc (sed over it), never this long.
constexpr auto kRunSettingsTimeout = std::chrono::minutes(10);

// Runs the completed script in the run directory as upstream's run scripts do before gchp: bash
// with the script's path as its argv, started in the run directory; no shell command line.
Status RunGchpRunSettings(const std::string& run_dir, const std::string& script, std::string& log) {
  auto result = aws::RunProcess({"/bin/bash", "./" + script, "--verbose"}, kRunSettingsTimeout,
                                1 << 20, run_dir);
  if (!result.ok()) {
    return FailedPreconditionError(fmt::format("GCHP's {} could not run in {}: {}", script, run_dir,
                                               result.status().message()));
  }
  if (result->exit_code == 0) {
    log += result->out + result->err;
    return Status::Ok();
  }
  // Upstream's checks print "ERROR: ..." on stdout before `exit 1`: both streams are the reason.
  std::string output(TrimTrailingWhitespace(result->out + result->err));
  constexpr std::size_t kTail = 4000;
  if (output.size() > kTail) output = "..." + output.substr(output.size() - kTail);
  return FailedPreconditionError(fmt::format("GCHP's {} failed in {} (exit code {}):\n{}", script,
                                             run_dir, result->exit_code, output));
}

}  // namespace

Result<std::string> MergeRunSettings(std::string_view upstream, std::string_view ours,
                                     std::string_view template_path) {
  const std::size_t marker = upstream.find(kRunSettingsCodeMarker);
  if (marker == std::string_view::npos) {
    return InvalidArgumentError(
        fmt::format("{}: no \"{}\" line: not GCHP's setCommonRunSettings.sh template",
                    template_path, kRunSettingsCodeMarker));
  }
  // Cut before the marker's line and the '#####' banner line above it.
  std::size_t cut = upstream.rfind('\n', marker);
  cut = cut == std::string_view::npos ? 0 : cut + 1;
  if (cut > 0) {
    const std::size_t above = upstream.rfind('\n', cut - 2);
    const std::size_t start = above == std::string_view::npos ? 0 : above + 1;
    const std::string_view line = upstream.substr(start, cut - 1 - start);
    if (!line.empty() && line.find_first_not_of('#') == std::string_view::npos) cut = start;
  }
  if (ours.starts_with("#!")) ours.remove_prefix(std::min(ours.find('\n'), ours.size()));
  std::string merged(upstream.substr(0, cut));
  merged +=
      "#------------------------------------------------------------------------------\n"
      "# aws-hpc: the settings of this run (aws-hpc app config). They come after\n"
      "# upstream's defaults above, so the code below uses them.\n"
      "#------------------------------------------------------------------------------";
  merged += ours;
  if (!merged.ends_with("\n")) merged += "\n";
  merged += "\n";
  merged += upstream.substr(cut);
  return merged;
}

void AddCreateRunDirVariables(const RunConfig& run, RunDirVars& vars) {
  const bool gcap2 = run.met.name == "gcap2";
  const std::string& sim = run.simulation->name;
  vars["RUNDIR_SIM_EXTRA_OPTION"] = "none";
  // The standard option (no benchmark, complex SOA, marine POA, acid uptake, TOMAS, APM, RRTMG).
  vars["RUNDIR_COMPLEX_SOA"] = "false";
  vars["RUNDIR_SVPOA"] = "false";
  vars["RUNDIR_DUSTALK_EXT"] = "off";
  vars["RUNDIR_ACID_UPTAKE"] = "false";
  vars["RUNDIR_MARINE_POA"] = "false";
  vars["RUNDIR_RRTMG_OPTS"] = "false";
  vars["RUNDIR_USE_RRTMG"] = "false";
  vars["RUNDIR_USE_NLPBL"] = "true ";
  vars["RUNDIR_USE_ONLINE_O3"] = "true ";
  vars["RUNDIR_USE_GCCLASSIC_TIMERS"] = "false";
  vars["RUNDIR_MET_FIELD_CONFIG"] =
      gcap2 ? "HEMCO_Config.rc.gcap2_metfields" : "HEMCO_Config.rc.gmao_metfields";
  vars["RUNDIR_GCAP2_SCENARIO"] = gcap2 ? run.gcap2.scenario : "not_used";
  vars["RUNDIR_GISS_RES"] = gcap2 ? run.gcap2.giss_res : "not_used";
  vars["RUNDIR_GCAP2_VERTRES"] = gcap2 ? run.gcap2.vertres : "not_used";
  vars["RUNDIR_GCAP2_RUNID"] = gcap2 ? run.gcap2.run_id : "not_used";
  vars["RUNDIR_MET_AVAIL"] = gcap2 ? run.gcap2.available : "# 1980-2021";
  // Classic's domain: global_grid.txt says 'global'; for a nested grid createRunDir.sh sets the
  // menu's answer inline ('AS', 'EU', 'NA', 'custom'), which is aws-hpc's domain parameter.
  if (!run.gchp) vars["RUNDIR_GRID_DOMAIN_NAME"] = run.domain;
  vars["RUNDIR_USE_AEIC"] = gcap2 ? "false" : "true";
  if (sim == "fullchem" || (!run.gchp && sim == "aerosol")) {
    vars["RUNDIR_VOLC_CLIMATOLOGY"] =
        "$ROOT/VOLCANO/v2024-04/so2_volcanic_emissions_CARN_v202401.degassing_only.rc";
    vars["RUNDIR_VOLC_TABLE"] =
        "$ROOT/VOLCANO/v2024-04/$YYYY/$MM/so2_volcanic_emissions_Carns.$YYYY$MM$DD.rc";
  }
  if (sim == "aerosol") vars["RUNDIR_MEGAN_EXT"] = "off";
  // GEOS-Chem's dust tuning factor by met and grid (createRunDir.sh; -999 where none is derived).
  std::string dust = "-999.0e0";
  if (gcap2) {
    const bool nudged = run.gcap2.run_id.ends_with("nudge");
    const std::map<std::string, std::pair<const char*, const char*>> giss = {
        {"4x5", {"0.00474046", "0.03564873"}},
        {"2x2.5", {"0.00243979", "0.01050036"}},
        {"0.5x0.625", {"0.00276896", "0.01340854"}},
        {"0.25x0.3125", {"0.00254319", "0.01066495"}}};
    if (auto it = giss.find(run.grid_dir); it != giss.end()) {
      dust = nudged ? it->second.first : it->second.second;
    }
  } else if (sim == "fullchem" || sim == "aerosol") {
    const std::string key = run.met.name + "/" + run.grid_dir;
    if (key == "geosfp/4x5" || key == "geosit/4x5") dust = "8.3286e-4";
    if (key == "geosfp/2x2.5" || key == "geosit/2x2.5") dust = "5.0416e-4";
    if (key == "merra2/4x5") dust = "7.8533e-4";
    if (key == "merra2/2x2.5") dust = "4.7586e-4";
  }
  vars["RUNDIR_DUSTDEAD_TF"] = dust;
  // HEMCO extensions: GCAP 2.0 computes dust, biogenic VOC, sea salt and soil NOx online; the
  // GMAO met fields use the offline inventories.
  const char* on = "on ";
  vars["RUNDIR_TOMAS_SEASALT"] = "off";
  vars["RUNDIR_TOMAS_DUSTDEAD"] = "off";
  vars["RUNDIR_SEASALT_EXT"] = gcap2 ? on : "off";
  vars["RUNDIR_SOILNOX_EXT"] = gcap2 ? on : "off";
  if (sim != "aerosol") vars["RUNDIR_MEGAN_EXT"] = gcap2 ? on : "off";
  vars[run.gchp ? "RUNDIR_DUSTL23M_EXT" : "RUNDIR_DUSTDEAD_EXT"] = gcap2 ? on : "off";
  vars["RUNDIR_OFFLINE_DUST"] = gcap2 ? "false" : "true ";
  vars["RUNDIR_OFFLINE_BIOVOC"] = gcap2 ? "false" : "true ";
  vars["RUNDIR_OFFLINE_SEASALT"] = gcap2 ? "false" : "true ";
  vars["RUNDIR_OFFLINE_SOILNOX"] = gcap2 ? "false" : "true ";
  if (run.gchp) {
    // Restarts of these simulations carry every species (GCHP's createRunDir.sh).
    const bool partial = sim == "carbon" || sim == "TransportTracers" || sim == "tagO3";
    vars["RUNDIR_INITIAL_RESTART_SPECIES_REQUIRED"] = partial ? "0" : "1";
  }
}

Result<CompletionPlan> PlanCompletion(const RunConfig& run, const RunDirVars& variables,
                                      const std::string& app_dir,
                                      std::vector<std::string> generated) {
  CompletionPlan plan;
  plan.settings = SettingsFiles(run);
  plan.variables = variables;
  plan.generated = std::move(generated);
  const std::string file = app_dir + "/upstream-files.yaml";
  ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(file));
  const std::string variant = run.gchp ? "gchp" : "classic";
  const YAML::Node list = root[variant];
  if (!list || !list.IsSequence()) {
    return YamlError(file, root, variant, "expected a list of the variant's upstream files");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node& item = list[i];
    const std::string at = fmt::format("{}[{}]", variant, i);
    if (!item.IsMap()) return YamlError(file, item, at, "expected a mapping");
    if (item["only"] && !Listed(item["only"], run.simulation->name)) continue;
    if (Listed(item["except"], run.simulation->name)) continue;
    ASSIGN_OR_RETURN(std::string source, ScalarAt(file, item["template"], at + ".template"));
    ASSIGN_OR_RETURN(std::string destination, ScalarAt(file, item["to"], at + ".to"));
    ASSIGN_OR_RETURN(std::string mode_name, ScalarAt(file, item["mode"], at + ".mode"));
    auto mode = ModeFromName(mode_name);
    if (!mode.ok()) return YamlError(file, item["mode"], at + ".mode", mode.status().message());
    // The lists name files by variables, as init_rd.sh's lists do.
    ASSIGN_OR_RETURN(source, SubstituteVars(source, variables, file + ": " + at + ".template"));
    ASSIGN_OR_RETURN(destination, SubstituteVars(destination, variables, file + ": " + at + ".to"));
    plan.files.push_back({std::move(source), std::move(destination), *mode});
  }
  return plan;
}

std::string CompletionPlanToJson(const CompletionPlan& plan) {
  nlohmann::ordered_json out;
  out["template_root"] = plan.template_root;
  out["settings"] = plan.settings;
  out["variables"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : plan.variables) out["variables"][name] = value;
  out["files"] = nlohmann::ordered_json::array();
  for (const UpstreamFile& f : plan.files) {
    out["files"].push_back(
        {{"template", f.source}, {"to", f.destination}, {"mode", ModeName(f.mode)}});
  }
  out["generated"] = plan.generated;
  return out.dump(2) + "\n";
}

Result<CompletionPlan> CompletionPlanFromJson(std::string_view text, std::string_view file) {
  const nlohmann::json in = nlohmann::json::parse(text, nullptr, false);
  if (in.is_discarded() || !in.is_object()) {
    return InvalidArgumentError(fmt::format("{}: not a JSON object", file));
  }
  const auto string_at = [&](const nlohmann::json& node, const std::string& field,
                             std::string& out) -> Status {
    if (!node.is_string()) {
      return InvalidArgumentError(fmt::format("{}: {}: expected a string", file, field));
    }
    out = node.get<std::string>();
    return Status::Ok();
  };
  CompletionPlan plan;
  RETURN_IF_ERROR(
      string_at(in.value("template_root", nlohmann::json()), "template_root", plan.template_root));
  for (const char* list : {"settings", "generated", "files"}) {
    if (!in.contains(list) || !in[list].is_array()) {
      return InvalidArgumentError(fmt::format("{}: {}: expected a list", file, list));
    }
  }
  for (std::size_t i = 0; i < in["settings"].size(); ++i) {
    const std::string at = fmt::format("settings[{}]", i);
    RETURN_IF_ERROR(string_at(in["settings"][i], at, plan.settings.emplace_back()));
    if (!IsRelativePathInside(plan.settings.back())) {
      return InvalidArgumentError(fmt::format("{}: {}: {} is not a path inside the template tree",
                                              file, at, QuoteForMessage(plan.settings.back())));
    }
  }
  for (std::size_t i = 0; i < in["generated"].size(); ++i) {
    RETURN_IF_ERROR(string_at(in["generated"][i], fmt::format("generated[{}]", i),
                              plan.generated.emplace_back()));
  }
  if (!in.contains("variables") || !in["variables"].is_object()) {
    return InvalidArgumentError(fmt::format("{}: variables: expected an object", file));
  }
  for (const auto& [name, value] : in["variables"].items()) {
    RETURN_IF_ERROR(string_at(value, "variables." + name, plan.variables[name]));
  }
  for (std::size_t i = 0; i < in["files"].size(); ++i) {
    const nlohmann::json& item = in["files"][i];
    const std::string at = fmt::format("files[{}]", i);
    if (!item.is_object()) {
      return InvalidArgumentError(fmt::format("{}: {}: expected an object", file, at));
    }
    UpstreamFile f;
    std::string mode;
    RETURN_IF_ERROR(
        string_at(item.value("template", nlohmann::json()), at + ".template", f.source));
    RETURN_IF_ERROR(string_at(item.value("to", nlohmann::json()), at + ".to", f.destination));
    RETURN_IF_ERROR(string_at(item.value("mode", nlohmann::json()), at + ".mode", mode));
    auto parsed = ModeFromName(mode);
    if (!parsed.ok()) {
      return InvalidArgumentError(
          fmt::format("{}: {}.mode: {}", file, at, parsed.status().message()));
    }
    f.mode = *parsed;
    // Templates stay inside the tree, destinations inside the run directory.
    for (const auto& [path, field, where] :
         {std::tuple<const std::string&, const char*, const char*>{f.source, ".template",
                                                                   "the template tree"},
          std::tuple<const std::string&, const char*, const char*>{f.destination, ".to",
                                                                   "the run directory"}}) {
      if (!IsRelativePathInside(path)) {
        return InvalidArgumentError(fmt::format("{}: {}{}: {} is not a path inside {}", file, at,
                                                field, QuoteForMessage(path), where));
      }
    }
    plan.files.push_back(std::move(f));
  }
  return plan;
}

Result<RunDirVars> ParseSettingsFile(std::string_view text, const RunDirVars& known,
                                     std::string_view file) {
  RunDirVars scope = known;
  RunDirVars out;
  int line = 0;
  std::size_t pos = 0;
  const auto next_line = [&]() -> std::string_view {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    return l;
  };
  while (pos < text.size()) {
    std::string_view l = next_line();
    const int first_line = line;
    const std::size_t start = l.find_first_not_of(" \t");
    if (start == std::string_view::npos || l[start] == '#') continue;
    l.remove_prefix(start);
    std::size_t eq = 0;
    while (eq < l.size() &&
           (std::isalnum(static_cast<unsigned char>(l[eq])) != 0 || l[eq] == '_')) {
      ++eq;
    }
    if (eq == 0 || eq >= l.size() || l[eq] != '=') {
      return InvalidArgumentError(
          fmt::format("{}:{}: expected NAME=value (a createRunDir.sh settings line); got {}", file,
                      first_line, QuoteForMessage(std::string(l))));
    }
    const std::string name(l.substr(0, eq));
    std::string_view rest = l.substr(eq + 1);
    std::string value;
    if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) {
      const char quote = rest[0];
      // bash reads """...""" as "" "..." "": one double-quoted string.
      const bool triple = quote == '"' && rest.starts_with("\"\"\"");
      const std::string_view close = triple ? std::string_view("\"\"\"") : rest.substr(0, 1);
      std::string raw(rest.substr(close.size()));
      std::size_t end = raw.find(close);
      while (end == std::string::npos && pos < text.size()) {
        raw += '\n';
        raw += next_line();
        end = raw.find(close);
      }
      if (end == std::string::npos) {
        return InvalidArgumentError(
            fmt::format("{}:{}: {}: the quoted value is not closed", file, first_line, name));
      }
      raw.resize(end);
      if (quote == '\'') {
        value = raw;
      } else {
        ASSIGN_OR_RETURN(value, ExpandDoubleQuoted(raw, scope, file, first_line));
      }
    } else {
      const std::size_t stop = rest.find_first_of(" \t#");
      ASSIGN_OR_RETURN(value, ExpandDoubleQuoted(rest.substr(0, stop), scope, file, first_line));
    }
    scope[name] = value;
    out[name] = std::move(value);
  }
  return out;
}

Result<CompletionReport> CompleteRunDirectory(const std::string& run_dir,
                                              const std::string& template_root) {
  const std::string plan_path = run_dir + "/" + kCompletionPlanFile;
  ASSIGN_OR_RETURN_CTX(std::string plan_text, ReadFileToString(plan_path, kMaxTemplateBytes),
                       "reading the completion plan");
  ASSIGN_OR_RETURN(CompletionPlan plan, CompletionPlanFromJson(plan_text, plan_path));
  const std::string root = template_root.empty() ? plan.template_root : template_root;
  const auto read_upstream = [&](const std::string& relative) -> Result<std::string> {
    const std::string path = root + "/" + relative;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return NotFoundError(fmt::format(
          "GEOS-Chem template {} is missing ({} has no {}; the image keeps GEOS-Chem's run/ tree "
          "there)",
          path, root, relative));
    }
    return ReadFileToString(path, kMaxTemplateBytes);
  };

  // Variables as createRunDir.sh ends up with them: the settings files in order, then aws-hpc's
  // own values for the run (which win: they are the user's answers).
  RunDirVars vars = plan.variables;
  for (const std::string& settings : plan.settings) {
    ASSIGN_OR_RETURN(std::string text, read_upstream(settings));
    ASSIGN_OR_RETURN(RunDirVars parsed, ParseSettingsFile(text, vars, root + "/" + settings));
    for (auto& [name, value] : parsed) {
      if (plan.variables.count(name) == 0) vars[name] = std::move(value);
    }
  }

  CompletionReport report;
  std::vector<const UpstreamFile*> run_settings;  // last: the script edits the other files
  for (const UpstreamFile& f : plan.files) {
    if (f.mode == CompletionMode::kRunSettings) {
      run_settings.push_back(&f);
      continue;
    }
    const std::string destination = run_dir + "/" + f.destination;
    const std::string source = root + "/" + f.source;
    ASSIGN_OR_RETURN(std::string text, read_upstream(f.source));
    if (f.mode == CompletionMode::kHemcoInventories) {
      // aws-hpc wrote the SETTINGS and EXTENSION SWITCHES; upstream's sections after them follow.
      ASSIGN_OR_RETURN(std::string ours, ReadFileToString(destination, kMaxTemplateBytes));
      if (ours.find("### BEGIN SECTION BASE EMISSIONS") != std::string::npos) {
        report.kept.push_back(f.destination);
        continue;
      }
      const std::size_t cut = text.find(kSwitchesEnd);
      if (cut == std::string::npos) {
        return InvalidArgumentError(fmt::format(
            "{}: no \"{}\" line: not a HEMCO_Config.rc template", source, kSwitchesEnd));
      }
      const std::size_t after = std::min(text.find('\n', cut), text.size());
      ASSIGN_OR_RETURN(std::string inventories,
                       SubstituteKnownVars(text.substr(after), vars, source));
      if (!ours.ends_with("\n")) ours += "\n";
      RETURN_IF_ERROR(WriteFileAtomically(destination, ours + inventories));
      report.written.push_back(f.destination);
      continue;
    }
    std::error_code ec;
    if (std::filesystem::exists(destination, ec)) {
      report.kept.push_back(f.destination);
      continue;
    }
    if (f.mode == CompletionMode::kSubstitute) {
      ASSIGN_OR_RETURN(text, SubstituteKnownVars(text, vars, source));
    }
    const std::string parent = std::filesystem::path(destination).parent_path().string();
    RETURN_IF_ERROR(MakeDirs(parent));
    RETURN_IF_ERROR(WriteFileAtomically(destination, text));
    report.written.push_back(f.destination);
  }
  for (const UpstreamFile* f : run_settings) {
    const std::string destination = run_dir + "/" + f->destination;
    const std::string source = root + "/" + f->source;
    ASSIGN_OR_RETURN_CTX(std::string ours, ReadFileToString(destination, kMaxTemplateBytes),
                         "reading the settings aws-hpc app config wrote");
    if (ours.find(kRunSettingsCodeMarker) != std::string::npos) {
      report.kept.push_back(f->destination);  // completed and run before
      continue;
    }
    ASSIGN_OR_RETURN(std::string text, read_upstream(f->source));
    ASSIGN_OR_RETURN(text, SubstituteKnownVars(text, vars, source));
    ASSIGN_OR_RETURN(std::string merged, MergeRunSettings(text, ours, source));
    RETURN_IF_ERROR(WriteFileAtomically(destination, merged));
    std::error_code ec;
    std::filesystem::permissions(destination, std::filesystem::perms::owner_exec,
                                 std::filesystem::perm_options::add, ec);
    if (Status ran = RunGchpRunSettings(run_dir, f->destination, report.run_settings_log);
        !ran.ok()) {
      // aws-hpc's settings back, so the next attempt merges and runs again.
      RETURN_IF_ERROR(WriteFileAtomically(destination, ours));
      return ran;
    }
    report.written.push_back(f->destination);
  }
  return report;
}

}  // namespace awshpc::apps::geoschem
