// File: diagnostics_test.cpp
// Exact diagnostics: file:line:column, field path and what was expected, for each error kind,
// and all errors of a file in one run (golden file testdata/many_errors.expected).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "awshpc/spec/diagnostic.hpp"
#include "awshpc/spec/loader.hpp"

namespace awshpc::spec {
namespace {

using ::testing::ElementsAre;

std::string ReadTestData(const std::string& name) {
  std::ifstream in(AWSHPC_SOURCE_DIR "/src/spec/testdata/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Diagnostics of `yaml` (a minimal valid header is NOT added) as strings.
std::vector<std::string> Diagnose(std::string_view yaml) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ParseAppSpec(yaml, "app.yaml").diagnostics) {
    out.push_back(d.ToString());
  }
  return out;
}

constexpr std::string_view kHeader =
    "apiVersion: aws-hpc/v1\n"
    "name: demo\n"
    "version: \"1\"\n";

std::vector<std::string> DiagnoseBody(std::string_view body) {
  return Diagnose(std::string(kHeader) + std::string(body));
}

TEST(DiagnosticTest, ToStringLeavesOutEmptyParts) {
  EXPECT_EQ((Diagnostic{"apps/wrf/app.yaml", 12, 5, "variants[1].parallelism",
                        "expected one of serial, openmp, mpi or gpu; got \"mpii\""})
                .ToString(),
            "apps/wrf/app.yaml:12:5: variants[1].parallelism: expected one of serial, openmp, "
            "mpi or gpu; got \"mpii\"");
  EXPECT_EQ((Diagnostic{"a.yaml", 0, 0, "", "cannot read"}).ToString(), "a.yaml: cannot read");
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 0, "", "x"}).ToString(), "a.yaml:3: x");
}

TEST(DiagnosticsTest, TheExampleOfTheBrief) {
  EXPECT_THAT(DiagnoseBody("command: [run]\n"
                           "variants:\n"
                           "  - name: serial\n"
                           "    parallelism: serial\n"
                           "  - name: mpi\n"
                           "    parallelism: mpii\n"),
              ElementsAre("app.yaml:9:18: variants[1].parallelism: expected one of serial, "
                          "openmp, mpi or gpu; got \"mpii\""));
}

TEST(DiagnosticsTest, AllErrorsOfAFileInFileOrder) {
  const LoadResult result = ParseAppSpec(ReadTestData("many_errors.yaml"), "many_errors.yaml");
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.spec.has_value());
  EXPECT_EQ(result.DiagnosticsText() + "\n", ReadTestData("many_errors.expected"));
  EXPECT_EQ(result.diagnostics.size(), 24u);
}

TEST(DiagnosticsTest, FullExampleIsValid) {
  const LoadResult result = ParseAppSpec(ReadTestData("good.yaml"), "good.yaml");
  ASSERT_TRUE(result.ok()) << result.DiagnosticsText();
  const AppSpec& app = *result.spec;
  EXPECT_EQ(app.parameters.size(), 10u);
  EXPECT_EQ(app.FindParameter("length")->default_value, "86400");
  EXPECT_EQ(app.FindParameter("length")->min, 3600);
  EXPECT_EQ(app.FindParameter("start")->default_value, "2024-01-01");
  EXPECT_EQ(app.default_variant, "omp");
  EXPECT_EQ(app.variants.size(), 3u);
  EXPECT_EQ(app.containers.size(), 2u);
  EXPECT_EQ(app.licenses.size(), 2u);
  EXPECT_EQ(app.licenses[0].server, "27000@licserver");
  EXPECT_EQ(app.retries.on_exit_codes, (std::vector<int>{137, 143}));
  EXPECT_EQ(app.resources.memory_mib.max, 256 * 1024);
  EXPECT_EQ(ConstraintsText(*app.FindParameter("steps")), "1 <= value <= 1000000");
  EXPECT_EQ(ConstraintsText(*app.FindParameter("mode")), "one of fast or accurate");
}

TEST(DiagnosticsTest, DuplicateKeysAtAnyDepth) {
  EXPECT_THAT(Diagnose("apiVersion: aws-hpc/v1\n"
                       "name: demo\n"
                       "version: \"1\"\n"
                       "command: [run]\n"
                       "name: other\n"),
              ElementsAre("app.yaml:5:1: name: duplicate key (first defined at line 2, column 1)"));
  EXPECT_THAT(DiagnoseBody("command: [run]\n"
                           "parameters:\n"
                           "  n: {type: int, type: float}\n"
                           "  n: {type: int}\n"
                           "environment:\n"
                           "  A: x\n"
                           "  A: y\n"),
              ElementsAre("app.yaml:6:18: parameters.n.type: duplicate key (first defined at line "
                          "6, column 7)",
                          "app.yaml:7:3: parameters.n: duplicate key (first defined at line 6, "
                          "column 3)",
                          "app.yaml:10:3: environment.A: duplicate key (first defined at line 9, "
                          "column 3)"));
}

