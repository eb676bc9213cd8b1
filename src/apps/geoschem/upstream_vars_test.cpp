// File: upstream_vars_test.cpp
// The RUNDIR variables GEOS-Chem's own run/ files need, written down from geoschem/geos-chem
// (the commit each list was read at is cited), and the proof that a run directory app config
// plans defines every one: aws-hpc computes it (RunDirVariables) or a settings file the plan
// reads defines it. A template needing a variable nobody defines would stop the job at start.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "awshpc/apps/geoschem/run_directory.hpp"
#include "awshpc/apps/geoschem/rundir_completion.hpp"
#include "test_support.hpp"

namespace awshpc::apps::geoschem {
namespace {

struct UpstreamVarList {
  const char* file;    // path in geoschem/geos-chem
  const char* commit;  // where the list was read
  std::vector<std::string> names;
};

// Templates the stager renders with `substitute` (or the inventory sections it appends): every
// ${RUNDIR_*} in them.
const UpstreamVarList kGmaoMetfields = {
    "run/GCClassic/HEMCO_Config.rc.templates/HEMCO_Config.rc.gmao_metfields",
    "3d9a0d26bb047c9f62b7ca134954c8afab1c7583",
    {"RUNDIR_DATA_ROOT", "RUNDIR_MET_DIR", "RUNDIR_METLIGHTNING", "RUNDIR_METLIGHTNING_RES",
     "RUNDIR_MET_LCLIM"}};
const UpstreamVarList kCapRc = {"run/GCHP/CAP.rc.template",
                                "3a70dbb68807e054cf1c1d14fff278c58ec387ff",
                                {"RUNDIR_SIM_DUR_YYYYMMDD", "RUNDIR_SIM_DUR_HHmmSS"}};

// GCHP.rc.template substitutes the met settings only (its grid and decomposition lines are
// literal; upstream's setCommonRunSettings.sh rewrites them). At this commit it also reads
// RUNDIR_METEOROLOGY_VERTICAL_INDEX_IS_TOP_DOWN, which the stored merra2.txt (a later commit,
// with the per-field MET_*_IS_TOP_DOWN instead) no longer defines: which pair 14.4.3 ships is not
// established here, so only the variable both agree on is pinned (docs/geos-chem.md).
const UpstreamVarList kGchpRc = {"run/GCHP/GCHP.rc.template",
                                 "25d48b351de9425b439fe57794d860a7497675e9",
                                 {"RUNDIR_IMPORT_MASS_FLUX_FROM_EXTDATA"}};

// setCommonRunSettings.sh.template's settings section (init_rd.sh substitutes it; the stager
// renders it and puts aws-hpc's settings after it, docs/geos-chem.md). Only this commit was
// stored; it is not established to be 14.4.3's.
const UpstreamVarList kRunSettings = {
    "run/GCHP/setCommonRunSettings.sh.template",
    "0555bc80fcc65a3b768c9b074e46d3c2e1269b44",
    {"RUNDIR_NUM_CORES", "RUNDIR_NUM_NODES", "RUNDIR_CORES_PER_NODE", "RUNDIR_CS_RES",
     "RUNDIR_SIM_DUR_YYYYMMDD", "RUNDIR_SIM_DUR_HHmmSS", "RUNDIR_HIST_MONTHLY_DIAG",
     "RUNDIR_HIST_TIME_AVG_FREQ", "RUNDIR_HIST_TIME_AVG_DUR"}};

// The variables createRunDir.sh sets inline (not from a settings file) for the standard option.
const UpstreamVarList kClassicCreateRunDir = {
    "run/GCClassic/createRunDir.sh",
    "000205c86ade5f906f17a628856d8620736111b9",
    {"RUNDIR_GC_MODE",           "RUNDIR_DATA_ROOT",
     "RUNDIR_SIM_NAME",          "RUNDIR_SIM_EXTRA_OPTION",
     "RUNDIR_COMPLEX_SOA",       "RUNDIR_SVPOA",
     "RUNDIR_DUSTALK_EXT",       "RUNDIR_ACID_UPTAKE",
     "RUNDIR_MARINE_POA",        "RUNDIR_RRTMG_OPTS",
     "RUNDIR_USE_RRTMG",         "RUNDIR_USE_NLPBL",
     "RUNDIR_USE_ONLINE_O3",     "RUNDIR_MET_FIELD_CONFIG",
     "RUNDIR_GCAP2_SCENARIO",    "RUNDIR_GISS_RES",
     "RUNDIR_GCAP2_VERTRES",     "RUNDIR_GCAP2_RUNID",
     "RUNDIR_MET_AVAIL",         "RUNDIR_USE_AEIC",
     "RUNDIR_MEGAN_EXT",         "RUNDIR_GRID_HALF_POLAR",
     "RUNDIR_GRID_DOMAIN_NAME",  "RUNDIR_GRID_LON_RANGE",
     "RUNDIR_GRID_LAT_RANGE",    "RUNDIR_TRANSPORT_TS",
     "RUNDIR_CHEMISTRY_TS",      "RUNDIR_CENTER_LON_180",
     "RUNDIR_DUSTDEAD_TF",       "RUNDIR_GRID_NLEV",
     "RUNDIR_SIM_START_DATE",    "RUNDIR_SIM_END_DATE",
     "RUNDIR_SIM_START_TIME",    "RUNDIR_SIM_END_TIME",
     "RUNDIR_HIST_TIME_AVG_DUR", "RUNDIR_HIST_TIME_AVG_FREQ",
     "RUNDIR_HIST_INST_DUR",     "RUNDIR_HIST_INST_FREQ",
     "RUNDIR_HIST_MONTHLY_DIAG", "RUNDIR_USE_GCCLASSIC_TIMERS",
     "RUNDIR_DUSTDEAD_EXT",      "RUNDIR_SEASALT_EXT",
     "RUNDIR_SOILNOX_EXT",       "RUNDIR_OFFLINE_DUST",
     "RUNDIR_OFFLINE_BIOVOC",    "RUNDIR_OFFLINE_SEASALT",
     "RUNDIR_OFFLINE_SOILNOX",   "RUNDIR_TOMAS_SEASALT",
     "RUNDIR_TOMAS_DUSTDEAD"}};
// Set for fullchem and aerosol only (Classic), fullchem only (GCHP).
const std::vector<std::string> kVolcanoVars = {"RUNDIR_VOLC_CLIMATOLOGY", "RUNDIR_VOLC_TABLE"};

// GCHP's createRunDir.sh, read on the 14.7 line (its restarts are GC_14.7.0); the inline
// variables after the questions, which 14.4's init_rd.sh templates read too.
const UpstreamVarList kGchpCreateRunDir = {"run/GCHP/createRunDir.sh",
                                           "0249d7942834deb07d0f0646b5207bc92668a1ba",
                                           {"RUNDIR_SIM_DUR_YYYYMMDD",
                                            "RUNDIR_SIM_DUR_HHmmSS",
                                            "RUNDIR_HIST_TIME_AVG_DUR",
                                            "RUNDIR_HIST_TIME_AVG_FREQ",
                                            "RUNDIR_HIST_INST_DUR",
                                            "RUNDIR_HIST_INST_FREQ",
                                            "RUNDIR_HIST_MONTHLY_DIAG",
                                            "RUNDIR_NUM_CORES",
                                            "RUNDIR_NUM_NODES",
                                            "RUNDIR_CORES_PER_NODE",
                                            "RUNDIR_CS_RES",
                                            "RUNDIR_DUSTL23M_EXT",
                                            "RUNDIR_MEGAN_EXT",
                                            "RUNDIR_SEASALT_EXT",
                                            "RUNDIR_SOILNOX_EXT",
                                            "RUNDIR_OFFLINE_DUST",
                                            "RUNDIR_OFFLINE_BIOVOC",
                                            "RUNDIR_OFFLINE_SEASALT",
                                            "RUNDIR_OFFLINE_SOILNOX",
                                            "RUNDIR_TOMAS_SEASALT",
                                            "RUNDIR_TOMAS_DUSTDEAD",
                                            "RUNDIR_INITIAL_RESTART_SPECIES_REQUIRED"}};

// Settings files the plan names (path in the template tree -> what upstream's file defines, and
// the variables its values expand, which must be known before it is read).
struct UpstreamSettings {
  UpstreamVarList defines;
  std::vector<std::string> expands;
};
const std::map<std::string, UpstreamSettings> kSettings = {
    {"shared/settings/merra2.txt",
     {{"run/shared/settings/merra2.txt",
       "1721f0eaeccaa77a4ff8fbcbcd78b0912b5cc786",
       {"RUNDIR_MET",
        "RUNDIR_MET_LOWERCASE",
        "RUNDIR_MET_DIR",
        "RUNDIR_MET_DIR_RAW",
        "RUNDIR_MET_MASS_FLUX_IS_TOP_DOWN",
        "RUNDIR_MET_WIND_IS_TOP_DOWN",
        "RUNDIR_MET_HUMIDITY_IS_TOP_DOWN",
        "RUNDIR_MET_NONADVECTION_IS_TOP_DOWN",
        "RUNDIR_IMPORT_MASS_FLUX_FROM_EXTDATA",
        "RUNDIR_USE_TOTAL_AIR_PRESSURE_IN_ADVECTION",
        "RUNDIR_MET_RES",
        "RUNDIR_MET_RAW_RES",
        "RUNDIR_MET_LAT_RES",
        "RUNDIR_MET_LON_RES",
        "RUNDIR_MET_EXT",
        "RUNDIR_MET_CN_YR",
        "RUNDIR_METLIGHTNING",
        "RUNDIR_METLIGHTNING_DIR",
        "RUNDIR_METLIGHTNING_RES",
        "RUNDIR_LIGHTNOX_CLIM",
        "RUNDIR_LIGHTNOX_DIR",
        "RUNDIR_MET_LCLIM",
        "RUNDIR_PHOT_CLD_NLEV",
        "RUNDIR_OFFLINE_BIOVOC_DIR",
        "RUNDIR_OFFLINE_DUST_DIR",
        "RUNDIR_OFFLINE_SEASALT_DIR",
        "RUNDIR_OFFLINE_SOILNOX_DIR",
        "RUNDIR_OFFLINE_EMIS_RES",
        "RUNDIR_OFFLINE_EMIS_LAT_RES",
        "RUNDIR_MET_EXTDATA_PRIMARY_EXPORTS",
        "RUNDIR_MET_EXTDATA_DERIVED_EXPORTS"}},
      {"RUNDIR_DATA_ROOT", "RUNDIR_GRID_DIR"}}},
    {"shared/settings/4x5.txt",
     {{"run/shared/settings/4x5.txt",
       "58af13dae2eb1e25f5500bdd70aff1416b215eee",
       {"RUNDIR_GRID_RES", "RUNDIR_GRID_RES_LONG", "RUNDIR_GRID_DIR"}},
      {}}},
    {"shared/settings/global_grid.txt",
     {{"run/shared/settings/global_grid.txt",
       "20d872bce6d80954e54a1fdc2f78979b2d721725",
       {"RUNDIR_GRID_DOMAIN_NAME", "RUNDIR_GRID_LON_RANGE", "RUNDIR_GRID_LAT_RANGE",
        "RUNDIR_GRID_NESTED_SIM", "RUNDIR_GRID_BUFFER_ZONE", "RUNDIR_USE_BCs"}},
      {}}},
    // Its first lines (the file goes on with inventory lines for other simulations).
    {"shared/settings/gmao_hemco.txt",
     {{"run/shared/settings/gmao_hemco.txt",
       "20aa296d96c1eb3afb291b17ed450e21420566e8",
       {"RUNDIR_GFED_EXT", "RUNDIR_USE_CEDS", "RUNDIR_USE_TSC2H6", "RUNDIR_USE_XIAOC3H8",
        "RUNDIR_USE_AEIC", "RUNDIR_USE_GMDCH4", "RUNDIR_USE_SFCVMR", "RUNDIR_CMIP6_FIELDS",
        "RUNDIR_GCAP2_VERTRES", "RUNDIR_Bry_DIR", "RUNDIR_GMI_DIR", "RUNDIR_UCX_DIR",
        "RUNDIR_OCEAN_MASK"}},
      {}}},
};

class UpstreamVariablesTest : public testing::GeosChemTest {
 protected:
  struct Defined {
    std::set<std::string> by_aws_hpc;
    std::set<std::string> by_settings;
    std::vector<std::string> settings_files;
  };

