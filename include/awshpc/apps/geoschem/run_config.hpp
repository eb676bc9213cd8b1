// File: run_config.hpp
// A GEOS-Chem run described by the app's parameters, checked for the combinations app.yaml
// cannot express, with everything createRunDir.sh derives from the same answers: grid names
// and ranges, timesteps by resolution, dates as [YYYYMMDD, hhmmss], GCHP's domain
// decomposition (NX x NY = cores, NY a multiple of 6).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "awshpc/apps/geoschem/sim_catalog.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::apps::geoschem {

// A calendar date.
struct Date {
  int year = 0;
  int month = 0;
  int day = 0;

  std::string Compact() const;  // "20190701"
  friend auto operator<=>(const Date&, const Date&) = default;
};

// Days since 1970-01-01 and back.
long DaysFromCivil(const Date& date);
Date CivilFromDays(long days);

struct MetInfo {
  std::string name;        // merra2
  std::string config;      // MERRA2 (geoschem_config.yml met_field)
  std::string directory;   // MERRA2, GEOS_FP, GEOS_IT (under GEOS_<grid>/)
  std::string file_tag;    // MERRA2, GEOSFP, GEOSIT (file name prefix)
  std::string extension;   // nc4 or nc
  int constants_year = 0;  // year of the CN (constants) file
};

// GCAP 2.0 (GISS ModelE2.1) meteorology: one GISS run per scenario, as createRunDir.sh's
// scenario menu names them, with the years the run covers.
struct Gcap2Info {
  std::string scenario;  // HIST, SSP245, ... (HEMCO's GCAPSCENARIO)
  std::string run_id;    // E213f10aF40oQ40, E213SSP245aF40oQ40, ... (file names)
  std::string giss_res = "F40";
  std::string vertres = "40L";             // HEMCO's GCAPVERTRES
  std::vector<std::pair<int, int>> years;  // available [first, last] year ranges
  std::string available;                   // "# 1851-1860; 2001-2014" (RUNDIR_MET_AVAIL)
};

struct RunConfig {
  bool gchp = false;
  const Simulation* simulation = nullptr;  // points into the SimCatalog
  MetInfo met;
  Gcap2Info gcap2;         // met=gcap2 only
  std::string resolution;  // "4x5", "C90"
  // Lat-lon (Classic): the grid as GEOS-Chem names it and its data directory.
  std::string grid_res_long;  // "4.0x5.0"
  std::string grid_dir;       // "4x5", "2x2.5", "0.5x0.625", "0.25x0.3125"
  std::string grid_file_res;  // "4x5", "2x25", "05x0625", "025x03125"
  std::string domain;         // global, AS, EU, NA, custom
  std::string lon_range;      // "[-180.0, 180.0]"
  std::string lat_range;      // "[ -90.0,  90.0]"
  bool nested = false;
  bool half_polar = true;
  int levels = 72;
  int transport_ts = 600;
  int chemistry_ts = 1200;
  Date start;
  Date end;
  std::vector<std::string> collections;  // Classic: Restart first
  std::string frequency;                 // as given: "1d"
  std::string mode;                      // time-averaged | instantaneous
  std::string restart_uri;               // "" for the default restart in the bucket
  // GCHP.
  int cs_res = 0;
  int cores = 0;
  int nodes = 1;
  int nx = 0;
  int ny = 0;

  int Days() const;
};

// The data version whose layout and restart files the generator follows.
inline constexpr const char* kGeosChemVersion = "14.4.3";

// Checks the parameters (canonical values, defaults included, as spec::Render returns them)
// of `variant` ("classic" or "gchp") and derives the run. Errors say which parameters clash and
// why, e.g. "resolution=0.25x0.3125 needs met=geosfp (GEOS-FP is the only 0.25x0.3125 met
// field); got met=merra2".
Result<RunConfig> BuildRunConfig(const std::string& variant,
                                 const std::map<std::string, std::string>& params,
                                 const SimCatalog& catalog);

// GCAP 2.0's met directory under the data root: GCAP2/<vertical resolution>/<GISS run id>, e.g.
// "GCAP2/40L/E213SSP245aF40oQ40" (HEMCO's METDIR; file names carry the run id again).
std::string Gcap2MetDir(const RunConfig& run);

// NX and NY for GCHP: NX x NY = cores, NY a multiple of 6, faces NX x NY/6 as square as possible.
// InvalidArgument when cores is not a positive multiple of 6.
Result<std::pair<int, int>> DomainDecomposition(int cores);

// A finished GCHP run succeeded when cap_restart has advanced to the end time and a checkpoint
// exists in `run_dir` (GCHP 14.7 can abort at shutdown after a good run, so the exit code alone
// is not the verdict). FailedPrecondition says what is missing.
Status VerifyGchpRun(const RunConfig& run, const std::string& run_dir);
// Classic: the end-of-run restart Restarts/GEOSChem.Restart.<end>_0000z.nc4 exists; GCHP: as
// VerifyGchpRun.
Status VerifyRun(const RunConfig& run, const std::string& run_dir);

// HISTORY frequency "1d" -> "00000001 000000", "3h" -> "00000000 030000", "1mo" ->
// "00000100 000000", "end" -> "End".
Result<std::string> HistoryFrequency(const std::string& frequency);

}  // namespace awshpc::apps::geoschem
