// File: stager_bundle_test.cpp
// The self-contained stager bundle on real programs of this machine: this test binary (dynamic,
// with its libraries and loader), a static busybox, a text file; architecture mismatches.
#include "awshpc/container/stager_bundle.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "awshpc/container/app_image.hpp"
#include "awshpc/container/base_image.hpp"
#include "awshpc/spec/loader.hpp"

namespace awshpc::container {
namespace {

namespace fs = std::filesystem;

std::string SelfPath() { return fs::canonical("/proc/self/exe").string(); }

std::string OtherPlatform() {
  return HostPlatform() == "linux/arm64" ? "linux/amd64" : "linux/arm64";
}

TEST(StagerBundle, ReadsTheElfFactsTheLoaderUses) {
  auto info = ReadElfInfo(SelfPath());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->platform, HostPlatform());
  EXPECT_TRUE(info->interpreter.starts_with("/lib")) << info->interpreter;
  std::set<std::string> needed(info->needed.begin(), info->needed.end());
  EXPECT_TRUE(needed.count("libc.so.6")) << "libc.so.6 not in DT_NEEDED";
  EXPECT_TRUE(needed.count("libstdc++.so.6"));
}

TEST(StagerBundle, BundlesTheWholeClosureAndTheLoader) {
  auto bundle = BundleStager(SelfPath(), HostPlatform(), false);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  const auto& files = bundle->files;
  ASSERT_TRUE(files.count("aws-hpc/libexec/aws-hpc-stage"));
  EXPECT_EQ(files.at("aws-hpc/libexec/aws-hpc-stage").substr(0, 4),
            "\x7f"
            "ELF");
  EXPECT_TRUE(files.count("aws-hpc/lib/libc.so.6"));
  const std::string loader = fs::path(ReadElfInfo(SelfPath())->interpreter).filename().string();
  ASSERT_TRUE(files.count("aws-hpc/lib/" + loader)) << loader;
  const std::string& launcher = files.at("aws-hpc/bin/aws-hpc-stage");
  EXPECT_TRUE(launcher.starts_with("#!/bin/sh\n"));
  EXPECT_NE(launcher.find("exec /opt/aws-hpc/lib/" + loader +
                          " --library-path /opt/aws-hpc/lib /opt/aws-hpc/libexec/aws-hpc-stage "
                          "\"$@\""),
            std::string::npos)
      << launcher;
  // Closed under DT_NEEDED: every library a bundled library needs is bundled too.
  for (const std::string& path : bundle->libraries) {
    auto lib = ReadElfInfo(path);
    ASSERT_TRUE(lib.ok()) << lib.status().ToString();
    for (const std::string& name : lib->needed) {
      EXPECT_TRUE(files.count("aws-hpc/lib/" + name)) << path << " needs " << name;
    }
  }
}

TEST(StagerBundle, AStaticProgramRunsWithoutALoader) {
  if (!fs::exists("/bin/busybox")) GTEST_SKIP() << "busybox-static is covered by the e2e check";
  auto info = ReadElfInfo("/bin/busybox");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  if (!info->interpreter.empty()) GTEST_SKIP() << "this busybox is not static";
  auto bundle = BundleStager("/bin/busybox", info->platform, true);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_TRUE(bundle->libraries.empty());
  EXPECT_NE(bundle->files.at("aws-hpc/bin/aws-hpc-stage")
                .find("\nexec /opt/aws-hpc/libexec/aws-hpc-stage \"$@\"\n"),
            std::string::npos);
}

TEST(StagerBundle, AnotherArchitectureIsRefusedSayingWhatToPass) {
  auto host_built = BundleStager(SelfPath(), OtherPlatform(), false);
  ASSERT_FALSE(host_built.ok());
  EXPECT_EQ(host_built.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(host_built.status().message().find("pass --stager PATH"), std::string::npos)
      << host_built.status().ToString();
  EXPECT_NE(host_built.status().message().find("but the image is " + OtherPlatform()),
            std::string::npos);

  auto given = BundleStager(SelfPath(), OtherPlatform(), true);
  ASSERT_FALSE(given.ok());
  EXPECT_EQ(given.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(given.status().message().starts_with("--stager: " + SelfPath()))
      << given.status().ToString();
}

TEST(StagerBundle, BadFilesAndMissingLibrariesNameTheFile) {
  const std::string dir = ::testing::TempDir() + "/stager-bundle-test";
  fs::create_directories(dir);
  const std::string text = dir + "/not-elf";
  std::ofstream(text) << "#!/bin/sh\necho hi\n";
  auto not_elf = ReadElfInfo(text);
  ASSERT_FALSE(not_elf.ok());
  EXPECT_NE(not_elf.status().message().find(text + ": not an ELF program"), std::string::npos)
      << not_elf.status().ToString();

  // Only an empty directory to search: the first library is reported with where it was sought.
  auto missing = BundleStager(SelfPath(), HostPlatform(), false, {dir + "/empty"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir + "/empty"), std::string::npos)
      << missing.status().ToString();
  EXPECT_NE(missing.status().message().find(" needs "), std::string::npos);
}

// In an app image: the bundle is in the build context, installed by one COPY, and its bytes are
// part of the content hash (a different stager rebuilds the image).
TEST(StagerBundle, AppImagesCopyItAndHashItsBytes) {
  const std::string file = std::string(AWSHPC_SOURCE_DIR) + "/apps/lammps/app.yaml";
  auto loaded = spec::LoadAppSpecFile(file);
  ASSERT_TRUE(loaded.ok()) << loaded.DiagnosticsText();
  spec::AppSpec app = *loaded.spec;
  app.file = file;
  auto bases = BaseCatalog::Builtin();
  ASSERT_TRUE(bases.ok());
  const std::string arch = HostPlatform() == "linux/arm64" ? "arm64" : "x86_64";
  auto base = (*bases)->ForArchitecture(arch, "");
  ASSERT_TRUE(base.ok());
  auto bundle = BundleStager(SelfPath(), HostPlatform(), false);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();

  AppImageRequest request;
  request.app = &app;
  request.arch = arch;
  request.base = *base;
  request.base_date = "20261129";
  auto without = PlanAppImage(request, AppRecipe{});
  request.stager = &*bundle;
  auto with = PlanAppImage(request, AppRecipe{});
  ASSERT_TRUE(without.ok() && with.ok()) << with.status().ToString();
  EXPECT_NE(with->image.dockerfile.find("\nCOPY aws-hpc/ /opt/aws-hpc/\n"), std::string::npos)
      << with->image.dockerfile;
  EXPECT_EQ(without->image.dockerfile.find("COPY aws-hpc/"), std::string::npos);
  EXPECT_EQ(with->image.files.at("aws-hpc/bin/aws-hpc-stage"),
            bundle->files.at("aws-hpc/bin/aws-hpc-stage"));
  EXPECT_NE(with->image.content_hash, without->image.content_hash);

  StagerBundle changed = *bundle;
  changed.files["aws-hpc/libexec/aws-hpc-stage"] += '\0';
  request.stager = &changed;
  auto rebuilt = PlanAppImage(request, AppRecipe{});
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_NE(rebuilt->image.content_hash, with->image.content_hash);
}

}  // namespace
}  // namespace awshpc::container