TEST(DiagnosticsTest, UnknownKeysWithAndWithoutSuggestion) {
  EXPECT_THAT(DiagnoseBody("command: [run]\n"
                           "paramters: {}\n"
                           "resources: {vcpu: 2}\n"
                           "frobnicate: 1\n"),
              ElementsAre("app.yaml:5:1: paramters: unknown key (did you mean \"parameters\"?)",
                          "app.yaml:6:13: resources.vcpu: unknown key (did you mean \"vcpus\"?)",
                          "app.yaml:7:1: frobnicate: unknown key; expected one of apiVersion, "
                          "name, version, description, homepage, parameters, command, "
                          "environment, resources, variants, defaultVariant, architectures, "
                          "containers, inputs, outputs, performance, checkpoint, licenses or "
                          "retries"));
}

TEST(DiagnosticsTest, MissingRequiredKeys) {
  EXPECT_THAT(Diagnose("description: nothing else\n"),
              ElementsAre("app.yaml:1:1: apiVersion: missing required key",
                          "app.yaml:1:1: name: missing required key",
                          "app.yaml:1:1: version: missing required key",
                          "app.yaml:1:1: command: missing required key"));
  EXPECT_THAT(DiagnoseBody("variants:\n  - {name: a}\n"),
              ElementsAre("app.yaml:5:5: variants[0].parallelism: missing required key",
                          "app.yaml:5:5: variants[0].command: missing required key (there is no "
                          "top-level command)"));
}

TEST(DiagnosticsTest, WrongTypes) {
  EXPECT_THAT(
      DiagnoseBody("command: run\n"
                   "parameters: [a, b]\n"
                   "resources: {vcpus: \"2\", walltime: forever, nodes: 1.5}\n"
                   "checkpoint: {supported: yes}\n"
                   "retries: {attempts: [1]}\n"),
      ElementsAre("app.yaml:4:10: command: expected a sequence; got \"run\"",
                  "app.yaml:5:13: parameters: expected a mapping; got a sequence",
                  "app.yaml:6:20: resources.vcpus: expected an integer; got \"2\"",
                  "app.yaml:6:35: resources.walltime: expected a duration of at least 1s (e.g. "
                  "90s, 10m, 1h30m, 2d); got \"forever\"",
                  "app.yaml:6:51: resources.nodes: expected an integer; got \"1.5\"",
                  "app.yaml:7:25: checkpoint.supported: expected true or false; got \"yes\"",
                  "app.yaml:8:21: retries.attempts: expected an integer; got a sequence"));
}

TEST(DiagnosticsTest, ParameterDefinitions) {
  const std::vector<std::string> diagnostics = DiagnoseBody(
      "command: [run]\n"
      "parameters:\n"
      "  a: {type: string, pattern: \"([a-z\"}\n"
      "  b: {type: string, min: 1}\n"
      "  c: {type: enum, values: [x, x]}\n"
      "  d: {type: int, required: true, default: 1}\n"
      "  e: {type: s3-uri, default: \"s3://Bad_Bucket/x\"}\n"
      "  f: {type: path, default: ../etc}\n"
      "  9g: {type: int}\n");
  ASSERT_FALSE(diagnostics.empty());
  // The regex library's own explanation follows in parentheses.
  EXPECT_THAT(diagnostics[0],
              ::testing::StartsWith("app.yaml:6:30: parameters.a.pattern: expected "
                                    "an ECMAScript regular expression; \"([a-z\" ("));
  EXPECT_THAT(
      std::vector<std::string>(diagnostics.begin() + 1, diagnostics.end()),
      ElementsAre(
          "app.yaml:7:26: parameters.b.min: min applies only to int, float and duration "
          "parameters, not string",
          "app.yaml:8:31: parameters.c.values[1]: duplicate value \"x\"",
          "app.yaml:9:43: parameters.d.default: a required parameter cannot have a default",
          "app.yaml:10:30: parameters.e.default: expected an s3:// URI with a valid bucket name "
          "(3-63 characters a-z, 0-9, '.', '-'); got \"s3://Bad_Bucket/x\"",
          "app.yaml:11:28: parameters.f.default: path must not contain \"..\" components; got "
          "\"../etc\"",
          "app.yaml:12:3: parameters: expected a parameter name of letters, digits, '_' and '-' "
          "starting with a letter or '_'; got \"9g\""));
}