  // What a run directory's completion knows: aws-hpc's variables and, for each settings file the
  // plan reads that is pinned above, what upstream's file defines.
  Defined DefinedFor(const std::string& variant, testing::Params params) {
    Defined out;
    auto run = Build(variant, std::move(params));
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    if (!run.ok()) return out;
    const auto vars = RunDirVariables(*run, runs_.catalog());
    for (const auto& [name, value] : vars) out.by_aws_hpc.insert(name);
    auto plan = PlanCompletion(*run, vars, testing::kAppDir, {});
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (!plan.ok()) return out;
    out.settings_files = plan->settings;
    for (const std::string& file : plan->settings) {
      auto it = kSettings.find(file);
      if (it == kSettings.end()) continue;
      // A settings file's values expand variables that must be known when it is read.
      for (const std::string& name : it->second.expands) {
        EXPECT_TRUE(out.by_aws_hpc.count(name) != 0 || out.by_settings.count(name) != 0)
            << file << " expands ${" << name << "}, which nothing read before it defines";
      }
      out.by_settings.insert(it->second.defines.names.begin(), it->second.defines.names.end());
    }
    return out;
  }

  static void ExpectAllDefined(const Defined& defined, const UpstreamVarList& list,
                               const std::string& run) {
    for (const std::string& name : list.names) {
      EXPECT_TRUE(defined.by_aws_hpc.count(name) != 0 || defined.by_settings.count(name) != 0)
          << run << ": ${" << name << "} of " << list.file << " (geoschem/geos-chem@" << list.commit
          << ") is defined neither by aws-hpc nor by a settings file it reads";
    }
  }

