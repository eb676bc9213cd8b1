// End-to-end tests of `aws-hpc cost ...` and the cost checks of `job submit`: the real binary,
// a temporary AWS_HPC_HOME, real jobs.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

using nlohmann::json;

json ParseJson(const CliResult& result) {
  json parsed = json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << result.out << result.err;
  return parsed;
}

std::string ReadCostTestFile(const std::string& path) {
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
                                           {"cost", "budget", "delete"},
                                           {"cost", "refresh"}}) {
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

// Prices outside us-east-1 come from the snapshot's skypilot rows (docs/cost.md, coverage).
TEST(CostCliTest, PricesInEuCentral1ForM7i) {
  CliRunner cli;
  CliResult result =
      cli.Run({"cost", "prices", "--region", "eu-central-1", "--family", "m7i", "-o", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json out = ParseJson(result);
  ASSERT_EQ(out["prices"].size(), 11u);  // every m7i size, .large to .metal-48xl
  std::map<std::string, std::string> price_of;
  for (const json& row : out["prices"]) {
    EXPECT_EQ(row["region"], "eu-central-1");
    EXPECT_EQ(row["source"], "skypilot");
    price_of[row["instance_type"].get<std::string>()] = row["usd_per_hour"].get<std::string>();
  }
  EXPECT_EQ(price_of["m7i.large"], "0.120750");
  EXPECT_EQ(price_of["m7i.48xlarge"], "11.592000");
  EXPECT_EQ(price_of["m7i.metal-24xl"], "5.796000");
  CliResult table = cli.Run({"cost", "prices", "--region", "eu-central-1", "--family", "m7i"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("m7i.large"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("eu-central-1"), std::string::npos) << table.out;
  // AWS sells hpc7g in neither us-east-2 nor eu-central-1: no price, no estimate of one.
  CliResult hpc =
      cli.Run({"cost", "prices", "--region", "eu-central-1", "--family", "hpc7g", "-o", "json"});
  ASSERT_EQ(hpc.exit_code, 0) << hpc.err;
  EXPECT_TRUE(ParseJson(hpc)["prices"].empty());
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
            "project,jobs,running_hours,core_hours,storage_usd,cost_usd");
  EXPECT_NE(report.out.find("\nclimate,2,"), std::string::npos) << report.out;
  CliResult by_job = cli.Run({"cost", "report", "--by", "job", "--format", "json"});
  ASSERT_EQ(by_job.exit_code, 0) << by_job.err;
  json jobs = ParseJson(by_job);
  ASSERT_EQ(jobs["jobs"].size(), 2u);
  // Priced on an instance of this host's architecture (c6g.medium on arm64): the code ran here.
  utsname host{};
  ASSERT_EQ(uname(&host), 0);
  const std::string isa = std::string(host.machine) == "aarch64" ? "arm64" : host.machine;
  const std::string basis = jobs["jobs"][0]["basis"].get<std::string>();
  EXPECT_EQ(basis.rfind("local: equivalent " + isa + " instance ", 0), 0u) << basis;
  EXPECT_NE(basis.find(" (the host's architecture); storage "), std::string::npos) << basis;
  if (isa == "arm64") {
    EXPECT_EQ(jobs["jobs"][0]["instance_type"], "c6g.medium");
  }
  EXPECT_EQ(cli.Run({"cost", "report", "--since", "yesterday"}).exit_code, 2);

  // A budget smaller than one job: refused with the numbers, admitted with --over-budget, and
  // each alert reaches the hook once. With text=y there are no past runs, so the estimate is the
  // walltime limit (1m) on the host's equivalent instance (c6g.medium on arm64: $0.0006).
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
  const std::string events = ReadCostTestFile(hook_out);
  EXPECT_EQ(std::count(events.begin(), events.end(), '\n'), 2) << events;
  EXPECT_EQ(json::parse(events.substr(0, events.find('\n')))["project"], "climate");
  EXPECT_EQ(ReadCostTestFile(cli.home() + "/cost-alerts.log"), events);
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

// A loopback server process (moto_server, the Price List stand-in) started by argv on a free
// port and stopped by its PID.
class LoopbackServer {
 public:
  explicit LoopbackServer(const std::vector<std::string>& argv_with_port_last) {
    port_ = FreePort();
    std::vector<std::string> args = argv_with_port_last;
    for (std::string& arg : args) {
      if (arg == "PORT") arg = std::to_string(port_);
    }
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline && !started_) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(static_cast<std::uint16_t>(port_));
      started_ = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
      close(fd);
      if (!started_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~LoopbackServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  bool started() const { return started_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
  }
  int port_ = 0;
  pid_t pid_ = -1;
  bool started_ = false;
};

void WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(CostCliTest, RefreshFromAwsThenSpotEstimatesAndMirroredBudgets) {
  CliRunner cli;
  const std::string dir = cli.home() + "/price-list";
  const std::string version = "/offers/v1.0/aws/AmazonEC2/20260119132324/us-east-1/index.json";
  WriteFile(dir + "/offers/v1.0/aws/AmazonEC2/current/region_index.json",
            json({{"formatVersion", "v1.0"},
                  {"publicationDate", "2026-01-19T13:23:24Z"},
                  {"regions",
                   {{"us-east-1", {{"regionCode", "us-east-1"}, {"currentVersionUrl", version}}}}}})
                .dump());
  WriteFile(dir + version,
            ReadCostTestFile(AWSHPC_SOURCE_DIR "/src/cost/testdata/offer-sample.json"));
  LoopbackServer price_list(
      {"python3", AWSHPC_SOURCE_DIR "/tests/tools/price_list_server.py", "PORT", dir});
  ASSERT_TRUE(price_list.started()) << "python3 tests/tools/price_list_server.py did not start";
  LoopbackServer moto({"moto_server", "-H", "127.0.0.1", "-p", "PORT"});
  ASSERT_TRUE(moto.started()) << "moto_server did not start (Debian python3-moto or pip moto)";
  const std::map<std::string, std::string> env = {
      {"AWS_HPC_PRICE_LIST_URL", price_list.url()},
      {"AWS_ENDPOINT_URL", moto.url()},
      {"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
      {"AWS_SECRET_ACCESS_KEY", "fake-secret"},
      {"AWS_REGION", "us-east-1"},
      {"AWS_CONFIG_FILE", cli.home() + "/no-config"},
      {"AWS_SHARED_CREDENTIALS_FILE", cli.home() + "/no-credentials"},
      {"AWS_EC2_METADATA_DISABLED", "true"},
      {"AWS_HPC_APPS_PATH", AWSHPC_SOURCE_DIR "/apps/examples"}};

  CliResult refresh = cli.Run(
      {"cost", "refresh", "--price-list", "--spot", "--family", "c5", "--region", "us-east-1"},
      env);
  ASSERT_EQ(refresh.exit_code, 0) << refresh.err;
  EXPECT_NE(refresh.out.find("us-east-1 Price List: 2 on-demand prices dated 2026-01-19 from " +
                             price_list.url() + version),
            std::string::npos)
      << refresh.out;
  EXPECT_NE(refresh.out.find("us-east-1 DescribeSpotPriceHistory: "), std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(cli.home())) {
    EXPECT_FALSE(entry.path().string().ends_with(".part")) << "left behind: " << entry.path();
  }
  CliResult spot = cli.Run({"cost", "prices", "--spot", "--instance", "c5.4xlarge", "-o", "json"});
  ASSERT_EQ(spot.exit_code, 0) << spot.err;
  json spot_rows = ParseJson(spot)["prices"];
  ASSERT_EQ(spot_rows.size(), 1u);
  EXPECT_EQ(spot_rows[0]["usd_per_hour"], "0.000010");  // moto's placeholder spot price
  EXPECT_EQ(spot_rows[0]["source"], "ec2-spot-price-history");

  // A spot estimate uses the stored price and says so; a type without one falls back.
  CliResult estimate = cli.Run({"cost", "estimate", "geos-chem", "--instance", "c5.4xlarge",
                                "--runtime", "5656s", "--spot", "-o", "json"},
                               env);
  ASSERT_EQ(estimate.exit_code, 0) << estimate.err;
  json e = ParseJson(estimate)["estimates"][0];
  EXPECT_EQ(e["usd_per_hour"], "0.000010");
  EXPECT_NE(e["price_basis"].get<std::string>().find("spot price from ec2-spot-price-history"),
            std::string::npos);
  CliResult fallback = cli.Run({"cost", "estimate", "geos-chem", "--instance", "c7g.4xlarge",
                                "--runtime", "5656s", "--spot"},
                               env);
  ASSERT_EQ(fallback.exit_code, 0) << fallback.err;
  EXPECT_NE(fallback.out.find("(assumed spot price: 35% of on-demand)"), std::string::npos)
      << fallback.out;

  // Mirroring into AWS Budgets (moto): created, reconciled, listed, deleted with the budget.
  CliResult no_subscriber = cli.Run(
      {"cost", "budget", "set", "--project", "climate", "--monthly", "500", "--mirror-aws"}, env);
  EXPECT_EQ(no_subscriber.exit_code, 2);
  EXPECT_NE(no_subscriber.err.find("--notify-email"), std::string::npos);
  CliResult mirrored = cli.Run({"cost", "budget", "set", "--project", "climate", "--monthly", "500",
                                "--mirror-aws", "--notify-email", "hpc-admins@example.com"},
                               env);
  ASSERT_EQ(mirrored.exit_code, 0) << mirrored.err;
  EXPECT_NE(mirrored.out.find("AWS Budgets: aws-hpc-climate created; notifications 3 added"),
            std::string::npos)
      << mirrored.out;
  CliResult again = cli.Run(
      {"cost", "budget", "set", "--project", "climate", "--monthly", "500", "--alert", "50,90"},
      env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("aws-hpc-climate exists; notifications 1 added, 2 removed"),
            std::string::npos)
      << again.out;
  CliResult listed = cli.Run({"cost", "budget", "list", "-o", "json"}, env);
  EXPECT_EQ(ParseJson(listed)[0]["aws_budget"], "aws-hpc-climate");
  CliResult removed = cli.Run({"cost", "budget", "delete", "--project", "climate"}, env);
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("AWS Budgets: aws-hpc-climate deleted"), std::string::npos)
      << removed.out;
}

TEST(CostCliTest, PricesByMicroarchitecture) {
  CliRunner cli;
  CliResult zen4 =
      cli.Run({"cost", "prices", "--arch", "zen4", "--region", "us-east-1", "-o", "json"});
  ASSERT_EQ(zen4.exit_code, 0) << zen4.err;
  std::set<std::string> families;
  const json out = ParseJson(zen4);
  for (const json& row : out["prices"]) families.insert(row["family"].get<std::string>());
  EXPECT_EQ(families, (std::set<std::string>{"c7a", "m7a"}));
  CliResult unknown = cli.Run({"cost", "prices", "--arch", "zen9"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("zen2"), std::string::npos) << unknown.err;  // the suggestion
}

}  // namespace
}  // namespace awshpc::e2e

namespace awshpc::e2e {
namespace {

// "0.000031" -> 31 (micro-dollars), as the report writes amounts.
std::int64_t MicrosOf(const json& amount) {
  return std::llround(std::stod(amount.get<std::string>()) * 1e6);
}

// Storage per job: the local supervisor records the bytes left in the work directory at the end
// of the attempt; the report prices them on EBS gp3 for the running time and budgets count them.
TEST(CostCliTest, StorageOfALocalJobIsRecordedAndPriced) {
  CliRunner cli;
  constexpr std::int64_t kWritten = 1 << 20;   // out.bin, real bytes
  constexpr std::int64_t kSparse = 1LL << 40;  // sparse.bin: 1 TiB apparent size
  CliResult run =
      cli.Run({"job", "submit", "disk-writer", "-p", "bytes=" + std::to_string(kWritten), "-p",
               "sparse=" + std::to_string(kSparse), "-p", "seconds=1", "--project", "disk",
               "--wait", "--timeout", "60s", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  CliResult by_job = cli.Run({"cost", "report", "--by", "job", "--format", "json"});
  ASSERT_EQ(by_job.exit_code, 0) << by_job.err;
  const json report = ParseJson(by_job);
  ASSERT_EQ(report["jobs"].size(), 1u) << report.dump();
  const json& job = report["jobs"][0];
  EXPECT_EQ(job["stored_bytes"], kWritten + kSparse) << job.dump();  // empty stdout and stderr
  // 1024.001 GiB x $0.08 per GiB-month for the >= 1 s it ran: at least 31 micro-dollars; at most
  // what 30 s would cost (a hang guard, not a timing claim).
  const std::int64_t storage = MicrosOf(job["storage_usd"]);
  EXPECT_GE(storage, 31) << job.dump();
  EXPECT_LE(storage, 935) << job.dump();
  EXPECT_EQ(MicrosOf(job["cost_usd"]), MicrosOf(job["compute_usd"]) + storage);
  EXPECT_NE(job["basis"].get<std::string>().find("work directory 1048577.0 MiB on EBS gp3 for "),
            std::string::npos)
      << job.dump();
  EXPECT_EQ(MicrosOf(report["rows"][0]["storage_usd"]), storage);

  CliResult csv = cli.Run({"cost", "report", "--by", "project", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  char storage_field[32];
  std::snprintf(storage_field, sizeof storage_field, ",0.%06lld,", static_cast<long long>(storage));
  EXPECT_NE(csv.out.find(storage_field), std::string::npos) << csv.out;
  CliResult table = cli.Run({"cost", "report", "--by", "project"});
  EXPECT_NE(table.out.find("STORAGE"), std::string::npos) << table.out;

  ASSERT_EQ(cli.Run({"cost", "budget", "set", "--project", "disk", "--monthly", "1"}).exit_code, 0);
  const json budgets = ParseJson(cli.Run({"cost", "budget", "list", "-o", "json"}));
  ASSERT_EQ(budgets.size(), 1u);
  EXPECT_EQ(budgets[0]["spent_usd"], job["cost_usd"]) << budgets.dump();
}

}  // namespace
}  // namespace awshpc::e2e
