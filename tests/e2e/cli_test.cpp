// End-to-end tests: the real aws-hpc binary, real supervisors, real processes, real SQLite.
#include <gtest/gtest.h>
#include <unistd.h>

#include <future>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

using nlohmann::json;

json ParseJson(const CliResult& result) {
  json parsed = json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << result.out << result.err;
  return parsed;
}

std::string SubmitId(const CliRunner& cli, std::vector<std::string> args) {
  args.insert(args.begin(), {"job", "submit"});
  args.insert(args.end(), {"--output", "json"});
  CliResult result = cli.Run(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return ParseJson(result).value("id", "");
}

json WaitJob(const CliRunner& cli, const std::string& id) {
  CliResult result = cli.Run({"job", "wait", id, "--timeout", "60s", "--output", "json"});
  return ParseJson(result);
}

TEST(CliTest, EveryCommandHasHelp) {
  CliRunner cli;
  const std::vector<std::vector<std::string>> commands = {{},
                                                          {"app"},
                                                          {"app", "list"},
                                                          {"app", "info"},
                                                          {"app", "validate"},
                                                          {"app", "schema"},
                                                          {"job"},
                                                          {"job", "submit"},
                                                          {"job", "list"},
                                                          {"job", "status"},
                                                          {"job", "logs"},
                                                          {"job", "cancel"},
                                                          {"job", "wait"},
                                                          {"completion"},
                                                          {"version"}};
  for (auto command : commands) {
    command.push_back("--help");
    CliResult result = cli.Run(command);
    EXPECT_EQ(result.exit_code, 0) << command.front();
    EXPECT_NE(result.out.find("Usage:"), std::string::npos) << result.out;
  }
  EXPECT_EQ(cli.Run({"version"}).out, "aws-hpc 0.1.0\n");
  CliResult bad = cli.Run({"job", "submit"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("app is required"), std::string::npos) << bad.err;
}

TEST(CliTest, CompletionScriptIsValidBash) {
  CliRunner cli;
  CliResult result = cli.Run({"completion", "bash"});
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("complete -F _aws_hpc aws-hpc"), std::string::npos);
  EXPECT_NE(result.out.find("\"job submit\") words=\""), std::string::npos);
  const std::string path = cli.home() + "/completion.bash";
  FILE* file = std::fopen(path.c_str(), "w");
  std::fputs(result.out.c_str(), file);
  std::fclose(file);
  EXPECT_EQ(std::system(("bash -n '" + path + "'").c_str()), 0);
}

TEST(CliTest, AppsCanBeListedInspectedAndValidated) {
  CliRunner cli;
  CliResult list = cli.Run({"app", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("lammps"), std::string::npos);
  EXPECT_NE(list.out.find("echo-args"), std::string::npos);

  CliResult info = cli.Run({"app", "info", "lammps", "--output", "json"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  json app = ParseJson(info);
  EXPECT_EQ(app["name"], "lammps");
  EXPECT_EQ(app["default_variant"], "mpi");

  CliResult typo = cli.Run({"app", "info", "lamps"});
  EXPECT_EQ(typo.exit_code, 3);
  EXPECT_NE(typo.err.find("did you mean lammps"), std::string::npos) << typo.err;

  CliResult schema = cli.Run({"app", "schema"});
  ASSERT_EQ(schema.exit_code, 0);
  EXPECT_EQ(ParseJson(schema)["$schema"], "https://json-schema.org/draft/2020-12/schema");

  CliResult valid = cli.Run({"app", "validate", AWSHPC_SOURCE_DIR "/apps/lammps/app.yaml"});
  EXPECT_EQ(valid.exit_code, 0) << valid.err;

  const std::string broken = cli.home() + "/broken.yaml";
  FILE* file = std::fopen(broken.c_str(), "w");
  std::fputs(
      "apiVersion: aws-hpc/v1\nname: broken\nversion: '1'\ncomand: [true]\n"
      "variants:\n  - name: a\n    parallelism: mpii\n    command: [true]\n",
      file);
  std::fclose(file);
  CliResult invalid = cli.Run({"app", "validate", broken});
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find(broken + ":4:1: comand"), std::string::npos) << invalid.err;
  EXPECT_NE(invalid.err.find("did you mean \"command\"?"), std::string::npos) << invalid.err;
  EXPECT_NE(invalid.err.find(broken + ":7:18: variants[0].parallelism"), std::string::npos)
      << invalid.err;
}

TEST(CliTest, HostileParameterValuesArriveAsOneLiteralArgument) {
  CliRunner cli;
  const std::vector<std::string> hostile = {
      "; rm -rf ~", "$(id)", "`id`", "a\nb", "'quoted' \"double\"", "--help", "{{ params.file }}"};
  for (const std::string& value : hostile) {
    const std::string id = SubmitId(cli, {"echo-args", "--param", "text=" + value});
    ASSERT_FALSE(id.empty());
    json job = WaitJob(cli, id);
    ASSERT_EQ(job["state"], "SUCCEEDED") << job.dump();
    CliResult logs = cli.Run({"job", "logs", id});
    EXPECT_EQ(logs.out, "[" + value + "][data.txt]") << value;
    EXPECT_EQ(job["parameters"]["text"], value);
  }
}

TEST(CliTest, HostileValuesAreRejectedByTheirType) {
  CliRunner cli;
  for (std::string bad : {"../../etc/passwd", "/etc/passwd", "a/../../b"}) {
    CliResult result = cli.Run({"job", "submit", "echo-args", "-p", "text=x", "-p", "file=" + bad});
    EXPECT_EQ(result.exit_code, 2) << bad;
    EXPECT_NE(result.err.find("file"), std::string::npos) << result.err;
  }
  CliResult unknown = cli.Run({"job", "submit", "echo-args", "-p", "txt=x"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("did you mean text"), std::string::npos) << unknown.err;
  CliResult missing = cli.Run({"job", "submit", "echo-args"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("text"), std::string::npos) << missing.err;
  CliResult not_int = cli.Run({"job", "submit", "exit-code", "-p", "code=3; reboot"});
  EXPECT_EQ(not_int.exit_code, 2);
  CliResult list = cli.Run({"job", "list", "--output", "json"});
  EXPECT_EQ(ParseJson(list).size(), 0u) << "a rejected submission must not create a job";
}

TEST(CliTest, WaitExitCodesFollowTheJobsOutcome) {
  CliRunner cli;
  CliResult ok = cli.Run({"job", "submit", "exit-code", "--wait"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("SUCCEEDED"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("History"), std::string::npos);
  CliResult failed = cli.Run({"job", "submit", "exit-code", "-p", "code=3", "--wait"});
  EXPECT_EQ(failed.exit_code, 4);
  EXPECT_NE(failed.out.find("exit code 3"), std::string::npos) << failed.out;
}

TEST(CliTest, StatusListLogsAndPrefixes) {
  CliRunner cli;
  const std::string id = SubmitId(cli, {"exit-code", "-p", "code=7", "--name", "seven"});
  json job = WaitJob(cli, id);
  EXPECT_EQ(job["state"], "FAILED");
  EXPECT_EQ(job["exit_code"], 7);
  EXPECT_EQ(job["name"], "seven");
  EXPECT_EQ(job["resources"]["vcpus"], 1);
  std::vector<std::string> states;
  for (const auto& change : job["history"]) states.push_back(change["state"]);
  EXPECT_EQ(states,
            (std::vector<std::string>{"SUBMITTED", "RUNNABLE", "STARTING", "RUNNING", "FAILED"}));
  CliResult by_prefix = cli.Run({"job", "status", id.substr(0, 6), "--output", "yaml"});
  EXPECT_EQ(by_prefix.exit_code, 0) << by_prefix.err;
  EXPECT_NE(by_prefix.out.find("id: \"" + id + "\""), std::string::npos) << by_prefix.out;
  EXPECT_EQ(cli.Run({"job", "logs", id}).out, "exiting with 7\n");
  CliResult failed_only = cli.Run({"job", "list", "--status", "failed", "--output", "json"});
  EXPECT_EQ(ParseJson(failed_only).size(), 1u);
  CliResult succeeded_only = cli.Run({"job", "list", "--status", "SUCCEEDED", "--output", "json"});
  EXPECT_EQ(ParseJson(succeeded_only).size(), 0u);
  CliResult table = cli.Run({"job", "list"});
  EXPECT_NE(table.out.find("ID"), std::string::npos);
  EXPECT_NE(table.out.find(id), std::string::npos);
  EXPECT_EQ(cli.Run({"job", "status", "j-zzzzzzzz"}).exit_code, 3);
  EXPECT_EQ(cli.Run({"job", "list", "--status", "RUNING"}).exit_code, 2);
}

TEST(CliTest, JobsOutliveTheCliAndTheirEndIsRecordedWithoutIt) {
  CliRunner cli;
  CliResult submitted =
      cli.Run({"job", "submit", "sleeper", "-p", "seconds=2", "--quiet", "--output", "json"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  json at_submit = ParseJson(submitted);
  const std::string id = at_submit["id"];
  // The submit command returned while the job was still live: it did not wait for it.
  EXPECT_NE(at_submit["state"], "SUCCEEDED");
  EXPECT_EQ(at_submit["ended_at"], nullptr);
  // No aws-hpc process runs while the job finishes (generous: CI machines are loaded).
  ::usleep(6'000'000);
  CliResult status = cli.Run({"job", "status", id, "--output", "json"});
  json job = ParseJson(status);
  EXPECT_EQ(job["state"], "SUCCEEDED") << status.out;
  EXPECT_EQ(cli.Run({"job", "logs", id}).out, "done\n");
}

TEST(CliTest, CancelStopsARunningJobAndWaitReportsIt) {
  CliRunner cli;
  const std::string id = SubmitId(cli, {"sleeper", "-p", "seconds=60"});
  for (int i = 0; i < 100; ++i) {
    if (JsonField(cli.Run({"job", "status", id, "--output", "json"}).out, "state") == "RUNNING") {
      break;
    }
    ::usleep(50'000);
  }
  CliResult cancel = cli.Run({"job", "cancel", id});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_NE(cancel.out.find("CANCELLED"), std::string::npos) << cancel.out;
  EXPECT_EQ(cli.Run({"job", "wait", id}).exit_code, 5);
  CliResult again = cli.Run({"job", "cancel", id});
  EXPECT_EQ(again.exit_code, 7);
  EXPECT_NE(again.err.find("already"), std::string::npos) << again.err;
}

TEST(CliTest, ManyCliProcessesAtOnceAreSafe) {
  CliRunner cli;
  std::vector<std::future<std::string>> submits;
  for (int i = 0; i < 8; ++i) {
    submits.push_back(std::async(std::launch::async, [&cli] {
      return SubmitId(cli, {"sleeper", "-p", "seconds=0.2"});
    }));
  }
  std::set<std::string> ids;
  for (auto& submit : submits) ids.insert(submit.get());
  EXPECT_EQ(ids.size(), 8u);
  for (const std::string& id : ids) EXPECT_EQ(WaitJob(cli, id)["state"], "SUCCEEDED") << id;
}

TEST(CliTest, RealLammpsRunRecordsItsPerformance) {
  CliRunner cli;
  CliResult result = cli.Run({"job", "submit", "lammps", "-p", "steps=100", "-p", "box=10",
                              "--vcpus", "2", "--wait", "--output", "json"},
                             {{"AWS_HPC_LOCAL_VCPUS", "2"}});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  json job = ParseJson(result);
  EXPECT_EQ(job["state"], "SUCCEEDED");
  EXPECT_EQ(job["metrics"]["atoms"], 4000);
  EXPECT_EQ(job["metrics"]["steps"], 100);
  EXPECT_EQ(job["metrics"]["mpi_ranks"], 2);
  EXPECT_GT(job["metrics"]["timesteps_per_second"].get<double>(), 0);
  EXPECT_GT(job["usage"]["core_hours"].get<double>(), 0);
  EXPECT_GT(job["usage"]["cpu_user_seconds"].get<double>(), 0);
}

}  // namespace
}  // namespace awshpc::e2e