  static void ExpectAwsHpcDefines(const Defined& defined, const std::vector<std::string>& names,
                                  const std::string& run, const char* source) {
    for (const std::string& name : names) {
      EXPECT_EQ(defined.by_aws_hpc.count(name), 1u)
          << run << ": " << source << " sets " << name << " inline; aws-hpc does not";
    }
  }
};

TEST_F(UpstreamVariablesTest, ClassicFullchem4x5Merra2DefinesEveryVariable) {
  const Defined defined = DefinedFor("classic", {});
  EXPECT_THAT(
      defined.settings_files,
      ::testing::ElementsAre("shared/settings/4x5.txt", "shared/settings/global_grid.txt",
                             "shared/settings/merra2.txt", "shared/settings/gmao_hemco.txt"));
  ExpectAllDefined(defined, kGmaoMetfields, "fullchem 4x5 merra2");
  ExpectAllDefined(defined, kClassicCreateRunDir, "fullchem 4x5 merra2");
  ExpectAwsHpcDefines(defined, kVolcanoVars, "fullchem 4x5 merra2", "createRunDir.sh");
  // The lightning and met directories come from merra2.txt, not from aws-hpc.
  EXPECT_EQ(defined.by_aws_hpc.count("RUNDIR_METLIGHTNING"), 0u);
  EXPECT_EQ(defined.by_settings.count("RUNDIR_METLIGHTNING"), 1u);
}

TEST_F(UpstreamVariablesTest, ClassicTransportTracersAndCh4DefineEveryInlineVariable) {
  for (const char* sim : {"TransportTracers", "CH4"}) {
    SCOPED_TRACE(sim);
    const Defined defined = DefinedFor("classic", {{"simulation", sim}});
    ExpectAllDefined(defined, kGmaoMetfields, sim);
    ExpectAllDefined(defined, kClassicCreateRunDir, sim);
    // Not fullchem or aerosol: no volcano tables, as createRunDir.sh.
    for (const std::string& name : kVolcanoVars) EXPECT_EQ(defined.by_aws_hpc.count(name), 0u);
  }
}

TEST_F(UpstreamVariablesTest, NestedGridSetsItsDomainAsCreateRunDirDoes) {
  auto run = Build("classic", {{"resolution", "0.5x0.625"}, {"domain", "NA"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const auto vars = RunDirVariables(*run, runs_.catalog());
  const Defined defined = DefinedFor("classic", {{"resolution", "0.5x0.625"}, {"domain", "NA"}});
  // Nested: no global_grid.txt, so every inline variable is aws-hpc's own.
  EXPECT_THAT(defined.settings_files,
              ::testing::Not(::testing::Contains(std::string("shared/settings/global_grid.txt"))));
  ExpectAwsHpcDefines(defined, kClassicCreateRunDir.names, "fullchem 0.5x0.625 NA",
                      kClassicCreateRunDir.file);
  EXPECT_EQ(vars.at("RUNDIR_GRID_DOMAIN_NAME"), "NA");
  EXPECT_EQ(vars.at("RUNDIR_GRID_LON_RANGE"), "[-140.0, -40.0]");
  EXPECT_EQ(vars.at("RUNDIR_GRID_LAT_RANGE"), "[  10.0,  70.0]");
}

TEST_F(UpstreamVariablesTest, Gcap2DefinesEveryInlineVariable) {
  const testing::Params params = {
      {"met", "gcap2"},
      {"levels", "40"},
      {"scenario", "SSP2-4.5"},
      {"resolution", "2x2.5"},
      {"start", "2040-07-01"},
      {"end", "2040-07-03"},
      {"restart", "s3://my-restarts/GEOSChem.Restart.20400701_0000z.nc4"}};
  const Defined defined = DefinedFor("classic", params);
  ExpectAllDefined(defined, kClassicCreateRunDir, "gcap2");
  EXPECT_THAT(defined.settings_files,
              ::testing::Contains(std::string("shared/settings/gcap2_hemco.txt")));
}

TEST_F(UpstreamVariablesTest, GchpC24DefinesEveryVariable) {
  const Defined defined = DefinedFor("gchp", {{"resolution", "C24"}, {"cores", "6"}});
  EXPECT_THAT(defined.settings_files, ::testing::ElementsAre("shared/settings/merra2.txt",
                                                             "shared/settings/gmao_hemco.txt"));
  ExpectAllDefined(defined, kCapRc, "GCHP C24");
  ExpectAllDefined(defined, kGchpRc, "GCHP C24");
  // The settings the script's code reads are aws-hpc's, not a settings file's.
  ExpectAwsHpcDefines(defined, kRunSettings.names, "GCHP C24", kRunSettings.file);
  ExpectAwsHpcDefines(defined, kGchpCreateRunDir.names, "GCHP C24", kGchpCreateRunDir.file);
  ExpectAwsHpcDefines(defined, kVolcanoVars, "GCHP C24", "createRunDir.sh");
}

TEST_F(UpstreamVariablesTest, HistorySettingsFollowTheRunsFrequency) {
  auto run = Build("classic", {{"frequency", "1mo"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto vars = RunDirVariables(*run, runs_.catalog());
  EXPECT_EQ(vars.at("RUNDIR_HIST_TIME_AVG_FREQ"), "00000100 000000");
  EXPECT_EQ(vars.at("RUNDIR_HIST_INST_DUR"), "00000100 000000");
  EXPECT_EQ(vars.at("RUNDIR_HIST_MONTHLY_DIAG"), "1");
  run = Build("gchp", {{"resolution", "C24"}, {"cores", "6"}, {"frequency", "3h"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  vars = RunDirVariables(*run, runs_.catalog());
  EXPECT_EQ(vars.at("RUNDIR_HIST_TIME_AVG_FREQ"), "030000");
  EXPECT_EQ(vars.at("RUNDIR_HIST_MONTHLY_DIAG"), "0");
}

}  // namespace
}  // namespace awshpc::apps::geoschem
