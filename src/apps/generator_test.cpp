// File: generator_test.cpp
// The generator registry: registration by name, lookup errors that list the apps with a
// generator, and GEOS-Chem's generator through the registry on the real apps/geos-chem data.
#include "awshpc/apps/generator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "../aws/test_util.hpp"
#include "geoschem/test_support.hpp"

namespace awshpc::apps {
namespace {

using ::testing::HasSubstr;

using geoschem::testing::kAppDir;

// A generator whose run only records what it was asked.
class EchoRun final : public PreparedRun {
 public:
  explicit EchoRun(std::string text) : text_(std::move(text)) {}
  std::string Description() const override { return text_; }
  std::vector<std::string> Details() const override { return {}; }
  Result<std::vector<std::string>> WriteRunDirectory(const std::string&, bool) const override {
    return std::vector<std::string>{};
  }
  Result<DataManifest> InputData(const std::string&) const override { return DataManifest{}; }
  Status Verify(const std::string&) const override { return Status::Ok(); }
  std::string VerifiedSummary() const override { return text_; }

 private:
  std::string text_;
};

RunGenerator EchoGenerator(const std::string& app) {
  RunGenerator g;
  g.app = app;
  g.buckets = {{"data-" + app, "eu-west-1"}};
  g.prepare =
      [](const std::string& dir, const std::string& variant,
         const std::map<std::string, std::string>& params) -> Result<std::unique_ptr<PreparedRun>> {
    return std::unique_ptr<PreparedRun>(std::make_unique<EchoRun>(
        dir + " " + variant + " " + (params.count("x") ? params.at("x") : "-")));
  };
  return g;
}

TEST(GeneratorRegistryTest, RegistersByNameAndListsAppsThatHaveOne) {
  GeneratorRegistry registry;
  auto none = registry.Find("wrf");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(),
            "app \"wrf\" has no run-directory generator (apps with one: none; see "
            "docs/adding-applications.md)");

  ASSERT_TRUE(registry.Register(EchoGenerator("wrf")).ok());
  ASSERT_TRUE(registry.Register(EchoGenerator("cesm")).ok());
  auto again = registry.Register(EchoGenerator("wrf"));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  RunGenerator empty;
  EXPECT_EQ(registry.Register(empty).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Names(), (std::vector<std::string>{"cesm", "wrf"}));

  auto wrf = registry.Find("wrf");
  ASSERT_TRUE(wrf.ok()) << wrf.status().ToString();
  auto run = (*wrf)->prepare("/apps/wrf", "mpi", {{"x", "1"}});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ((*run)->Description(), "/apps/wrf mpi 1");
  EXPECT_EQ((*wrf)->BucketRegion("data-wrf"), "eu-west-1");
  EXPECT_EQ((*wrf)->BucketRegion("my-mirror"), "eu-west-1");  // a mirror: the default's region

  auto lammps = registry.Find("lammps");
  ASSERT_FALSE(lammps.ok());
  EXPECT_THAT(lammps.status().message(), HasSubstr("(apps with one: cesm or wrf;"));
}

TEST(GeneratorRegistryTest, BuiltinHasGeosChemAndItsBuckets) {
  const GeneratorRegistry& builtin = GeneratorRegistry::Builtin();
  EXPECT_EQ(builtin.Names(), std::vector<std::string>{"geos-chem"});
  auto geoschem = builtin.Find("geos-chem");
  ASSERT_TRUE(geoschem.ok());
  EXPECT_EQ((*geoschem)->buckets.front().first, "gcgrid");
  EXPECT_EQ((*geoschem)->BucketRegion("geos-chem"), "us-west-2");
  EXPECT_EQ((*geoschem)->BucketRegion("gcgrid"), "us-east-1");
  EXPECT_THAT(builtin.Find("lammps").status().message(), HasSubstr("(apps with one: geos-chem;"));
}

TEST(GeneratorRegistryTest, GeosChemThroughTheRegistry) {
  auto generator = GeneratorRegistry::Builtin().Find("geos-chem");
  ASSERT_TRUE(generator.ok());
  std::map<std::string, std::string> params = {{"simulation", "TransportTracers"},
                                               {"met", "merra2"},
                                               {"resolution", "C90"},
                                               {"domain", "global"},
                                               {"levels", "72"},
                                               {"start", "2019-07-01"},
                                               {"end", "2019-07-02"},
                                               {"frequency", "1d"},
                                               {"mode", "time-averaged"},
                                               {"cores", "96"},
                                               {"nodes", "2"}};
  auto run = (*generator)->prepare(kAppDir, "gchp", params);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ((*run)->Description(),
            "a GCHP run directory (TransportTracers MERRA2 C90 72 levels, 20190701 to 20190702, 1 "
            "days)");
  EXPECT_THAT((*run)->Details(),
              ::testing::ElementsAre("GCHP: 96 cores on 2 nodes, NX=4 NY=24, CS_RES=90."));
  aws::testing::TempDir dir;
  auto written = (*run)->WriteRunDirectory(dir.path() + "/run", false);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_THAT(*written, ::testing::Contains("setCommonRunSettings.sh"));
  auto manifest = (*run)->InputData("gcgrid");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_FALSE(manifest->entries.empty());
  EXPECT_EQ((*run)->Verify(dir.path() + "/run").code(), StatusCode::kFailedPrecondition);

  params["cores"] = "100";
  auto refused = (*generator)->prepare(kAppDir, "gchp", params);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("multiple of 6"));
}

