// File: run_config.cpp
#include "awshpc/apps/geoschem/run_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "awshpc/apps/geoschem/success_rule.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"

namespace awshpc::apps::geoschem {
namespace {

Result<std::string> Get(const std::map<std::string, std::string>& params, const std::string& key) {
  auto it = params.find(key);
  if (it == params.end()) return InvalidArgumentError("parameter " + key + " is not set");
  return it->second;
}

std::string Opt(const std::map<std::string, std::string>& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

Result<int> ToInt(const std::string& text, const std::string& what) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return InvalidArgumentError(what + ": expected an integer; got " + QuoteForMessage(text));
  }
  return value;
}

Result<Date> ParseDate(const std::string& text, const std::string& what) {
  // Canonical dates from the spec are YYYY-MM-DD.
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return InvalidArgumentError(what + ": expected YYYY-MM-DD; got " + QuoteForMessage(text));
  }
  Date date;
  ASSIGN_OR_RETURN(date.year, ToInt(text.substr(0, 4), what));
  ASSIGN_OR_RETURN(date.month, ToInt(text.substr(5, 2), what));
  ASSIGN_OR_RETURN(date.day, ToInt(text.substr(8, 2), what));
  if (CivilFromDays(DaysFromCivil(date)) != date) {
    return InvalidArgumentError(what + ": not a calendar date: " + QuoteForMessage(text));
  }
  return date;
}

Result<MetInfo> Met(const std::string& name) {
  // Directory and file names as in GEOS-Chem's run/shared/settings/<met>.txt.
  if (name == "merra2") return MetInfo{name, "MERRA2", "MERRA2", "MERRA2", "nc4", 2015};
  if (name == "geosfp") return MetInfo{name, "GEOSFP", "GEOS_FP", "GEOSFP", "nc", 2011};
  if (name == "geosit") return MetInfo{name, "GEOSIT", "GEOS_IT", "GEOSIT", "nc4", 2015};
  // GCAP 2.0's constants are one file, TOPO, in the met directory
  // (HEMCO_Config.rc.gcap2_metfields).
  if (name == "gcap2") return MetInfo{name, "ModelE2.1", "GCAP2", "", "nc4", 0};
  return InvalidArgumentError("met: unknown meteorology " + QuoteForMessage(name));
}

// createRunDir.sh's GCAP 2.0 scenario menu: the `scenario` parameter's values.
struct Gcap2Scenario {
  const char* param;
  const char* scenario;
  const char* run_id;
  std::pair<int, int> first;
  std::pair<int, int> second;  // {0, 0} when there is one range
  const char* available;
};
constexpr Gcap2Scenario kGcap2Scenarios[] = {
    {"historical", "HIST", "E213f10aF40oQ40", {1851, 1860}, {2001, 2014}, "# 1851-1860; 2001-2014"},
    {"historical-nudged", "HIST", "E213f10aF40oQ40nudge", {2001, 2014}, {0, 0}, "# 2001-2014"},
    {"SSP1-1.9",
     "SSP119",
     "E213SSP119aF40oQ40",
     {2040, 2049},
     {2090, 2099},
     "# 2040-2049; 2090-2099"},
    {"SSP1-2.6",
     "SSP126",
     "E213SSP126aF40oQ40",
     {2040, 2049},
     {2090, 2099},
     "# 2040-2049; 2090-2099"},
    {"SSP4-3.4",
     "SSP434",
     "E213SSP434aF40oQ40",
     {2040, 2049},
     {2090, 2099},
     "# 2040-2049; 2090-2099"},
    {"SSP2-4.5",
     "SSP245",
     "E213SSP245aF40oQ40",
     {2040, 2049},
     {2090, 2099},
     "# 2040-2049; 2090-2099"},
    {"SSP4-6.0",
     "SSP460",
     "E213SSP460aF40oQ40",
     {2040, 2049},
     {2090, 2099},
     "# 2040-2049; 2090-2099"},
    {"SSP3-7.0",
     "SSP370",
     "E213SSP370aF40oQ40",
     {2040, 2049},
     {2090, 2099},
     "# 2040-2049; 2090-2099"},
    {"SSP5-8.5",
     "SSP585",
     "E213SSP585aF40oQ40",
     {2040, 2049},
     {2090, 2099},
     "# 2040-2049; 2090-2099"},
};

