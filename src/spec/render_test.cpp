// File: render_test.cpp
// Rendering: defaults, overrides, variants, conditional args, environment, inputs, resource
// limits, and hostile values that must pass byte for byte as one argv element.
#include "awshpc/spec/render.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "awshpc/spec/loader.hpp"

namespace awshpc::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

AppSpec Load(std::string_view yaml) {
  LoadResult result = ParseAppSpec(yaml, "test.yaml");
  EXPECT_TRUE(result.ok()) << result.DiagnosticsText();
  return result.ok() ? *result.spec : AppSpec{};
}

AppSpec Lammps() {
  LoadResult result = LoadAppSpecFile(AWSHPC_SOURCE_DIR "/apps/lammps/app.yaml");
  EXPECT_TRUE(result.ok()) << result.DiagnosticsText();
  return *result.spec;
}

constexpr std::string_view kEcho = R"(apiVersion: aws-hpc/v1
name: echo
version: "1"
parameters:
  text: {type: string, default: hello}
  other: {type: string, default: OTHER}
  count: {type: int, default: 3, min: 1, max: 10}
  verbose: {type: bool, default: false}
  label: {type: string}
  start: {type: date, default: 20240229}
  data: {type: path, absolute: true}
command:
  - /bin/echo
  - "{{ params.text }}"
  - "n={{ params.count }}"
  - {if: params.verbose, args: ["-v"]}
  - {if: params.label, args: ["--label", "{{ params.label }}"]}
  - "{{ params.start }}"
environment:
  TEXT: "{{ params.text }}"
  CORES: "{{ resources.vcpus }}"
  LABEL: {if: params.label, value: "label={{ params.label }}"}
resources:
  vcpus: {default: 2, max: 8}
  memory: {default: 2GiB, max: 16GiB}
  walltime: 1h
inputs:
  - name: config
    source: conf/input.cfg
  - name: data
    if: params.data
    source: "{{ params.data }}"
    destination: data.bin
  - name: remote
    source: s3://my-bucket/runs/x.nc
)";

TEST(RenderTest, LammpsDefaultsToMpiWithDefaults) {
  const AppSpec app = Lammps();
  Result<sched::JobRequest> job = Render(app, RenderRequest{});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->app, "lammps");
  EXPECT_EQ(job->variant, "mpi");
  EXPECT_THAT(job->argv, ElementsAre("mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2",
                                     "lmp", "-in", "in.lj", "-log", "log.lammps", "-var", "steps",
                                     "300", "-var", "box", "20"));
  EXPECT_EQ(job->parameters, (std::map<std::string, std::string>{{"box", "20"}, {"steps", "300"}}));
  EXPECT_EQ(job->resources.vcpus, 2);
  EXPECT_EQ(job->resources.memory_mib, 1024);
  EXPECT_EQ(job->resources.walltime_seconds, 600);
  EXPECT_EQ(job->performance_parser, "lammps");
  EXPECT_EQ(job->max_attempts, 2);
  ASSERT_EQ(job->inputs.size(), 1u);
  EXPECT_EQ(job->inputs[0].source, app.dir + "/in.lj");
  EXPECT_EQ(job->inputs[0].destination, "in.lj");
  EXPECT_EQ(job->environment.at("OMP_NUM_THREADS"), "1");
}

TEST(RenderTest, LammpsSerialWithOverridesAndOptionalSeed) {
  const AppSpec app = Lammps();
  RenderRequest request;
  request.variant = "serial";
  request.params = {{"steps", "100"}, {"box", "+5"}, {"seed", "42"}};
  request.walltime_seconds = 120;
  Result<sched::JobRequest> job = Render(app, request);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_THAT(job->argv, ElementsAre("lmp", "-in", "in.lj", "-log", "log.lammps", "-var", "steps",
                                     "100", "-var", "box", "5", "-var", "seed", "42"));
  EXPECT_EQ(job->resources.vcpus, 1);  // the serial variant's own default
  EXPECT_EQ(job->resources.walltime_seconds, 120);
  EXPECT_EQ(job->parameters.at("seed"), "42");
  EXPECT_EQ(job->environment.count("OMPI_MCA_rmaps_base_oversubscribe"), 0u);
}

TEST(RenderTest, RequestResourcesFeedTemplatesAndAreChecked) {
  const AppSpec app = Lammps();
  RenderRequest request;
  request.vcpus = 8;
  Result<sched::JobRequest> job = Render(app, request);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->argv[4], "8");
  request.vcpus = 500;
  EXPECT_THAT(Render(app, request).status().message(),
              HasSubstr("vcpus 500 is above the app's maximum of 192"));
  request.vcpus = 0;
  EXPECT_THAT(Render(app, request).status().message(), HasSubstr("vcpus must be >= 1"));
  RenderRequest serial_on_two_nodes;
  serial_on_two_nodes.variant = "serial";
  serial_on_two_nodes.nodes = 2;
  EXPECT_THAT(Render(app, serial_on_two_nodes).status().message(), HasSubstr("runs on one node"));
}

