// File: schema_test.cpp
// The JSON schema is valid JSON, embedded byte for byte, and agrees with the loader's key tables;
// the bundled apps load without diagnostics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "awshpc/core/units.hpp"
#include "awshpc/spec/app_spec.hpp"
#include "awshpc/spec/loader.hpp"
#include "awshpc/spec/render.hpp"
#include "awshpc/spec/schema.hpp"
#include "test_files.hpp"

namespace awshpc::spec {
namespace {

using ::testing::UnorderedElementsAreArray;

nlohmann::json Schema() { return nlohmann::json::parse(AppSchemaJson()); }

TEST(SchemaTest, EmbeddedSchemaIsTheCommittedFile) {
  // Compared as a bool: on failure, printing both 15 KB texts would bury the message.
  EXPECT_TRUE(AppSchemaJson() ==
              ::awshpc::testing::ReadWholeFile(AWSHPC_SOURCE_DIR "/schema/app.schema.json"))
      << "the embedded schema is stale: re-run cmake";
}

TEST(SchemaTest, IsDraft202012WithClosedObjects) {
  const nlohmann::json schema = Schema();
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"]["apiVersion"]["const"], std::string(kApiVersion));
}

TEST(SchemaTest, PropertyNamesAgreeWithTheLoader) {
  const nlohmann::json schema = Schema();
  for (const KeyTable& table : LoaderKeyTables()) {
    SCOPED_TRACE(std::string(table.section));
    const nlohmann::json& node =
        schema.at(nlohmann::json::json_pointer(std::string(table.schema_pointer)));
    EXPECT_EQ(node.at("additionalProperties"), false);
    std::vector<std::string> names;
    for (const auto& [name, unused] : node.at("properties").items()) names.push_back(name);
    EXPECT_THAT(names, UnorderedElementsAreArray(table.keys));
  }
}

TEST(SchemaTest, EnumsAgreeWithTheLoader) {
  const nlohmann::json schema = Schema();
  EXPECT_EQ(
      schema["$defs"]["parameter"]["properties"]["type"]["enum"].get<std::vector<std::string>>(),
      ParamTypeNames());
  EXPECT_EQ(schema["$defs"]["architecture"]["enum"].get<std::vector<std::string>>(),
            KnownArchitectures());
  std::vector<std::string> parallelism;
  for (Parallelism p :
       {Parallelism::kSerial, Parallelism::kOpenMp, Parallelism::kMpi, Parallelism::kGpu}) {
    parallelism.emplace_back(ParallelismName(p));
  }
  EXPECT_EQ(schema["$defs"]["variant"]["properties"]["parallelism"]["enum"]
                .get<std::vector<std::string>>(),
            parallelism);
}

// Editors and the loader must agree on what a memory size and a duration look like.
TEST(SchemaTest, MemoryAndDurationPatternsAgreeWithCoreParsers) {
  const nlohmann::json schema = Schema();
  const std::regex memory(schema["$defs"]["memory"]["pattern"].get<std::string>());
  const std::regex duration(schema["$defs"]["duration"]["pattern"].get<std::string>());
  for (const char* text : {"2GiB", "512MiB", "2G", "2g", "1.5GiB", "4096", "800KiB", "1TiB", "2GB",
                           ".5G", "2 GiB", "lots", "2GiBs", "", "-1G", "1PiB"}) {
    EXPECT_EQ(std::regex_search(text, memory), ParseMemoryMiB(text).ok()) << text;
  }
  for (const char* text : {"10m", "1h30m", "90", "01:30:00", "10:00", "1.5h", "1w", "2d", "1h30",
                           "forever", "-1s", "", "1:2:3:4", "1y", "45s"}) {
    EXPECT_EQ(std::regex_search(text, duration), ParseDurationSeconds(text).ok()) << text;
  }
}

TEST(BundledAppsTest, EveryAppLoadsWithoutDiagnostics) {
  int apps = 0;
  for (const auto& entry : std::filesystem::directory_iterator(AWSHPC_SOURCE_DIR "/apps")) {
    const auto file = entry.path() / "app.yaml";
    if (!std::filesystem::exists(file)) continue;
    ++apps;
    const LoadResult result = LoadAppSpecFile(file.string());
    EXPECT_TRUE(result.ok()) << result.DiagnosticsText();
    if (result.ok()) {
      EXPECT_EQ(result.spec->name, entry.path().filename().string());
    }
  }
  EXPECT_GE(apps, 1);
}

TEST(BundledAppsTest, ExamplesLoadAndRender) {
  int apps = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(AWSHPC_SOURCE_DIR "/apps/examples")) {
    const auto file = entry.path() / "app.yaml";
    if (!std::filesystem::exists(file)) continue;
    ++apps;
    const LoadResult result = LoadAppSpecFile(file.string());
    ASSERT_TRUE(result.ok()) << result.DiagnosticsText();
    EXPECT_EQ(result.spec->name, entry.path().filename().string());
    for (const Variant& variant : result.spec->variants) {
      RenderRequest request;
      request.variant = variant.name;
      Result<sched::JobRequest> job = Render(*result.spec, request);
      EXPECT_TRUE(job.ok()) << file << " " << variant.name << ": " << job.status().ToString();
    }
  }
  // apps/examples/hello today (GEOS-Chem graduated to apps/geos-chem).
  EXPECT_GE(apps, 1);
}

TEST(BundledAppsTest, LammpsHasTheAgreedShape) {
  const LoadResult result = LoadAppSpecFile(AWSHPC_SOURCE_DIR "/apps/lammps/app.yaml");
  ASSERT_TRUE(result.ok()) << result.DiagnosticsText();
  const AppSpec& app = *result.spec;
  EXPECT_EQ(app.dir,
            std::filesystem::path(AWSHPC_SOURCE_DIR "/apps/lammps").lexically_normal().string());
  EXPECT_EQ(app.default_variant, "mpi");
  EXPECT_EQ(app.VariantNames(), (std::vector<std::string>{"mpi", "serial"}));
  EXPECT_EQ(app.performance_parser, "lammps");
  ASSERT_NE(app.FindParameter("steps"), nullptr);
  EXPECT_EQ(app.FindParameter("steps")->default_value, "300");
  EXPECT_EQ(app.FindParameter("box")->default_value, "20");
  EXPECT_EQ(app.resources.vcpus.value, 2);
  EXPECT_EQ(app.resources.memory_mib.value, 1024);
  EXPECT_EQ(app.resources.walltime_seconds.value, 600);
}

}  // namespace
}  // namespace awshpc::spec