Result<Gcap2Info> Gcap2(const std::string& param) {
  std::vector<std::string> names;
  for (const Gcap2Scenario& s : kGcap2Scenarios) {
    if (param == s.param) {
      Gcap2Info info;
      info.scenario = s.scenario;
      info.run_id = s.run_id;
      info.years.push_back(s.first);
      if (s.second.first != 0) info.years.push_back(s.second);
      info.available = s.available;
      return info;
    }
    names.push_back(s.param);
  }
  return InvalidArgumentError("scenario: unknown GCAP 2.0 scenario " + QuoteForMessage(param) +
                              "; known: " + JoinOr(names));
}

// The run's years [start, end) must lie in one range of the scenario's GISS run.
Status CheckGcap2Years(const RunConfig& run, const std::string& param) {
  const int first = run.start.year;
  const int last = CivilFromDays(DaysFromCivil(run.end) - 1).year;
  for (const auto& [from, to] : run.gcap2.years) {
    if (first >= from && last <= to) return Status::Ok();
  }
  std::string ranges;
  for (const auto& [from, to] : run.gcap2.years) {
    ranges += fmt::format("{}{}-{}", ranges.empty() ? "" : ", ", from, to);
  }
  return InvalidArgumentError(fmt::format(
      "met=gcap2 scenario={} (GISS run {}) has meteorology for {} only; the run covers {} to {}",
      param, run.gcap2.run_id, ranges, first, last));
}

struct Nest {
  const char* domain;
  const char* resolution;
  const char* lon;
  const char* lat;
};
// Nested domains as createRunDir.sh defines them.
constexpr Nest kNests[] = {
    {"AS", "0.5x0.625", "[ 60.0, 150.0]", "[-11.0,  55.0]"},
    {"AS", "0.25x0.3125", "[ 70.0, 140.0]", "[ 15.0,  55.0]"},
    {"EU", "0.5x0.625", "[-30.0, 50.0]", "[ 30.0, 70.0]"},
    {"EU", "0.25x0.3125", "[-15.0,  40.0 ]", "[ 32.75, 61.25]"},
    {"NA", "0.5x0.625", "[-140.0, -40.0]", "[  10.0,  70.0]"},
    {"NA", "0.25x0.3125", "[-130.0,  -60.0]", "[   9.75,  60.0]"},
};