TEST(DiagnosticsTest, TemplatesAndConditions) {
  EXPECT_THAT(
      DiagnoseBody("parameters:\n"
                   "  opt: {type: string}\n"
                   "command:\n"
                   "  - run\n"
                   "  - {if: params.opt, args: [\"{{ params.opt }}\"]}\n"
                   "  - {if: opt, args: [x]}\n"
                   "  - {if: params.opt}\n"
                   "  - [nested]\n"
                   "  - \"{{ 1bad }}\"\n"
                   "environment:\n"
                   "  OK: {if: params.opt, value: \"{{ params.opt }}\"}\n"
                   "  BAD: \"{{ params.opt }}\"\n"
                   "  1X: y\n"),
      ElementsAre("app.yaml:9:10: command[2].if: expected params.NAME; got \"opt\"",
                  "app.yaml:10:5: command[3].args: missing required key",
                  "app.yaml:11:5: command[4]: expected a string or a mapping {if: params.NAME, "
                  "args: [...]}; got a sequence",
                  "app.yaml:12:5: command[5]: \"{{ 1bad }}\" is not a reference (expected e.g. "
                  "{{ params.NAME }} or {{ resources.vcpus }})",
                  "app.yaml:15:8: environment.BAD: {{ params.opt }} may be unset (the parameter "
                  "is not required and has no default); use it inside {if: params.opt, ...}",
                  "app.yaml:16:3: environment: expected an environment variable name "
                  "([A-Za-z_][A-Za-z0-9_]*); got \"1X\""));
}

TEST(DiagnosticsTest, SyntaxErrorsHaveAPosition) {
  EXPECT_THAT(Diagnose("name: [a, b\nversion: 1\n"),
              ElementsAre("app.yaml:2:8: invalid YAML: end of sequence flow not found"));
  EXPECT_THAT(Diagnose("name: a: b\n"),
              ElementsAre("app.yaml:1:8: invalid YAML: illegal map value"));
  EXPECT_THAT(Diagnose("a: *nowhere\n"),
              ElementsAre("app.yaml:1:4: invalid YAML: the referenced anchor is not defined"));
  EXPECT_THAT(Diagnose("a: 1\n---\nb: 2\n"),
              ElementsAre("app.yaml:2:1: expected a single YAML document; found a second one "
                          "(\"---\")"));
  EXPECT_THAT(Diagnose("? [a]\n: 1\n"),
              ElementsAre("app.yaml:1:3: mapping keys must be plain strings, not sequences or "
                          "mappings"));
}

TEST(DiagnosticsTest, EmptyAndNonMappingDocuments) {
  const std::string empty_message =
      "app.yaml:1:1: file is empty; expected a mapping with apiVersion, name, version and command";
  EXPECT_THAT(Diagnose(""), ElementsAre(empty_message));
  EXPECT_THAT(Diagnose("# only a comment\n\n"), ElementsAre(empty_message));
  EXPECT_THAT(Diagnose("~\n"), ElementsAre(empty_message));
  EXPECT_THAT(Diagnose("- a\n- b\n"),
              ElementsAre("app.yaml:1:1: expected a mapping at the top level (apiVersion, name, "
                          "...); got a sequence"));
  EXPECT_THAT(Diagnose("just text\n"),
              ElementsAre("app.yaml:1:1: expected a mapping at the top level (apiVersion, name, "
                          "...); got a scalar"));
}

TEST(DiagnosticsTest, UnreadableFiles) {
  const LoadResult missing = LoadAppSpecFile("/nonexistent/app.yaml");
  EXPECT_THAT(missing.diagnostics, ElementsAre(Diagnostic{"/nonexistent/app.yaml", 0, 0, "",
                                                          "cannot read: No such file or "
                                                          "directory"}));
  const LoadResult directory = LoadAppSpecFile(AWSHPC_SOURCE_DIR "/src/spec/testdata");
  ASSERT_EQ(directory.diagnostics.size(), 1u);
  EXPECT_EQ(directory.diagnostics[0].message, "cannot read: not a regular file");
}

TEST(DiagnosticsTest, HostileTextInMessagesIsEscaped) {
  EXPECT_THAT(DiagnoseBody("command: [run]\nvariants: [{name: a, parallelism: \"x\\n\\e[31m\"}]\n"),
              ElementsAre("app.yaml:5:35: variants[0].parallelism: expected one of serial, "
                          "openmp, mpi or gpu; got \"x\\n\\x1b[31m\""));
}

}  // namespace
}  // namespace awshpc::spec
