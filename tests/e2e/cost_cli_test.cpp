// End-to-end tests of `aws-hpc cost ...` and the cost checks of `job submit`: the real binary,
// a temporary AWS_HPC_HOME, real jobs.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

using nlohmann::json;

json ParseJson(const CliResult& result) {
  json parsed = json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << result.out << result.err;
  return parsed;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Submits echo-args for `project` and waits for it; returns the submit's stderr.
std::string RunEcho(const CliRunner& cli, const std::string& project,
                    std::vector<std::string> extra = {}, const std::string& text = "x") {
  std::vector<std::string> args = {"job",       "submit", "echo-args", "-p",        "text=" + text,
                                   "--project", project,  "--wait",    "--timeout", "60s"};
  args.insert(args.end(), extra.begin(), extra.end());
  CliResult result = cli.Run(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.err;
}

TEST(CostCliTest, EveryCostCommandHasHelp) {
  CliRunner cli;
  for (std::vector<std::string> command : {std::vector<std::string>{"cost"},
                                           {"cost", "prices"},
                                           {"cost", "estimate"},
                                           {"cost", "report"},
                                           {"cost", "budget"},
                                           {"cost", "budget", "set"},
                                           {"cost", "budget", "list"},
                                           {"cost", "budget", "delete"}}) {
    command.push_back("--help");
    CliResult result = cli.Run(command);
    EXPECT_EQ(result.exit_code, 0) << command[1];
    EXPECT_NE(result.out.find("Usage:"), std::string::npos);
  }
}

TEST(CostCliTest, PricesFromTheDatedSnapshot) {
  CliRunner cli;
  CliResult result =
      cli.Run({"cost", "prices", "--family", "c5", "--region", "us-east-1", "-o", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json out = ParseJson(result);
  ASSERT_EQ(out["prices"].size(), 9u);
  EXPECT_EQ(out["snapshots"][0]["date"], "2026-01-19");
  bool found = false;
  for (const json& row : out["prices"]) {
    if (row["instance_type"] == "c5.4xlarge") {
      found = true;
      EXPECT_EQ(row["usd_per_hour"], "0.680000");
      EXPECT_EQ(row["vcpus"], 16);
      EXPECT_EQ(row["source"], "karpenter");
    }
  }
  EXPECT_TRUE(found);
  CliResult arm = cli.Run({"cost", "prices", "--arch", "arm64", "--family", "hpc7g"});
  ASSERT_EQ(arm.exit_code, 0);
  EXPECT_NE(arm.out.find("hpc7g.16xlarge  64     128GiB  arm64"), std::string::npos) << arm.out;
  EXPECT_NE(arm.out.find("Snapshot 2026-01-19; sources:"), std::string::npos);
  EXPECT_EQ(cli.Run({"cost", "prices", "--arch", "sparc"}).exit_code, 2);
}

TEST(CostCliTest, GeosChemPublishedRuntimeCostsOneDollarSeven) {
  CliRunner cli;
  const std::map<std::string, std::string> env = {
      {"AWS_HPC_APPS_PATH", AWSHPC_SOURCE_DIR "/apps/examples"}};
  CliResult result = cli.Run({"cost", "estimate", "geos-chem", "--instance", "c5.4xlarge",
                              "--vcpus", "16", "--memory", "32GiB", "--runtime", "5656s"},
                             env);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.substr(0, result.out.find('\n')),
            "Estimate: $1.07 on c5.4xlarge (us-east-1, on-demand), runtime 1h34m16s from "
            "--runtime");
  CliResult compare = cli.Run({"cost", "estimate", "geos-chem", "--compare", "--top", "0",
                               "--runtime", "5656s", "-o", "json"},
                              env);
  ASSERT_EQ(compare.exit_code, 0) << compare.err;
  json out = ParseJson(compare);
  EXPECT_GT(out["estimates"].size(), 100u);
  int pareto = 0;
  for (const json& e : out["estimates"]) pareto += e["pareto"].get<bool>() ? 1 : 0;
  EXPECT_GE(pareto, 1);
  EXPECT_EQ(out["estimates"][0]["pareto"], true);  // the cheapest is always on the front
  CliResult eu = cli.Run({"cost", "estimate", "geos-chem", "--instance", "c5.4xlarge", "--vcpus",
                          "16", "--memory", "32GiB", "--runtime", "5656s", "--region", "eu-west-1"},
                         env);
  EXPECT_NE(eu.out.find("$1.21"), std::string::npos) << eu.out;  // $0.768/h
}

TEST(CostCliTest, SubmitEstimatesReportsAndBudgetsHold) {
  CliRunner cli;
  std::string err = RunEcho(cli, "climate");
  EXPECT_NE(err.find("Estimate: "), std::string::npos) << err;
  err = RunEcho(cli, "climate", {"--quiet"});
  EXPECT_EQ(err.find("Estimate: "), std::string::npos) << err;

  CliResult report = cli.Run({"cost", "report", "--by", "project", "--format", "csv"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(report.out.substr(0, report.out.find('\n')),
            "project,jobs,running_hours,core_hours,cost_usd");
  EXPECT_NE(report.out.find("\nclimate,2,"), std::string::npos) << report.out;
  CliResult by_job = cli.Run({"cost", "report", "--by", "job", "--format", "json"});
  ASSERT_EQ(by_job.exit_code, 0) << by_job.err;
  json jobs = ParseJson(by_job);
  ASSERT_EQ(jobs["jobs"].size(), 2u);
  EXPECT_EQ(jobs["jobs"][0]["basis"], "local: equivalent instance c6g.medium");
  EXPECT_EQ(cli.Run({"cost", "report", "--since", "yesterday"}).exit_code, 2);

  // A budget smaller than one job: refused with the numbers, admitted with --over-budget, and
  // each alert reaches the hook once. With text=y there are no past runs, so the estimate is the
  // walltime limit (1m) on the equivalent c6g.medium: $0.0006.
  const std::string hook_out = cli.home() + "/alerts.jsonl";
  CliResult set =
      cli.Run({"cost", "budget", "set", "--project", "climate", "--monthly", "0.000001", "--alert",
               "50,100", "--hook", "tee", "--hook-arg", "-a", "--hook-arg", hook_out});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  CliResult refused =
      cli.Run({"job", "submit", "echo-args", "-p", "text=y", "--project", "climate"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("project climate is over budget"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--over-budget"), std::string::npos);
  CliResult list = cli.Run({"job", "list", "-o", "json"});
  EXPECT_EQ(ParseJson(list).size(), 2u);  // nothing was submitted

  err = RunEcho(cli, "climate", {"--over-budget"}, "y");
  EXPECT_NE(err.find("budget alert: project climate reaches 50%"), std::string::npos) << err;
  EXPECT_NE(err.find("budget alert: project climate reaches 100%"), std::string::npos) << err;
  const std::string events = Slurp(hook_out);
  EXPECT_EQ(std::count(events.begin(), events.end(), '\n'), 2) << events;
  EXPECT_EQ(json::parse(events.substr(0, events.find('\n')))["project"], "climate");
  EXPECT_EQ(Slurp(cli.home() + "/cost-alerts.log"), events);
  err = RunEcho(cli, "climate", {"--over-budget"}, "y");
  EXPECT_EQ(err.find("budget alert"), std::string::npos) << err;

  CliResult budgets = cli.Run({"cost", "budget", "list", "-o", "json"});
  ASSERT_EQ(budgets.exit_code, 0) << budgets.err;
  json listed = ParseJson(budgets);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["monthly_usd"], "0.000001");
  EXPECT_EQ(listed[0]["hook"], json({"tee", "-a", hook_out}));
  EXPECT_EQ(cli.Run({"cost", "budget", "delete", "--project", "climate"}).exit_code, 0);
  EXPECT_EQ(cli.Run({"cost", "budget", "delete", "--project", "climate"}).exit_code, 3);
  EXPECT_EQ(cli.Run({"cost", "budget", "set", "--project", "x", "--monthly", "-5"}).exit_code, 2);
  EXPECT_EQ(
      cli.Run({"cost", "budget", "set", "--project", "x", "--monthly", "5", "--alert", "80,50"})
          .exit_code,
      2);
}

}  // namespace
}  // namespace awshpc::e2e