TEST(RenderTest, MemoryAndWalltimeLimits) {
  const AppSpec app = Load(kEcho);
  RenderRequest request;
  request.memory_mib = 32 * 1024;
  EXPECT_EQ(Render(app, request).status().message(),
            "memory 32GiB is above the app's maximum of 16GiB");
  request.memory_mib = 16 * 1024;
  request.walltime_seconds = 0;
  EXPECT_EQ(Render(app, request).status().message(), "walltime must be >= 1s; got 0s");
  request.walltime_seconds = 90;
  EXPECT_EQ(Render(app, request)->resources.walltime_seconds, 90);
  RenderRequest longer;
  longer.walltime_seconds = 7200;
  EXPECT_EQ(Render(Lammps(), longer)->resources.walltime_seconds, 7200);
}

TEST(RenderTest, UnknownDuplicateInvalidAndMissingParametersAreAllReported) {
  const AppSpec app = Lammps();
  RenderRequest request;
  request.params = {{"stpes", "1"}, {"box", "3"}, {"box", "4"}, {"seed", "x"}};
  Result<sched::JobRequest> job = Render(app, request);
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(job.status().message(),
            "unknown parameter \"stpes\" for app lammps (did you mean steps?); parameter box is "
            "given more than once; parameter seed: expected an integer; got \"x\"");
  request.params = {{"box", "201"}};
  EXPECT_EQ(Render(app, request).status().message(),
            "parameter box: expected an integer between 1 and 200; got \"201\"");
  const AppSpec required = Load(R"(apiVersion: aws-hpc/v1
name: r
version: "1"
parameters:
  input: {type: s3-uri, required: true, description: Where the data is}
command: [run, "{{ params.input }}"]
)");
  EXPECT_EQ(Render(required, RenderRequest{}).status().message(),
            "missing required parameter input (s3-uri: Where the data is)");
}

TEST(RenderTest, UnknownVariantSuggests) {
  RenderRequest request;
  request.variant = "mpii";
  EXPECT_EQ(Render(Lammps(), request).status().message(),
            "unknown variant \"mpii\" for app lammps; expected mpi or serial (did you mean mpi?)");
}

TEST(RenderTest, ConditionalArgsEnvironmentAndInputs) {
  AppSpec app = Load(kEcho);
  app.dir = "/opt/apps/echo";
  Result<sched::JobRequest> plain = Render(app, RenderRequest{});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_THAT(plain->argv, ElementsAre("/bin/echo", "hello", "n=3", "2024-02-29"));
  EXPECT_EQ(plain->environment,
            (std::map<std::string, std::string>{{"CORES", "2"}, {"TEXT", "hello"}}));
  ASSERT_EQ(plain->inputs.size(), 2u);
  EXPECT_EQ(plain->inputs[0], (sched::InputFile{"/opt/apps/echo/conf/input.cfg", "input.cfg"}));
  EXPECT_EQ(plain->inputs[1], (sched::InputFile{"s3://my-bucket/runs/x.nc", "x.nc"}));
  EXPECT_EQ(plain->resources.memory_mib, 2048);
  EXPECT_EQ(plain->resources.walltime_seconds, 3600);

  RenderRequest request;
  request.params = {{"verbose", "yes"}, {"label", "run 1"}, {"data", "/scratch/d.bin"}};
  Result<sched::JobRequest> full = Render(app, request);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_THAT(full->argv,
              ElementsAre("/bin/echo", "hello", "n=3", "-v", "--label", "run 1", "2024-02-29"));
  EXPECT_EQ(full->environment.at("LABEL"), "label=run 1");
  EXPECT_EQ(full->parameters.at("verbose"), "true");
  ASSERT_EQ(full->inputs.size(), 3u);
  EXPECT_EQ(full->inputs[1], (sched::InputFile{"/scratch/d.bin", "data.bin"}));

  request.params = {{"verbose", "false"}};
  EXPECT_THAT(Render(app, request)->argv, ElementsAre("/bin/echo", "hello", "n=3", "2024-02-29"));
}

TEST(RenderTest, VariantEnvironmentOverridesAndCommandReplaces) {
  const AppSpec app = Load(R"(apiVersion: aws-hpc/v1
name: v
version: "1"
command: [base]
environment: {A: top, B: top}
variants:
  - {name: one, parallelism: serial}
  - name: two
    parallelism: openmp
    command: [other, "{{ variant.name }}", "{{ app.name }}"]
    environment: {B: two, OMP_NUM_THREADS: "{{ resources.vcpus }}"}
    resources: {vcpus: 4}
defaultVariant: two
)");
  Result<sched::JobRequest> two = Render(app, RenderRequest{});
  ASSERT_TRUE(two.ok());
  EXPECT_THAT(two->argv, ElementsAre("other", "two", "v"));
  EXPECT_EQ(two->environment, (std::map<std::string, std::string>{
                                  {"A", "top"}, {"B", "two"}, {"OMP_NUM_THREADS", "4"}}));
  RenderRequest one;
  one.variant = "one";
  EXPECT_THAT(Render(app, one)->argv, ElementsAre("base"));
  EXPECT_EQ(Render(app, one)->resources.vcpus, 1);
}