// "W,E" -> "[W, E]" after checking bounds and order.
Result<std::string> CustomRange(const std::string& text, const std::string& what, double limit) {
  const std::size_t comma = text.find(',');
  if (comma == std::string::npos) {
    return InvalidArgumentError(what + ": expected MIN,MAX; got " + QuoteForMessage(text));
  }
  const std::string a = text.substr(0, comma);
  const std::string b = text.substr(comma + 1);
  char* end_a = nullptr;
  char* end_b = nullptr;
  const double lo = std::strtod(a.c_str(), &end_a);
  const double hi = std::strtod(b.c_str(), &end_b);
  if (*end_a != '\0' || *end_b != '\0' || a.empty() || b.empty()) {
    return InvalidArgumentError(what + ": expected MIN,MAX in degrees; got " +
                                QuoteForMessage(text));
  }
  if (lo < -limit || hi > limit || lo >= hi) {
    return InvalidArgumentError(fmt::format("{}: expected {} <= MIN < MAX <= {}; got {}", what,
                                            -limit, limit, QuoteForMessage(text)));
  }
  return fmt::format("[{}, {}]", a, b);
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Status ClassicGrid(RunConfig& run, const std::map<std::string, std::string>& params) {
  const std::string& res = run.resolution;
  if (res.starts_with("C")) {
    return InvalidArgumentError("resolution=" + res +
                                " is a cubed-sphere grid for GCHP; GEOS-Chem Classic runs "
                                "4x5, 2x2.5, 0.5x0.625 or 0.25x0.3125 (or use --variant gchp)");
  }
  if (res == "4x5") {
    run.grid_res_long = "4.0x5.0";
    run.grid_file_res = "4x5";
  } else if (res == "2x2.5") {
    run.grid_res_long = "2.0x2.5";
    run.grid_file_res = "2x25";
  } else if (res == "0.5x0.625") {
    run.grid_res_long = "0.5x0.625";
    run.grid_file_res = "05x0625";
  } else if (res == "0.25x0.3125") {
    run.grid_res_long = "0.25x0.3125";
    run.grid_file_res = "025x03125";
    if (run.met.name != "geosfp" && run.met.name != "gcap2") {
      return InvalidArgumentError(
          "resolution=0.25x0.3125 needs met=geosfp (GEOS-FP is the only meteorology at "
          "0.25x0.3125; createRunDir.sh refuses a MERRA-2 or GEOS-IT run directory there); got "
          "met=" +
          run.met.name);
    }
  } else {
    return InvalidArgumentError("resolution: unknown grid " + QuoteForMessage(res));
  }
  run.grid_dir = res;
  const bool fine = res == "0.5x0.625" || res == "0.25x0.3125";
  if (run.met.name == "geosit" && res == "0.5x0.625" &&
      run.simulation->name != "TransportTracers") {
    return InvalidArgumentError(
        "met=geosit at resolution=0.5x0.625 is offered for TransportTracers only; got "
        "simulation=" +
        run.simulation->name);
  }
  // GCAP 2.0 is native 2x2.5; createRunDir.sh offers 4x5, 0.5x0.625 and 0.25x0.3125 too,
  // interpolated online (FlexGrid), globally only (checked below).
  run.domain = Opt(params, "domain");
  if (run.domain.empty()) run.domain = "global";
  const bool has_custom_ranges =
      !Opt(params, "lon_range").empty() || !Opt(params, "lat_range").empty();
  if (run.domain != "global" && !fine) {
    return InvalidArgumentError("domain=" + run.domain +
                                " is a nested grid, which needs resolution 0.5x0.625 or "
                                "0.25x0.3125; got resolution=" +
                                res);
  }
  if (run.domain != "global" && (run.met.name == "geosit" || run.met.name == "gcap2")) {
    return InvalidArgumentError("domain=" + run.domain + ": nested grids are not offered for met=" +
                                run.met.name + " (createRunDir.sh runs it globally)");
  }
  if (has_custom_ranges && run.domain != "custom") {
    return InvalidArgumentError("lon_range and lat_range apply to domain=custom only; got domain=" +
                                run.domain);
  }
  run.nested = run.domain != "global";
  run.half_polar = !run.nested;
  if (run.met.name == "gcap2") run.half_polar = res == "4x5";
  if (!run.nested) {
    run.lon_range = "[-180.0, 180.0]";
    run.lat_range = "[ -90.0,  90.0]";
  } else if (run.domain == "custom") {
    const std::string lon = Opt(params, "lon_range");
    const std::string lat = Opt(params, "lat_range");
    if (lon.empty() || lat.empty()) {
      return InvalidArgumentError(
          "domain=custom needs lon_range=WEST,EAST and lat_range=SOUTH,NORTH");
    }
    ASSIGN_OR_RETURN(run.lon_range, CustomRange(lon, "lon_range", 180));
    ASSIGN_OR_RETURN(run.lat_range, CustomRange(lat, "lat_range", 90));
  } else {
    for (const Nest& nest : kNests) {
      if (run.domain == nest.domain && res == nest.resolution) {
        run.lon_range = nest.lon;
        run.lat_range = nest.lat;
      }
    }
  }
  // Timesteps by resolution (createRunDir.sh): 300/600 s on the fine grids, else 600/1200 s.
  run.transport_ts = fine ? 300 : 600;
  run.chemistry_ts = fine ? 600 : 1200;
  return Status::Ok();
}

Status GchpGrid(RunConfig& run, const std::map<std::string, std::string>& params) {
  const std::string& res = run.resolution;
  if (!res.starts_with("C")) {
    return InvalidArgumentError("resolution=" + res +
                                " is a lat-lon grid for GEOS-Chem Classic; GCHP runs the "
                                "cubed-sphere grids C24, C48, C90, C180 and C360");
  }
  ASSIGN_OR_RETURN(run.cs_res, ToInt(res.substr(1), "resolution"));
  if (!run.simulation->gchp) {
    return InvalidArgumentError("simulation=" + run.simulation->name +
                                " is not offered by GCHP (GCHP runs fullchem, carbon, CH4, CO2, "
                                "tagO3 and TransportTracers); use --variant classic");
  }
  if (run.levels != 72) {
    return InvalidArgumentError(fmt::format("GCHP needs levels=72; got levels={}", run.levels));
  }
  const std::string domain = Opt(params, "domain");
  if (!domain.empty() && domain != "global") {
    return InvalidArgumentError("domain=" + domain + ": GCHP runs global cubed-sphere grids only");
  }
  run.domain = "global";
  ASSIGN_OR_RETURN(run.cores, ToInt(Opt(params, "cores"), "cores"));
  ASSIGN_OR_RETURN(run.nodes, ToInt(Opt(params, "nodes"), "nodes"));
  ASSIGN_OR_RETURN_CTX(auto nxny, DomainDecomposition(run.cores), "cores");
  run.nx = nxny.first;
  run.ny = nxny.second;
  if (run.nodes < 1 || run.cores % run.nodes != 0) {
    return InvalidArgumentError(fmt::format(
        "cores={} cannot be divided evenly among nodes={} (NUM_CORES_PER_NODE must be whole)",
        run.cores, run.nodes));
  }
  // Each rank needs at least one grid cell in each direction of its face.
  if (run.nx > run.cs_res || run.ny / 6 > run.cs_res) {
    return InvalidArgumentError(
        fmt::format("cores={} is too many for C{}: each face of {}x{} cells would be split {}x{}",
                    run.cores, run.cs_res, run.cs_res, run.cs_res, run.nx, run.ny / 6));
  }
  // GCHP's rule (setCommonRunSettings.sh.template: CS_RES -lt 180 is 600/1200 s, else 300/600 s);
  // its script rewrites geoschem_config.yml's timesteps with it before the run anyway.
  run.transport_ts = run.cs_res >= 180 ? 300 : 600;
  run.chemistry_ts = run.cs_res >= 180 ? 600 : 1200;
  run.grid_res_long = res;
  return Status::Ok();
}

}  // namespace

