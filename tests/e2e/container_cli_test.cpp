// File: container_cli_test.cpp
// `aws-hpc base ...` and `aws-hpc app build` end to end. The real-build test makes a small LAMMPS
// base offline (the files of the installed Debian lammps/openmpi packages plus busybox-static,
// FROM scratch: no network pulls), builds LAMMPS's image on it with buildah/podman, runs it
// through its entrypoint, pushes it to Debian's docker-registry on 127.0.0.1 and registers it in
// moto_server's ECR. Servers are started on free loopback ports and stopped by PID.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "../../src/aws/test_util.hpp"
#include "awshpc/aws/process.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

namespace fs = std::filesystem;
namespace t = awshpc::aws::testing;

constexpr const char* kDate = "20261129";

std::string ReadContainerTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

// Runs argv (no shell); output of both streams.
aws::ProcessResult RunTool(const std::vector<std::string>& argv, int seconds = 300) {
  auto result = aws::RunProcess(argv, std::chrono::seconds(seconds), 64 << 20);
  if (!result.ok()) {
    aws::ProcessResult failed;
    failed.err = result.status().ToString();
    return failed;
  }
  return *result;
}

TEST(ContainerCli, BaseListAndInfo) {
  CliRunner cli;
  CliResult list = cli.Run({"base", "list", "--date", kDate});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(Count(list.out, "hpc-base-"), 13) << list.out;
  EXPECT_NE(list.out.find("hpc-base-zen4:20261129"), std::string::npos);
  EXPECT_TRUE(
      std::regex_search(list.out, std::regex(R"(hpc-base-cuda-arm64:20261129 +linux/arm64)")))
      << list.out;

  CliResult json = cli.Run({"base", "list", "--date", kDate, "--output", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(Count(json.out, "\"devel_image\": \"hpc-base-"), 13);

  CliResult info = cli.Run({"base", "info", "neoverse-v1", "--date", kDate});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("hpc-base-graviton3:20261129"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("FROM --platform=linux/arm64 docker.io/library/debian:bookworm AS devel"),
            std::string::npos)
      << info.out;

  CliResult missing = cli.Run({"base", "info", "zen9"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("no base image \"zen9\""), std::string::npos) << missing.err;
  CliResult bad_date = cli.Run({"base", "list", "--date", "2026-11-29"});
  EXPECT_EQ(bad_date.exit_code, 2);

  CliResult dry = cli.Run({"base", "build", "zen4", "--date", kDate, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("--target devel --platform linux/amd64"), std::string::npos) << dry.out;
}

TEST(ContainerCli, AppBuildDryRunPrintsEveryDockerfileAndPlan) {
  CliRunner cli;
  const std::map<std::string, std::string> env = {{"AWS_HPC_APPS_PATH", AWSHPC_SOURCE_DIR "/apps"}};
  CliResult dry = cli.Run({"app", "build", "lammps", "--all-arch", "--dry-run", "--base-date",
                           kDate, "--push", "127.0.0.1:5000"},
                          env);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(Count(dry.out, "ENTRYPOINT [\"/opt/aws-hpc/entrypoint\"]"), 2) << dry.out;
  EXPECT_NE(dry.out.find("== aws-hpc/lammps:29Sep2021-update2-mpi-x86_64 (linux/amd64) =="),
            std::string::npos);
  EXPECT_NE(dry.out.find("FROM hpc-base-arm64:20261129-devel AS build"), std::string::npos);
  EXPECT_NE(dry.out.find("then push to 127.0.0.1:5000 as aws-hpc/lammps:"), std::string::npos);

  CliResult json = cli.Run({"app", "build", "lammps", "--arch", "zen4", "--variant", "serial",
                            "--dry-run", "--base-date", kDate, "--output", "json"},
                           env);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(JsonField(json.out, "image"), "aws-hpc/lammps:29Sep2021-update2-serial-zen4");
  EXPECT_NE(json.out.find("\"content_hash\": \"sha256:"), std::string::npos);

  CliResult bad_arch = cli.Run({"app", "build", "lammps", "--arch", "sparc", "--dry-run"}, env);
  EXPECT_EQ(bad_arch.exit_code, 3) << bad_arch.out << bad_arch.err;
  CliResult bad_variant = cli.Run({"app", "build", "lammps", "--variant", "gpu", "--dry-run"}, env);
  EXPECT_EQ(bad_variant.exit_code, 3);
  EXPECT_NE(bad_variant.err.find("no variant \"gpu\""), std::string::npos) << bad_variant.err;
  CliResult both = cli.Run({"app", "build", "lammps", "--arch", "x86_64", "--all-arch"}, env);
  EXPECT_EQ(both.exit_code, 2);
}

TEST(ContainerCli, CrossArchitectureBuildsSayWhatIsMissing) {
  if (fs::exists("/proc/sys/fs/binfmt_misc/qemu-aarch64")) GTEST_SKIP() << "qemu is registered";
  if (!t::HaveProgram("buildah")) GTEST_SKIP() << "covered by ContainerBuildTest's tool check";
  CliRunner cli;
  CliResult arm = cli.Run({"app", "build", "lammps", "--arch", "arm64", "--tool", "buildah"},
                          {{"AWS_HPC_APPS_PATH", AWSHPC_SOURCE_DIR "/apps"}});
  EXPECT_EQ(arm.exit_code, 7);  // a precondition of this machine
  EXPECT_NE(arm.out.find("cross-architecture builds need qemu-user-static"), std::string::npos)
      << arm.out << arm.err;
}

TEST(ContainerCli, DockerWithoutDaemonIsAClearError) {
  if (!t::HaveProgram("docker")) GTEST_SKIP() << "no docker client here";
  if (RunTool({"docker", "version", "--format", "{{.Server.Version}}"}, 20).exit_code == 0) {
    GTEST_SKIP() << "a docker daemon answers here";
  }
  CliRunner cli;
  CliResult result = cli.Run({"app", "build", "lammps", "--tool", "docker"},
                             {{"AWS_HPC_APPS_PATH", AWSHPC_SOURCE_DIR "/apps"}});
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_NE(result.err.find("docker is installed but its daemon does not answer"),
            std::string::npos)
      << result.err;
}

// Without --base-date, `app build` builds on the newest hpc-base-<m>:<YYYYMMDD> (with its
// -devel stage) in the local image store, as the real tool lists it; with none, it says what
// to run. Empty images (buildah from scratch, committed under the base names) stand in for
// bases: only their names are read.
TEST(ContainerCli, AppBuildUsesTheNewestLocalBase) {
  if (!t::HaveProgram("buildah")) GTEST_SKIP() << "covered by ContainerBuildTest's tool check";
  // A base name no other test or engineer builds: graviton4 on an x86_64 host is only listed.
  const std::string repo = "localhost/hpc-base-graviton4";
  const std::vector<std::string> tags = {"20260101", "20260101-devel", "20261120", "20261120-devel",
                                         "20261125"};
  aws::ProcessResult from = RunTool({"buildah", "from", "scratch"}, 60);
  ASSERT_EQ(from.exit_code, 0) << from.err;
  const std::string container = from.out.substr(0, from.out.find('\n'));
  for (const std::string& tag : tags) {
    aws::ProcessResult commit = RunTool({"buildah", "commit", "-q", container, repo + ":" + tag});
    ASSERT_EQ(commit.exit_code, 0) << commit.err;
  }
  RunTool({"buildah", "rm", container}, 60);

  CliRunner cli;
  const std::map<std::string, std::string> env = {{"AWS_HPC_APPS_PATH", AWSHPC_SOURCE_DIR "/apps"}};
  CliResult dry = cli.Run({"app", "build", "lammps", "--arch", "graviton4", "--dry-run", "--tool",
                           "buildah", "--output", "json"},
                          env);
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  // 20261125 has no -devel image: the newest complete pair is 20261120.
  EXPECT_NE(dry.out.find("FROM hpc-base-graviton4:20261120-devel AS build"), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("FROM hpc-base-graviton4:20261120 AS runtime"), std::string::npos);
  for (const std::string& tag : tags) RunTool({"buildah", "rmi", repo + ":" + tag}, 60);

  // None left: a dry run notes it, a build says what to run.
  CliResult none = cli.Run(
      {"app", "build", "lammps", "--arch", "graviton4", "--dry-run", "--tool", "buildah"}, env);
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("note: no hpc-base-graviton4:<YYYYMMDD> here: a build needs `aws-hpc "
                          "base build graviton4` or --base-date"),
            std::string::npos)
      << none.out;
  if (fs::exists("/proc/sys/fs/binfmt_misc/qemu-aarch64")) return;  // the build would start
  CliResult zen = cli.Run({"app", "build", "lammps", "--arch", "zen4", "--tool", "buildah"}, env);
  if (RunTool({"buildah", "images", "--format", "{{.Name}}:{{.Tag}}"}, 60)
          .out.find("hpc-base-zen4:") == std::string::npos) {
    EXPECT_EQ(zen.exit_code, 7) << zen.out << zen.err;
    EXPECT_NE(zen.out.find("no hpc-base-zen4:<YYYYMMDD> image (with its -devel stage) here: build "
                           "one with `aws-hpc base build zen4`, or pass --base-date YYYYMMDD"),
              std::string::npos)
        << zen.out << zen.err;
  }
}

// ---- real builds ----------------------------------------------------------------------------

// The LAMMPS base made offline: the installed lammps and Open MPI files with every shared
// library they load (ldd), Open MPI's plugins and help files, and a static busybox for /bin/sh.
std::string MakeLammpsRootfs(const std::string& root, std::string& error) {
  std::vector<std::string> files = {"/usr/bin/lmp", fs::canonical("/usr/bin/orted").string(),
                                    fs::canonical("/usr/bin/mpirun").string()};
  const std::string triplet =
      fs::exists("/usr/lib/aarch64-linux-gnu") && !fs::exists("/usr/lib/x86_64-linux-gnu")
          ? "aarch64-linux-gnu"
          : "x86_64-linux-gnu";
  for (const std::string& dir :
       {"/usr/lib/" + triplet + "/openmpi", "/usr/lib/" + triplet + "/pmix2"}) {
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() == ".so") files.push_back(entry.path().string());
    }
  }
  std::set<std::string> copy(files.begin(), files.end());
  const std::regex path_re(R"((/[^ \t\n()]+))");
  for (const std::string& file : files) {
    aws::ProcessResult ldd = RunTool({"ldd", file}, 60);
    for (auto it = std::sregex_iterator(ldd.out.begin(), ldd.out.end(), path_re);
         it != std::sregex_iterator(); ++it) {
      if (fs::exists((*it)[1].str())) copy.insert((*it)[1].str());
    }
  }
  for (const std::string& file : copy) {
    const fs::path target = fs::path(root) / fs::path(file).relative_path();
    fs::create_directories(target.parent_path());
    std::error_code ec;
    fs::copy_file(fs::canonical(file), target, fs::copy_options::overwrite_existing, ec);
    if (ec) return error = "copy " + file + ": " + ec.message(), "";
  }
  for (const char* dir : {"/usr/share/openmpi", "/etc/openmpi", "/usr/share/pmix", "/etc/pmix"}) {
    if (!fs::exists(dir)) continue;
    const fs::path target = fs::path(root) / fs::path(dir).relative_path();
    fs::create_directories(target);
    std::error_code ec;
    fs::copy(fs::canonical(dir), target,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks |
                 fs::copy_options::overwrite_existing,
             ec);
    if (ec) return error = "copy " + std::string(dir) + ": " + ec.message(), "";
  }
  for (const std::string& link : std::vector<std::string>{"/usr/bin/orted", "/usr/bin/mpirun"}) {
    const fs::path target = fs::path(root) / fs::path(link).relative_path();
    if (!fs::exists(target)) fs::create_symlink(fs::canonical(link), target);
  }
  fs::create_directories(fs::path(root) / "bin");
  fs::create_directories(fs::path(root) / "tmp");
  fs::copy_file("/bin/busybox", fs::path(root) / "bin/busybox",
                fs::copy_options::overwrite_existing);
  return root;
}

class ContainerBuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string& tool :
         std::vector<std::string>{"buildah", "podman", "skopeo", "docker-registry", "runc"}) {
      ASSERT_TRUE(t::HaveProgram(tool)) << tool << " is missing: install the Debian package "
                                        << tool << " (scripts/install-deps)";
    }
    ASSERT_TRUE(fs::exists("/bin/busybox") && RunTool({"/bin/busybox", "true"}).exit_code == 0)
        << "a static busybox is missing: install the Debian package busybox-static";
    ASSERT_TRUE(t::HaveProgram("lmp") && t::HaveProgram("mpirun"))
        << "install the Debian packages lammps and openmpi-bin";
    ASSERT_TRUE(t::HaveProgram("moto_server")) << "moto_server is missing (python3-moto)";
    tag_ = "localhost/aws-hpc-test/lammps-base:" + std::to_string(getpid());

    // The loopback registry: Debian's docker-registry with its own config and storage.
    std::string registry_error;
    registry_ = t::StartLoopbackRegistry(dir_, registry_port_, registry_error);
    ASSERT_TRUE(registry_) << registry_error;
    moto_port_ = t::FreeLoopbackPort();
    moto_ = std::make_unique<t::ChildProcess>(std::vector<std::string>{
        "moto_server", "-H", "127.0.0.1", "-p", std::to_string(moto_port_)});
    ASSERT_TRUE(t::WaitForPort(moto_port_, 30'000)) << "moto_server did not start";

    // The offline base.
    std::string error;
    MakeLammpsRootfs(dir_.path() + "/base/root", error);
    ASSERT_EQ(error, "");
    dir_.Write(
        "base/Dockerfile",
        "FROM scratch\nCOPY root/ /\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
        "ENV PATH=/usr/local/bin:/usr/bin:/bin OMPI_MCA_plm_rsh_agent=/bin/false\n");
    aws::ProcessResult base =
        RunTool({"buildah", "bud", "--isolation", "chroot", "-t", tag_, dir_.path() + "/base"});
    ASSERT_EQ(base.exit_code, 0) << base.out << base.err;

    // LAMMPS's app.yaml in a private apps dir (one test changes it), and a recipe for a base
    // that already has LAMMPS (no package manager in it).
    fs::create_directories(dir_.path() + "/apps");
    fs::copy(AWSHPC_SOURCE_DIR "/apps/lammps", dir_.path() + "/apps/lammps",
             fs::copy_options::recursive);
    recipe_ = dir_.Write("recipe.yaml", "app: lammps\ncheck: [lmp, -h]\n");
  }

  void TearDown() override {
    for (const std::string& image : {tag_, std::string("aws-hpc/lammps:") + kImageTag}) {
      RunTool({"buildah", "rmi", "-f", image}, 60);
    }
    // The replaced app images and the build's layer cache are left untagged: drop them.
    RunTool({"buildah", "rmi", "--prune"}, 120);
  }

  std::map<std::string, std::string> Env() const {
    return {{"AWS_HPC_APPS_PATH", dir_.path() + "/apps"},
            {"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
            {"AWS_SECRET_ACCESS_KEY", "fake-secret"},
            {"AWS_REGION", "us-east-1"},
            {"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(moto_port_)},
            {"AWS_CONFIG_FILE", dir_.path() + "/aws-config"},
            {"AWS_SHARED_CREDENTIALS_FILE", dir_.path() + "/aws-credentials"},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_HPC_ECR_REGISTRY", Registry()}};
  }
  std::vector<std::string> Build(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"app",    "build",  "lammps", "--variant", "serial", "--arch",
                                     "x86_64", "--base", tag_,     "--recipe",  recipe_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::string Registry() const { return "127.0.0.1:" + std::to_string(registry_port_); }

  static constexpr const char* kImageTag = "29Sep2021-update2-serial-x86_64";
  CliRunner cli_;
  t::TempDir dir_;
  std::string tag_;
  std::string recipe_;
  int registry_port_ = 0;
  int moto_port_ = 0;
  std::unique_ptr<t::ChildProcess> registry_;
  std::unique_ptr<t::ChildProcess> moto_;
};

TEST_F(ContainerBuildTest, LammpsBuiltRunPushedAndRegisteredInEcr) {
  if (!fs::exists("/usr/lib/x86_64-linux-gnu/libc.so.6")) {
    GTEST_SKIP() << "the LAMMPS test image is tagged for x86_64 hosts";
  }
  // 1. Build: progress on stderr, the full log kept, size reported.
  auto start = std::chrono::steady_clock::now();
  CliResult built = cli_.Run(Build({"--tool", "podman"}), Env());
  const double first =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_NE(built.out.find("aws-hpc/lammps:29Sep2021-update2-serial-x86_64  linux/amd64  built"),
            std::string::npos)
      << built.out;
  EXPECT_NE(built.err.find("step 1 of 14 ("), std::string::npos) << built.err;
  EXPECT_NE(built.err.find("step 14 of 14 ("), std::string::npos) << built.err;
  std::smatch log_match;
  ASSERT_TRUE(std::regex_search(built.err, log_match, std::regex(R"(\(log: ([^)]+\.log)\))")))
      << built.err;
  EXPECT_NE(
      ReadContainerTestFile(log_match[1]).find("COMMIT aws-hpc/lammps:" + std::string(kImageTag)),
      std::string::npos);
  EXPECT_TRUE(std::regex_search(built.out, std::regex(R"(built\s+[0-9.]+ MB)"))) << built.out;

  // 2. Nothing changed: a cache hit.
  start = std::chrono::steady_clock::now();
  CliResult cached = cli_.Run(Build({"--tool", "buildah"}), Env());
  const double hit =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_NE(cached.out.find("up to date"), std::string::npos) << cached.out;
  EXPECT_EQ(cached.err.find("step 1 of"), std::string::npos) << cached.err;

  // 3. Run it through its entrypoint: the baked-in in.lj is staged, the output copied out.
  const std::string out_dir = dir_.path() + "/out";
  fs::create_directories(out_dir);
  aws::ProcessResult ran = RunTool({"podman",
                                    "run",
                                    "--rm",
                                    "--runtime",
                                    "runc",
                                    "--ulimit",
                                    "nofile=1024:1024",
                                    "--ulimit",
                                    "nproc=1024:1024",
                                    "-v",
                                    out_dir + ":/out",
                                    "-e",
                                    "AWS_HPC_OUTPUT_DIR=/out",
                                    "aws-hpc/lammps:" + std::string(kImageTag),
                                    "lmp",
                                    "-in",
                                    "in.lj",
                                    "-log",
                                    "log.lammps",
                                    "-var",
                                    "steps",
                                    "50",
                                    "-var",
                                    "box",
                                    "5"});
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  const std::string log = ReadContainerTestFile(out_dir + "/log.lammps");
  EXPECT_NE(log.find("Loop time of"), std::string::npos) << log.substr(0, 2000);
  EXPECT_NE(log.find("500 atoms"), std::string::npos);

  // 3b. The image stages for real: with the environment a Batch job gets, its bundled
  // aws-hpc-stage (own libraries and loader) downloads the input from moto's S3 and uploads the
  // declared output there.
  const std::string s3 =
      "import boto3,sys\n"
      "c=boto3.client('s3',region_name='us-east-1',endpoint_url=sys.argv[1])\n"
      "if sys.argv[2]=='put':\n"
      "  c.create_bucket(Bucket='stage')\n"
      "  c.put_object(Bucket='stage',Key='in/staged.lj',Body=open(sys.argv[3],'rb').read())\n"
      "else:\n"
      "  print(c.get_object(Bucket='stage',Key='out/log.lammps')['Body'].read().decode())\n";
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(moto_port_);
  const std::vector<std::string> s3_tool = {
      "env", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "python3", "-c", s3, endpoint};
  auto with = [](std::vector<std::string> argv, const std::vector<std::string>& more) {
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
  };
  const std::string staged_input =
      dir_.Write("staged.lj",
                 ReadContainerTestFile(dir_.path() + "/apps/lammps/in.lj") + "# staged from S3\n");
  aws::ProcessResult put = RunTool(with(s3_tool, {"put", staged_input}));
  ASSERT_EQ(put.exit_code, 0) << put.err;
  std::vector<std::string> stage_run = {
      "podman",         "run",  "--rm",     "--runtime",        "runc",
      "--network",      "host", "--ulimit", "nofile=1024:1024", "--ulimit",
      "nproc=1024:1024"};
  for (const std::string& e : std::vector<std::string>{
           "AWS_HPC_INPUTS=[{\"source\": \"s3://stage/in/staged.lj\", \"destination\": "
           "\"staged.lj\"}]",
           "AWS_HPC_OUTPUTS=[\"log.lammps\"]", "AWS_HPC_OUTPUT_URI=s3://stage/out/",
           "AWS_ACCESS_KEY_ID=AKIDFAKEFAKEFAKE", "AWS_SECRET_ACCESS_KEY=fake-secret",
           "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
           "AWS_ENDPOINT_URL=" + endpoint}) {
    stage_run.insert(stage_run.end(), {"-e", e});
  }
  stage_run =
      with(stage_run, {"aws-hpc/lammps:" + std::string(kImageTag), "lmp", "-in", "staged.lj",
                       "-log", "log.lammps", "-var", "steps", "20", "-var", "box", "4"});
  aws::ProcessResult staged = RunTool(stage_run);
  ASSERT_EQ(staged.exit_code, 0) << staged.out << staged.err;
  EXPECT_NE(staged.err.find("aws-hpc-stage: in: 1 files"), std::string::npos) << staged.err;
  EXPECT_NE(staged.err.find("aws-hpc-stage: out: 1 files"), std::string::npos) << staged.err;
  aws::ProcessResult uploaded = RunTool(with(s3_tool, {"get"}));
  ASSERT_EQ(uploaded.exit_code, 0) << uploaded.err;
  EXPECT_NE(uploaded.out.find("# staged from S3"), std::string::npos) << uploaded.out;
  EXPECT_NE(uploaded.out.find("Loop time of"), std::string::npos) << uploaded.out;

  // 4. A one-line change to app.yaml rebuilds.
  const std::string spec_path = dir_.path() + "/apps/lammps/app.yaml";
  std::string spec = ReadContainerTestFile(spec_path);
  const auto at = spec.find("OMP_NUM_THREADS: \"1\"");
  ASSERT_NE(at, std::string::npos);
  spec.replace(at, 20, "OMP_NUM_THREADS: \"2\"");
  std::ofstream(spec_path, std::ios::binary) << spec;
  start = std::chrono::steady_clock::now();
  CliResult changed = cli_.Run(Build(), Env());
  const double rebuild =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_NE(changed.out.find("built"), std::string::npos) << changed.out;
  std::cerr << "[ measure ] app build: first " << first << " s, cache hit " << hit
            << " s, after a one-line spec change " << rebuild << " s\n";

  // 5. Push to the loopback registry: the registry serves the manifest with our labels.
  CliResult pushed = cli_.Run(Build({"--push", Registry()}), Env());
  ASSERT_EQ(pushed.exit_code, 0) << pushed.out << pushed.err;
  EXPECT_NE(pushed.out.find(Registry() + "/aws-hpc/lammps:" + kImageTag + "@sha256:"),
            std::string::npos)
      << pushed.out;
  aws::ProcessResult inspect = RunTool({"skopeo", "inspect", "--tls-verify=false",
                                        "docker://" + Registry() + "/aws-hpc/lammps:" + kImageTag});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_NE(inspect.out.find("\"io.aws-hpc.content-hash\": \"sha256:"), std::string::npos);
  EXPECT_NE(inspect.out.find("\"io.aws-hpc.microarch\": \"x86_64\""), std::string::npos);
  EXPECT_NE(inspect.out.find("\"org.opencontainers.image.source\""), std::string::npos);

  // 6. ECR: repository created with scan-on-push, layers on the stand-in registry, manifest
  // registered with PutImage, checked with DescribeImages; a second push finds the repository.
  CliResult ecr = cli_.Run(Build({"--push", "ecr"}), Env());
  ASSERT_EQ(ecr.exit_code, 0) << ecr.out << ecr.err;
  EXPECT_NE(ecr.err.find("(created, scan on push) (lifecycle policy set)"), std::string::npos)
      << ecr.err;
  EXPECT_NE(ecr.err.find("manifest via PutImage"), std::string::npos) << ecr.err;
  EXPECT_NE(
      ecr.out.find(".dkr.ecr.us-east-1.amazonaws.com/aws-hpc/lammps:" + std::string(kImageTag)),
      std::string::npos)
      << ecr.out;
  CliResult again = cli_.Run(Build({"--push", "ecr", "--output", "json"}), Env());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("(created"), std::string::npos) << again.err;
  EXPECT_EQ(JsonField(again.out, "status"), "up to date");

  // botocore's view of moto's ECR agrees.
  const std::string check =
      "import boto3,sys\n"
      "c=boto3.client('ecr',region_name='us-east-1',endpoint_url=sys.argv[1])\n"
      "r=c.describe_repositories(repositoryNames=['aws-hpc/lammps'])['repositories'][0]\n"
      "i=c.describe_images(repositoryName='aws-hpc/lammps')['imageDetails']\n"
      "p=c.get_lifecycle_policy(repositoryName='aws-hpc/lammps')['lifecyclePolicyText']\n"
      "print(r['imageScanningConfiguration']['scanOnPush'], sorted(t for d in i for t in "
      "d.get('imageTags',[])), 'untagged' in p)\n";
  aws::ProcessResult boto =
      RunTool({"env", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "python3", "-c", check,
               "http://127.0.0.1:" + std::to_string(moto_port_)});
  ASSERT_EQ(boto.exit_code, 0) << boto.err;
  EXPECT_EQ(boto.out, "True ['" + std::string(kImageTag) + "'] True\n");
}

}  // namespace
}  // namespace awshpc::e2e