// An array job's rows (job submit --param-file): each row is prepared, the job carries their one
// rule; rows with different rules, or a row the generator refuses, are named.
TEST(GeneratorRegistryTest, ArrayJobCarriesItsRowsCommonSuccessRule) {
  const auto task = [](const std::string& simulation, const std::string& end,
                       const std::string& cores) {
    sched::JobRequest t;
    t.app = "geos-chem";
    t.variant = "gchp";
    t.parameters = {{"simulation", simulation},
                    {"met", "merra2"},
                    {"resolution", "C24"},
                    {"domain", "global"},
                    {"levels", "72"},
                    {"start", "2019-07-01"},
                    {"end", end},
                    {"frequency", "1d"},
                    {"mode", "time-averaged"},
                    {"cores", cores},
                    {"nodes", "1"}};
    return t;
  };
  const std::vector<std::string> rows = {"runs.csv:2", "runs.csv:3"};
  sched::JobRequest job;
  job.app = "geos-chem";
  ASSERT_TRUE(AttachArraySuccessRule(GeneratorRegistry::Builtin(), kAppDir,
                                     {task("fullchem", "2019-07-08", "24"),
                                      task("TransportTracers", "2019-07-08", "48")},
                                     rows, job)
                  .ok());
  ASSERT_EQ(job.environment.count(verdict::kSuccessRuleVariable), 1u);
  auto rule = verdict::DecodeSuccessRule(job.environment.at(verdict::kSuccessRuleVariable));
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();
  EXPECT_THAT(rule->summary, HasSubstr("20190708"));
  // The same as a single job of either row.
  sched::JobRequest single = task("fullchem", "2019-07-08", "24");
  ASSERT_TRUE(AttachSuccessRule(GeneratorRegistry::Builtin(), kAppDir, single).ok());
  EXPECT_EQ(single.environment.at(verdict::kSuccessRuleVariable),
            job.environment.at(verdict::kSuccessRuleVariable));

  sched::JobRequest differing;
  Status refused = AttachArraySuccessRule(
      GeneratorRegistry::Builtin(), kAppDir,
      {task("fullchem", "2019-07-08", "24"), task("fullchem", "2019-07-15", "24")}, rows,
      differing);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("runs.csv:2 and runs.csv:3"));
  EXPECT_THAT(refused.message(), HasSubstr("20190715"));
  EXPECT_THAT(refused.message(), HasSubstr("separate arrays"));
  EXPECT_EQ(differing.environment.count(verdict::kSuccessRuleVariable), 0u);

  sched::JobRequest bad_row;
  refused = AttachArraySuccessRule(
      GeneratorRegistry::Builtin(), kAppDir,
      {task("fullchem", "2019-07-08", "24"), task("fullchem", "2019-07-08", "25")}, rows, bad_row);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("runs.csv:3"));
  EXPECT_THAT(refused.message(), HasSubstr("multiple of 6"));

  // An app without a generator: judged by the exit code, nothing attached.
  sched::JobRequest echo_job;
  sched::JobRequest echo_task;
  echo_task.app = "echo";
  ASSERT_TRUE(AttachArraySuccessRule(GeneratorRegistry::Builtin(), kAppDir, {echo_task, echo_task},
                                     rows, echo_job)
                  .ok());
  EXPECT_TRUE(echo_job.environment.empty());
}

}  // namespace
}  // namespace awshpc::apps