std::string Date::Compact() const { return fmt::format("{:04d}{:02d}{:02d}", year, month, day); }

// Howard Hinnant's days_from_civil.
long DaysFromCivil(const Date& date) {
  const int y = date.year - (date.month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long mp = (date.month + 9) % 12;
  const long doy = (153 * mp + 2) / 5 + date.day - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  const long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return Date{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

int RunConfig::Days() const { return static_cast<int>(DaysFromCivil(end) - DaysFromCivil(start)); }

std::string Gcap2MetDir(const RunConfig& run) {
  return "GCAP2/" + run.gcap2.vertres + "/" + run.gcap2.run_id;
}

Result<std::pair<int, int>> DomainDecomposition(int cores) {
  if (cores < 6 || cores % 6 != 0) {
    return InvalidArgumentError(
        fmt::format("GCHP needs a core count that is a multiple of 6 (one share per cubed-sphere "
                    "face); got {}",
                    cores));
  }
  const int per_face = cores / 6;
  int best_nx = 1;
  for (int nx = 1; nx <= per_face; ++nx) {
    if (per_face % nx != 0) continue;
    const int rows = per_face / nx;  // NY / 6
    const int best_rows = per_face / best_nx;
    // Most square face decomposition; on a tie the one with fewer columns (NY >= 6 NX).
    if (std::abs(nx - rows) < std::abs(best_nx - best_rows)) best_nx = nx;
  }
  return std::make_pair(best_nx, cores / best_nx);
}

// Both judge with the success rule jobs carry (success_rule.hpp), so `app verify` and a job's
// verdict cannot drift apart.
Status VerifyGchpRun(const RunConfig& run, const std::string& run_dir) {
  return VerifyRun(run, run_dir);
}

Status VerifyRun(const RunConfig& run, const std::string& run_dir) {
  return verdict::CheckSuccessRule(SuccessRuleFor(run), run_dir);
}

Result<std::string> HistoryFrequency(const std::string& frequency) {
  if (frequency == "end") return std::string("End");
  std::size_t digits = 0;
  while (digits < frequency.size() && frequency[digits] >= '0' && frequency[digits] <= '9') {
    ++digits;
  }
  const std::string unit = frequency.substr(digits);
  int n = 0;
  if (digits > 0) {
    auto parsed = ToInt(frequency.substr(0, digits), "frequency");
    if (parsed.ok()) n = *parsed;
  }
  if (n <= 0 || (unit != "h" && unit != "d" && unit != "mo")) {
    return InvalidArgumentError("frequency: expected Nh, Nd, Nmo or end; got " +
                                QuoteForMessage(frequency));
  }
  if (unit == "h") return fmt::format("{:08d} {:02d}0000", n / 24, n % 24);
  if (unit == "d") {
    if (n > 31) {
      return InvalidArgumentError("frequency: at most 31d; use months (e.g. 1mo) for longer; got " +
                                  frequency);
    }
    return fmt::format("{:08d} 000000", n);
  }
  return fmt::format("{:04d}{:02d}00 000000", n / 12, n % 12);
}

Result<RunConfig> BuildRunConfig(const std::string& variant,
                                 const std::map<std::string, std::string>& params,
                                 const SimCatalog& catalog) {
  RunConfig run;
  if (variant != "classic" && variant != "gchp") {
    return InvalidArgumentError("variant: expected classic or gchp; got " +
                                QuoteForMessage(variant));
  }
  run.gchp = variant == "gchp";
  ASSIGN_OR_RETURN(std::string sim, Get(params, "simulation"));
  run.simulation = catalog.Find(sim);
  if (run.simulation == nullptr) {
    return InvalidArgumentError("simulation " + QuoteForMessage(sim) +
                                " is not described in simulations.yaml");
  }
  ASSIGN_OR_RETURN(std::string met, Get(params, "met"));
  ASSIGN_OR_RETURN(run.met, Met(met));
  if (run.gchp && run.met.name == "gcap2") {
    return InvalidArgumentError(
        "met=gcap2 is GEOS-Chem Classic only (GCHP's createRunDir.sh offers merra2, geosfp and "
        "geosit); use --variant classic");
  }
  ASSIGN_OR_RETURN(run.resolution, Get(params, "resolution"));
  ASSIGN_OR_RETURN(std::string levels, Get(params, "levels"));
  ASSIGN_OR_RETURN(run.levels, ToInt(levels, "levels"));
  if (run.met.name == "gcap2" && run.levels != 40) {
    return InvalidArgumentError(fmt::format(
        "met=gcap2 (GISS ModelE2.1) has 40 levels; set levels=40 (got levels={})", run.levels));
  }
  if (run.met.name != "gcap2" && run.levels == 40) {
    return InvalidArgumentError("levels=40 is for met=gcap2 only; " + run.met.name +
                                " has 72 levels (or 47 reduced)");
  }
  if (run.gchp) {
    RETURN_IF_ERROR(GchpGrid(run, params));
  } else {
    RETURN_IF_ERROR(ClassicGrid(run, params));
  }
  ASSIGN_OR_RETURN(std::string start, Get(params, "start"));
  ASSIGN_OR_RETURN(std::string end, Get(params, "end"));
  ASSIGN_OR_RETURN(run.start, ParseDate(start, "start"));
  ASSIGN_OR_RETURN(run.end, ParseDate(end, "end"));
  if (run.end <= run.start) {
    return InvalidArgumentError("end=" + end + " must be after start=" + start);
  }
  if (run.met.name == "gcap2") {
    const std::string scenario =
        Opt(params, "scenario").empty() ? "historical" : Opt(params, "scenario");
    ASSIGN_OR_RETURN(run.gcap2, Gcap2(scenario));
    RETURN_IF_ERROR(CheckGcap2Years(run, scenario));
  }
  run.frequency = Opt(params, "frequency");
  if (run.frequency.empty()) run.frequency = "1d";
  RETURN_IF_ERROR(HistoryFrequency(run.frequency).status());
  run.mode = Opt(params, "mode");
  if (run.mode.empty()) run.mode = "time-averaged";
  run.restart_uri = Opt(params, "restart");

  std::vector<std::string> wanted = run.simulation->collections;
  if (const std::string given = Opt(params, "collections"); !given.empty()) {
    wanted = SplitCommas(given);
  }
  // Classic writes its restart through the HISTORY Restart collection; GCHP checkpoints itself.
  run.collections.clear();
  if (!run.gchp) run.collections.push_back("Restart");
  std::vector<std::string> known;
  for (const auto& [name, fields] : catalog.collection_fields) known.push_back(name);
  for (const std::string& name : wanted) {
    if (catalog.collection_fields.count(name) == 0) {
      const std::string close = ClosestMatch(name, known);
      return InvalidArgumentError("collections: unknown collection " + QuoteForMessage(name) +
                                  (close.empty() ? "" : " (did you mean " + close + "?)") +
                                  "; known: " + JoinOr(known));
    }
    if (std::find(run.collections.begin(), run.collections.end(), name) == run.collections.end()) {
      run.collections.push_back(name);
    }
  }
  return run;
}

}  // namespace awshpc::apps::geoschem
