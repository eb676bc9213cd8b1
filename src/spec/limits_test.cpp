// File: limits_test.cpp
// Hostile documents end with one clear diagnostic, quickly: huge files, deep nesting, alias
// bombs, too many nodes. Nothing may crash, overflow the stack or hang.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "awshpc/spec/loader.hpp"
#include "awshpc/spec/param_types.hpp"

namespace awshpc::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A guard against hangs and blow-ups, not a performance claim (those live in bench/): normal
// builds take milliseconds, but an ASan build on a loaded two-core CI machine took 2.3 s for the
// 5,000-error file, so the bound is generous.
constexpr double kMaxSeconds = 20.0;

struct Timed {
  LoadResult result;
  double seconds;
};

Timed TimedParse(const std::string& text) {
  const auto start = std::chrono::steady_clock::now();
  LoadResult result = ParseAppSpec(text, "app.yaml");
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return {std::move(result), elapsed.count()};
}

std::string Repeat(std::string_view unit, int times) {
  std::string out;
  out.reserve(unit.size() * static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

void ExpectOneDiagnostic(const std::string& text, const std::string& message_part) {
  const Timed timed = TimedParse(text);
  EXPECT_LT(timed.seconds, kMaxSeconds);
  EXPECT_FALSE(timed.result.ok());
  ASSERT_EQ(timed.result.diagnostics.size(), 1u) << timed.result.DiagnosticsText();
  EXPECT_THAT(timed.result.diagnostics[0].message, HasSubstr(message_part));
}

TEST(LimitsTest, TwoMegabyteTextIsRefusedBeforeParsing) {
  const std::string text = "description: \"" + std::string(2 * 1024 * 1024, 'x') + "\"\n";
  const Timed timed = TimedParse(text);
  EXPECT_LT(timed.seconds, kMaxSeconds);
  EXPECT_THAT(timed.result.diagnostics,
              ElementsAre(Diagnostic{"app.yaml", 0, 0, "",
                                     "file is 2097168 bytes; app.yaml is limited to 1048576 bytes "
                                     "(1 MiB)"}));
}

TEST(LimitsTest, TwoMegabyteFileIsRefusedWithoutReadingItAll) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("spec-limits-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "app.yaml").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "# " << std::string(2 * 1024 * 1024, 'x') << "\n";
  }
  const LoadResult result = LoadAppSpecFile(path);
  EXPECT_THAT(result.diagnostics,
              ElementsAre(Diagnostic{path, 0, 0, "",
                                     "file is 2097155 bytes; app.yaml is limited to 1048576 bytes "
                                     "(1 MiB)"}));
  std::filesystem::remove_all(dir);
}

TEST(LimitsTest, ExactlyOneMebibyteIsStillParsed) {
  std::string text = "apiVersion: aws-hpc/v1\nname: big\nversion: \"1\"\ncommand: [run]\n";
  text += "description: \"";
  text += std::string(kMaxAppSpecBytes - text.size() - 2, 'd');
  text += "\"\n";
  ASSERT_EQ(text.size(), kMaxAppSpecBytes);
  const Timed timed = TimedParse(text);
  EXPECT_TRUE(timed.result.ok()) << timed.result.DiagnosticsText();
  EXPECT_LT(timed.seconds, kMaxSeconds);
}

TEST(LimitsTest, TenThousandDeepFlowSequences) {
  ExpectOneDiagnostic(Repeat("[", 10000) + Repeat("]", 10000),
                      "document is nested more than 64 levels deep");
}

TEST(LimitsTest, TenThousandDeepFlowMappings) {
  ExpectOneDiagnostic(Repeat("{a: ", 10000) + "x" + Repeat("}", 10000),
                      "document is nested more than 64 levels deep");
}

TEST(LimitsTest, TenThousandDeepBlockSequences) {
  ExpectOneDiagnostic(Repeat("- ", 10000) + "x\n", "document is nested more than 64 levels deep");
}

TEST(LimitsTest, TenThousandDeepBlockMappings) {
  // Indentation-based nesting: each level one space deeper (the 1 MiB cap bounds the depth).
  std::string text;
  for (int i = 0; i < 1000; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  ExpectOneDiagnostic(text, "document is nested more than 64 levels deep");
}

TEST(LimitsTest, UnclosedBracketsDoNotHang) {
  // yaml-cpp reads "[[" as an implicit flow mapping whose key is a sequence: any one clear
  // diagnostic will do, what matters is that it comes quickly.
  ExpectOneDiagnostic(Repeat("[", 100000), "");
  ExpectOneDiagnostic("a: " + Repeat("[", 50000), "");
  ExpectOneDiagnostic("a: " + Repeat("{", 50000), "mapping keys must be plain strings");
}

TEST(LimitsTest, BillionLaughsAliasBomb) {
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  ExpectOneDiagnostic(text, "nodes after expanding aliases (an alias bomb?)");
}

TEST(LimitsTest, ModestAliasesAreFine) {
  const Timed timed = TimedParse(R"(apiVersion: aws-hpc/v1
name: alias
version: "1"
resources: &res {vcpus: 2, memory: 1GiB}
command: [run]
variants:
  - {name: a, parallelism: serial, resources: *res}
  - {name: b, parallelism: mpi, resources: *res}
)");
  ASSERT_TRUE(timed.result.ok()) << timed.result.DiagnosticsText();
  EXPECT_EQ(timed.result.spec->variants[1].resources.vcpus.value, 2);
}

TEST(LimitsTest, RecursiveAliasIsRefused) {
  const Timed timed = TimedParse("a: &x [1, *x]\n");
  EXPECT_FALSE(timed.result.ok());
  EXPECT_EQ(timed.result.diagnostics.size(), 1u);
}

TEST(LimitsTest, TooManyNodesWithinTheSizeCap) {
  ExpectOneDiagnostic("[" + Repeat("1,", 150000) + "1]", "more than 100000 nodes");
}

TEST(LimitsTest, BinaryGarbageIsADiagnosticNotACrash) {
  std::string text;
  for (int i = 0; i < 4096; ++i) text += static_cast<char>((i * 7919 + 13) % 256);
  const Timed timed = TimedParse(text);
  EXPECT_FALSE(timed.result.ok());
  EXPECT_LT(timed.seconds, kMaxSeconds);
}

TEST(LimitsTest, ThousandsOfErrorsAreSummarised) {
  std::string text = "apiVersion: aws-hpc/v1\nname: many\nversion: \"1\"\ncommand: [run]\n";
  for (int i = 0; i < 5000; ++i) text += "unknown" + std::to_string(i) + ": 1\n";
  const Timed timed = TimedParse(text);
  EXPECT_LT(timed.seconds, kMaxSeconds);
  ASSERT_EQ(timed.result.diagnostics.size(), 201u);
  EXPECT_EQ(timed.result.diagnostics.front().ToString(),
            "app.yaml:5:1: unknown0: unknown key; expected one of apiVersion, name, version, "
            "description, homepage, parameters, command, environment, resources, variants, "
            "defaultVariant, architectures, containers, inputs, outputs, performance, "
            "checkpoint, licenses or retries");
  EXPECT_EQ(timed.result.diagnostics.back().ToString(), "app.yaml: 4800 more problems not shown");
}

TEST(LimitsTest, LongValuesAreShortenedInMessages) {
  // YAML caps implicit keys at 1024 characters; values are bounded only by the file size.
  const std::string key(1000, 'k');
  const std::string value(300000, 'v');
  const Timed timed = TimedParse(
      "apiVersion: aws-hpc/v1\nname: long\nversion: \"1\"\n"
      "command: [run]\n" +
      key + ": 1\nhomepage: " + value + "\n");
  EXPECT_LT(timed.seconds, kMaxSeconds);
  ASSERT_EQ(timed.result.diagnostics.size(), 2u) << timed.result.DiagnosticsText();
  for (const Diagnostic& d : timed.result.diagnostics) {
    EXPECT_LT(d.ToString().size(), 400u) << d.ToString().substr(0, 400);
  }
  EXPECT_EQ(timed.result.diagnostics[0].field_path, std::string(100, 'k') + "...");
}

TEST(LimitsTest, LongParameterValuesAreRefused) {
  LoadResult loaded = ParseAppSpec(R"(apiVersion: aws-hpc/v1
name: long
version: "1"
parameters:
  s: {type: string, pattern: "(a|b)*"}
command: [run]
)",
                                   "app.yaml");
  ASSERT_TRUE(loaded.ok());
  const Parameter& p = *loaded.spec->FindParameter("s");
  EXPECT_TRUE(CanonicalizeValue(p, std::string(4096, 'a')).ok());
  EXPECT_THAT(CanonicalizeValue(p, std::string(4097, 'a')).status().message(),
              HasSubstr("at most 4096"));
}

}  // namespace
}  // namespace awshpc::spec
