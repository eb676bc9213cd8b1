// File: catalog_test.cpp
// Discovery across search dirs: a broken app beside a good one, shadowing, name/dir mismatch,
// did-you-mean lookups.
#include "awshpc/spec/catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace awshpc::spec {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("spec-catalog-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Dir(const std::string& name) {
    fs::create_directories(root_ / name);
    return (root_ / name).string();
  }

  void WriteApp(const std::string& dir, const std::string& name, const std::string& version,
                const std::string& extra = "") {
    fs::create_directories(fs::path(dir) / name);
    std::ofstream(fs::path(dir) / name / "app.yaml")
        << "apiVersion: aws-hpc/v1\nname: " << name << "\nversion: \"" << version
        << "\"\ncommand: [run]\n"
        << extra;
  }

  fs::path root_;
};

TEST_F(CatalogTest, BrokenAppBesideAGoodOne) {
  const std::string dir = Dir("apps");
  WriteApp(dir, "good", "1");
  WriteApp(dir, "broken", "1", "resources: {vcpus: many}\n");
  fs::create_directories(fs::path(dir) / "no-spec-here");
  fs::create_directories(fs::path(dir) / ".hidden");
  std::ofstream(fs::path(dir) / ".hidden" / "app.yaml") << "garbage: [";

  const AppCatalog catalog = AppCatalog::Discover({dir});
  ASSERT_EQ(catalog.Apps().size(), 1u);
  EXPECT_EQ(catalog.Apps()[0]->name, "good");
  EXPECT_EQ(catalog.Apps()[0]->dir, (fs::path(dir) / "good").string());
  ASSERT_EQ(catalog.Problems().size(), 1u);
  EXPECT_EQ(catalog.Problems()[0].ToString(),
            (fs::path(dir) / "broken" / "app.yaml").string() +
                ":5:20: resources.vcpus: expected an integer; got \"many\"");

  ASSERT_TRUE(catalog.Find("good").ok());
  Result<const AppSpec*> broken = catalog.Find("broken");
  EXPECT_EQ(broken.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(broken.status().message(), HasSubstr("app broken has errors in its app.yaml"));
}

TEST_F(CatalogTest, EarlierSearchDirsWinAndAppsAreSorted) {
  const std::string user = Dir("user");
  const std::string system = Dir("system");
  WriteApp(user, "lammps", "user-build");
  WriteApp(system, "lammps", "system-build");
  WriteApp(system, "wrf", "4.5");
  WriteApp(system, "gromacs", "2023");
  const AppCatalog catalog = AppCatalog::Discover({user, (root_ / "missing").string(), system});
  std::vector<std::string> names;
  for (const AppSpec* app : catalog.Apps()) names.push_back(app->name);
  EXPECT_EQ(names, (std::vector<std::string>{"gromacs", "lammps", "wrf"}));
  EXPECT_EQ((*catalog.Find("lammps"))->version, "user-build");
  EXPECT_TRUE(catalog.Problems().empty());
}

TEST_F(CatalogTest, ABrokenEarlierAppShadowsALaterGoodOne) {
  const std::string user = Dir("user");
  const std::string system = Dir("system");
  WriteApp(user, "lammps", "1", "bogus: 1\n");
  WriteApp(system, "lammps", "2");
  const AppCatalog catalog = AppCatalog::Discover({user, system});
  EXPECT_TRUE(catalog.Apps().empty());
  EXPECT_EQ(catalog.Problems().size(), 1u);
  EXPECT_EQ(catalog.Find("lammps").status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(CatalogTest, NameMustMatchTheDirectory) {
  const std::string dir = Dir("apps");
  fs::create_directories(fs::path(dir) / "lmp");
  std::ofstream(fs::path(dir) / "lmp" / "app.yaml")
      << "apiVersion: aws-hpc/v1\nname: lammps\nversion: \"1\"\ncommand: [run]\n";
  const AppCatalog catalog = AppCatalog::Discover({dir});
  EXPECT_TRUE(catalog.Apps().empty());
  ASSERT_EQ(catalog.Problems().size(), 1u);
  EXPECT_EQ(catalog.Problems()[0].message,
            "app name \"lammps\" does not match its directory \"lmp\"");
}

TEST_F(CatalogTest, FindSuggestsCloseNames) {
  const std::string dir = Dir("apps");
  WriteApp(dir, "lammps", "1");
  WriteApp(dir, "geos-chem", "14");
  const AppCatalog catalog = AppCatalog::Discover({dir});
  EXPECT_EQ(catalog.Find("lamps").status().ToString(),
            "NOT_FOUND: no app named \"lamps\" (did you mean lammps?)");
  EXPECT_EQ(catalog.Find("lmamps").status().message(),
            "no app named \"lmamps\" (did you mean lammps?)");
  EXPECT_EQ(catalog.Find("quantum-espresso").status().message(),
            "no app named \"quantum-espresso\"; available: geos-chem or lammps");
}

TEST_F(CatalogTest, TheSourceTreeAppsAreDiscovered) {
  const AppCatalog catalog = AppCatalog::Discover({AWSHPC_SOURCE_DIR "/apps"});
  EXPECT_TRUE(catalog.Problems().empty());
  EXPECT_TRUE(catalog.Find("lammps").ok());
}

}  // namespace
}  // namespace awshpc::spec
