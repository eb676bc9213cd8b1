// File: base_image_test.cpp
// The base catalog against the architecture catalog, and golden Dockerfiles for every base.
#include "awshpc/container/base_image.hpp"

#include <gtest/gtest.h>

#include "awshpc/container/dockerfile.hpp"
#include "golden.hpp"

namespace awshpc::container {
namespace {

const BaseCatalog& Bases() {
  auto catalog = BaseCatalog::Builtin();
  if (!catalog.ok()) ADD_FAILURE() << catalog.status().ToString();
  return **catalog;
}

ImageProvenance Fixed() {
  ImageProvenance p;
  p.source = "https://example.org/aws-hpc";
  p.revision = "abc123";
  p.date = "20261129";
  return p;
}

TEST(BaseCatalog, OneBasePerTargetPlusCuda) {
  std::vector<std::string> names;
  for (const BaseImage& base : Bases().Images()) names.push_back(base.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"x86_64", "zen2", "zen3", "zen4", "cascadelake", "icelake",
                                      "sapphirerapids", "arm64", "graviton2", "graviton3",
                                      "graviton4", "cuda-x86_64", "cuda-arm64"}));
}

TEST(BaseCatalog, FlagsMathAndTagsFollowTheCatalog) {
  auto zen4 = Bases().Find("zen4");
  ASSERT_TRUE(zen4.ok());
  EXPECT_EQ((*zen4)->platform, "linux/amd64");
  EXPECT_EQ((*zen4)->math.library, "AOCL-BLIS");
  // GCC 12 does not know znver4: the catalog's fallback for it applies.
  EXPECT_TRUE((*zen4)->flags_fallback);
  EXPECT_NE((*zen4)->flags.find("-march=znver3"), std::string::npos) << (*zen4)->flags;
  EXPECT_EQ((*zen4)->RuntimeTag("20261129"), "hpc-base-zen4:20261129");
  EXPECT_EQ((*zen4)->DevelTag("20261129"), "hpc-base-zen4:20261129-devel");

  auto by_alias = Bases().Find("neoverse-v1");
  ASSERT_TRUE(by_alias.ok());
  EXPECT_EQ((*by_alias)->name, "graviton3");
  EXPECT_EQ((*by_alias)->platform, "linux/arm64");
  EXPECT_EQ((*by_alias)->math.library, "OpenBLAS");

  auto icelake = Bases().Find("hpc-base-icelake");
  ASSERT_TRUE(icelake.ok());
  EXPECT_EQ((*icelake)->math.library, "oneMKL");
  EXPECT_EQ((*icelake)->math.components, "main non-free");

  auto cuda = Bases().ForArchitecture("cuda", "aarch64");
  ASSERT_TRUE(cuda.ok());
  EXPECT_EQ((*cuda)->name, "cuda-arm64");
  EXPECT_TRUE((*cuda)->cuda);

  auto typo = Bases().Find("zen5x");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().code(), StatusCode::kNotFound);
}

TEST(BaseCatalog, BadFilesNameLineAndField) {
  auto arch = arch::Catalog::Builtin();
  ASSERT_TRUE(arch.ok());
  auto bad = BaseCatalog::Parse(
      "os: {name: d, devel_image: a, runtime_image: b, compiler: gcc, compiler_version: '12.2'}\n"
      "math: {generic: {library: OpenBLAS}}\n"
      "targets: [x86_64, zen9]\n",
      "bases.yaml", **arch);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().message().starts_with("bases.yaml:3:19: targets[1]: "))
      << bad.status().message();
  auto key = BaseCatalog::Parse("os: {name: d}\nmaths: {}\n", "bases.yaml", **arch);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("unknown key \"maths\" (did you mean math?)"),
            std::string::npos)
      << key.status().message();
}

TEST(BaseImages, GoldenDockerfiles) {
  for (const BaseImage& base : Bases().Images()) {
    auto rendered = RenderBaseImage(base, Fixed());
    ASSERT_TRUE(rendered.ok()) << base.name << ": " << rendered.status().ToString();
    testing::ExpectGolden("base-" + base.name + ".Dockerfile", rendered->dockerfile);
    EXPECT_EQ(rendered->labels.at("io.aws-hpc.microarch"), base.microarch);
    EXPECT_EQ(rendered->labels.at("io.aws-hpc.flags"), base.flags);
    EXPECT_EQ(rendered->files.count("aws-hpc-install-packages"), 1u);
    EXPECT_EQ(CountInstructions(rendered->dockerfile), 10);
  }
}

TEST(BaseImages, HashChangesWithContentNotWithTheDate) {
  auto base = Bases().Find("graviton3");
  ASSERT_TRUE(base.ok());
  auto a = RenderBaseImage(**base, Fixed());
  ImageProvenance later = Fixed();
  later.date = "20261130";
  auto b = RenderBaseImage(**base, later);
  ImageProvenance other = Fixed();
  other.revision = "def456";
  auto c = RenderBaseImage(**base, other);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->content_hash, b->content_hash);
  EXPECT_NE(a->content_hash, c->content_hash);
  EXPECT_NE(a->dockerfile, b->dockerfile);  // the tags in it differ

  BaseImage changed = **base;
  changed.flags += " -O3";
  auto d = RenderBaseImage(changed, Fixed());
  ASSERT_TRUE(d.ok());
  EXPECT_NE(a->content_hash, d->content_hash);
  ImageProvenance bad_date = Fixed();
  bad_date.date = "2026-11-29";
  EXPECT_FALSE(RenderBaseImage(**base, bad_date).ok());
}

// `app build` without --base-date: the newest date with both stages, from the tools' listings.
TEST(BaseImages, NewestLocalBaseDateFromImageListings) {
  // podman/buildah spelling: "localhost/" prefixes; a runtime image without its devel image (and
  // the other way round) does not count; other bases, bad dates and <none> are ignored.
  const std::string podman =
      "localhost/hpc-base-zen4:20261101\n"
      "localhost/hpc-base-zen4:20261101-devel\n"
      "localhost/hpc-base-zen4:20261120\n"
      "localhost/hpc-base-zen4:20261120-devel\n"
      "localhost/hpc-base-zen4:20261125\n"
      "localhost/hpc-base-zen4:20261127-devel\n"
      "localhost/hpc-base-zen4:20261399\n"
      "localhost/hpc-base-zen4:20261399-devel\n"
      "localhost/hpc-base-zen3:20261128\n"
      "localhost/hpc-base-zen3:20261128-devel\n"
      "<none>:<none>\n"
      "docker.io/library/debian:bookworm\n";
  EXPECT_EQ(NewestBaseDate(podman, "hpc-base-zen4"), "20261120");
  EXPECT_EQ(NewestBaseDate(podman, "hpc-base-zen3"), "20261128");
  EXPECT_EQ(NewestBaseDate(podman, "hpc-base-zen"), "");
  EXPECT_EQ(NewestBaseDate(podman, "hpc-base-graviton3"), "");
  // docker spelling: no prefix, CRLF tolerated.
  EXPECT_EQ(NewestBaseDate("hpc-base-x86_64:20260101-devel\r\nhpc-base-x86_64:20260101\r\n",
                           "hpc-base-x86_64"),
            "20260101");
  EXPECT_EQ(NewestBaseDate("", "hpc-base-x86_64"), "");
}

}  // namespace
}  // namespace awshpc::container