// Hostile values either fail their type or pass through as exactly one, unchanged argv element.
TEST(RenderTest, HostileStringsPassVerbatimAsOneArgvElement) {
  const AppSpec app = Load(kEcho);
  const std::vector<std::string> hostile = {
      "; rm -rf ~",
      "$(id)",
      "`id`",
      "a\nb",
      "{{ params.other }}",
      "{{params.other}}",
      "' \" \\",
      "$HOME ${HOME}",
      "&& touch /tmp/x",
      "| cat /etc/passwd",
      "--help",
      "   spaces   ",
      "\xff\xfe invalid utf8",
      "*",
      "",
  };
  for (const std::string& value : hostile) {
    SCOPED_TRACE(value);
    RenderRequest request;
    request.params = {{"text", value}, {"label", value}};
    Result<sched::JobRequest> job = Render(app, request);
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    EXPECT_EQ(job->argv[1], value);
    EXPECT_EQ(job->argv[3], "--label");
    EXPECT_EQ(job->argv[4], value);
    EXPECT_EQ(job->argv.size(), 6u);
    EXPECT_EQ(job->environment.at("TEXT"), value);
    EXPECT_EQ(job->environment.at("LABEL"), "label=" + value);
    EXPECT_EQ(job->parameters.at("text"), value);
  }
}

TEST(RenderTest, HostileValuesAreRejectedByTypedParameters) {
  const AppSpec app = Load(kEcho);
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"count", "3; rm -rf ~"},
                                                        {"count", "$(id)"},
                                                        {"verbose", "`id`"},
                                                        {"start", "2024-02-29\n"},
                                                        {"data", "../../etc/passwd"},
                                                        {"data", "-rf"},
                                                        {"data", "a\nb"},
                                                        {"text", std::string("a\0b", 3)}}) {
    SCOPED_TRACE(value);
    RenderRequest request;
    request.params = {{name, value}};
    EXPECT_EQ(Render(app, request).status().code(), StatusCode::kInvalidArgument);
  }
}

// Runs argv (no shell of ours) and returns what the program wrote to stdout.
std::string RunAndCapture(const std::vector<std::string>& argv) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (rc == 0) ::waitpid(pid, nullptr, 0);
  EXPECT_EQ(rc, 0);
  return out;
}

// End to end: hostile values reach a real program as literal text and nothing else runs.
TEST(RenderTest, HostileValuesReachTheProgramLiterally) {
  LoadResult loaded = LoadAppSpecFile(AWSHPC_SOURCE_DIR "/apps/examples/hello/app.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.DiagnosticsText();
  const std::filesystem::path marker =
      std::filesystem::temp_directory_path() / ("spec-pwned-" + std::to_string(::getpid()));
  for (const std::string& value :
       {"$(touch " + marker.string() + ")", "`touch " + marker.string() + "`",
        "; touch " + marker.string(), "x\ntouch " + marker.string(),
        std::string("{{ params.seconds }}"), std::string("back\\slash \\n \\c %s %n")}) {
    SCOPED_TRACE(value);
    RenderRequest request;
    request.params = {{"greeting", value}, {"seconds", "0"}};
    Result<sched::JobRequest> job = Render(*loaded.spec, request);
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    EXPECT_EQ(RunAndCapture(job->argv), value + "\n");
    EXPECT_FALSE(std::filesystem::exists(marker));
  }
}

TEST(RenderTest, ResumeArgsRenderWithTheJobsValues) {
  const AppSpec app = Load(R"(apiVersion: aws-hpc/v1
name: ck
version: "1"
parameters:
  steps: {type: int, default: 10}
command: [sim, "{{ params.steps }}"]
checkpoint:
  supported: true
  interval: 30m
  directory: ckpt
  signal: SIGUSR1
  resume: [--restart, "ckpt/state-{{ params.steps }}"]
)");
  Result<sched::JobRequest> job = Render(app, RenderRequest{});
  ASSERT_TRUE(job.ok());
  Result<std::vector<std::string>> resume = RenderResumeArgs(app, *job);
  ASSERT_TRUE(resume.ok());
  EXPECT_THAT(*resume, ElementsAre("--restart", "ckpt/state-10"));
  EXPECT_EQ(app.checkpoint.interval_seconds, 1800);
  EXPECT_EQ(app.checkpoint.signal, "SIGUSR1");
}

}  // namespace
}  // namespace awshpc::spec
