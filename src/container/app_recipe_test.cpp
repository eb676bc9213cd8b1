// File: app_recipe_test.cpp
// Container recipes: per-variant sections, sources with checksums, {{ flags }}, errors with
// file:line:column and field; GEOS-Chem's images (Classic and GCHP) as golden Dockerfiles on every
// base target.
#include "awshpc/container/app_recipe.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "app_plan_test_support.hpp"
#include "awshpc/container/app_image.hpp"
#include "awshpc/container/dockerfile.hpp"
#include "awshpc/container/template.hpp"
#include "awshpc/spec/loader.hpp"
#include "golden.hpp"

namespace awshpc::container {
namespace {

std::string RecipeError(std::string_view yaml) {
  auto parsed = ParseRecipe(yaml, "r.yaml");
  return parsed.ok() ? std::string("(parsed)") : parsed.status().message();
}

TEST(RecipeSchema, VariantSectionsAddToTheCommonParts) {
  auto recipe = ParseRecipe(R"(app: x
build: {packages: [git], steps: [[make]]}
runtime: {packages: [libgomp1]}
check: [x, --version]
variants:
  a:
    build:
      env: {CC: gcc}
      sources: [{name: src, url: "https://example.org/x-1.0.tar.gz", sha256: )" +
                                std::string(64, 'a') + R"(}]
      steps: [[make, a]]
    runtime: {packages: [liba1], env: {A: "1"}}
    check: [x-a, -h]
  b: {build: {packages: [cmake]}}
)",
                            "r.yaml");
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  ASSERT_EQ(recipe->variants.size(), 2u);
  EXPECT_EQ(recipe->variants[0].where, "r.yaml:6:3");

  const AppRecipe a = RecipeForVariant(*recipe, "a");
  EXPECT_TRUE(a.variants.empty());
  EXPECT_EQ(a.build, (std::vector<std::vector<std::string>>{{"make"}, {"make", "a"}}));
  EXPECT_EQ(a.runtime_packages, (std::vector<std::string>{"libgomp1", "liba1"}));
  EXPECT_EQ(a.check, (std::vector<std::string>{"x-a", "-h"}));
  ASSERT_EQ(a.sources.size(), 1u);
  EXPECT_EQ(a.sources[0].into, "/opt/aws-hpc/src/src");

  const AppRecipe b = RecipeForVariant(*recipe, "b");
  EXPECT_EQ(b.build_packages, (std::vector<std::string>{"git", "cmake"}));
  EXPECT_EQ(b.check, (std::vector<std::string>{"x", "--version"}));
  EXPECT_TRUE(b.sources.empty());
  // A variant without a section gets the common recipe.
  EXPECT_EQ(RecipeForVariant(*recipe, "other").build.size(), 1u);
}

TEST(RecipeSchema, RendersChecksumsFlagsAndEnvironment) {
  auto recipe = ParseRecipe(R"(build:
  env: {FFLAGS: "-O2 {{ flags }}"}
  sources:
    - {name: lib, url: "https://example.org/lib-2.tar.xz", sha256: )" +
                                std::string(64, 'b') + R"(}
    - {name: nosum, url: "https://example.org/nosum.tgz"}
    - {name: code, git: "https://example.org/code.git", tag: "1.2.3", into: /opt/code}
  steps: [[cmake, "-DCMAKE_Fortran_FLAGS={{ flags }}", .]]
runtime: {env: {PATH2: /opt/aws-hpc/app/bin}}
)",
                            "r.yaml");
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  auto steps = RenderRecipeSteps(*recipe, "-march=znver3");
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  const std::string& build = steps->build;
  EXPECT_NE(build.find("ENV FFLAGS=\"-O2 -march=znver3\""), std::string::npos) << build;
  EXPECT_NE(
      build.find(
          R"(RUN ["curl", "-fsSL", "--retry", "3", "-o", "/opt/aws-hpc/src/lib.tar.xz", "--", "https://example.org/lib-2.tar.xz"])"),
      std::string::npos)
      << build;
  // The published checksum is a context file checked by sha256sum; without one it is printed.
  EXPECT_EQ(steps->files.at("sources/lib.sha256"),
            std::string(64, 'b') + "  /opt/aws-hpc/src/lib.tar.xz\n");
  EXPECT_NE(
      build.find("COPY sources/lib.sha256 /opt/aws-hpc/src/lib.sha256\n"
                 R"(RUN ["sha256sum", "--check", "--strict", "/opt/aws-hpc/src/lib.sha256"])"),
      std::string::npos)
      << build;
  EXPECT_NE(build.find(R"(RUN ["sha256sum", "/opt/aws-hpc/src/nosum.tgz"])"), std::string::npos);
  EXPECT_EQ(steps->files.count("sources/nosum.sha256"), 0u);
  EXPECT_NE(
      build.find(
          R"(RUN ["git", "clone", "--depth", "1", "--branch", "1.2.3", "--recurse-submodules", "--", "https://example.org/code.git", "/opt/code"])"),
      std::string::npos)
      << build;
  EXPECT_NE(build.find(R"(RUN ["git", "-C", "/opt/code", "rev-parse", "HEAD"])"),
            std::string::npos);
  EXPECT_NE(build.find(R"(RUN ["cmake", "-DCMAKE_Fortran_FLAGS=-march=znver3", "."])"),
            std::string::npos);
  EXPECT_EQ(steps->runtime, "ENV PATH2=\"/opt/aws-hpc/app/bin\"");
  // Sources come before the steps that build them.
  EXPECT_LT(build.find("git\", \"clone"), build.find("\"cmake\""));
}

TEST(RecipeSchema, ErrorsNameFileLineAndField) {
  EXPECT_EQ(RecipeError("variants:\n  a:\n    build:\n      step: []\n"),
            "r.yaml:4:7: variants.a.build: unknown key \"step\" (did you mean steps?)");
  EXPECT_EQ(RecipeError("variants: [a]\n"),
            "r.yaml:1:11: variants: expected a mapping of variant name to section");
  EXPECT_EQ(RecipeError("variants:\n  a:\n    check: make -j\n"),
            "r.yaml:3:12: variants.a.check: expected a non-empty list (an argv, run without a "
            "shell)");
  EXPECT_EQ(RecipeError("build:\n  sources:\n    - {name: s, url: \"https://x.org/s.tar.gz\", "
                        "sha256: abc}\n"),
            "r.yaml:3:56: build.sources[0].sha256: expected 64 lower-case hex digits");
  EXPECT_EQ(RecipeError("build:\n  sources:\n    - {name: s, url: \"http://x.org/s.tar.gz\"}\n"),
            "r.yaml:3:22: build.sources[0].url: expected an https:// .tar.gz, .tgz, .tar.xz or "
            ".tar.bz2 archive");
  EXPECT_EQ(RecipeError("build:\n  sources:\n    - {name: s, git: \"https://x.org/s.git\"}\n"),
            "r.yaml:3:7: build.sources[0].tag: a git source needs its release tag");
  EXPECT_EQ(RecipeError("build:\n  sources:\n    - {name: s, git: \"https://x.org/s.git\", tag: "
                        "\"1\", url: \"https://x.org/s.tgz\"}\n"),
            "r.yaml:3:7: build.sources[0]: give exactly one of url (a release archive) or git "
            "(with tag)");
  EXPECT_EQ(RecipeError("build:\n  sources:\n    - {name: s, url: \"https://x.org/s.tgz\", into: "
                        "../up}\n"),
            "r.yaml:3:51: build.sources[0].into: expected an absolute, normalised directory");
  EXPECT_EQ(RecipeError("build:\n  steps: [[make, \"{{ jobs }}\"]]\n"),
            "r.yaml:2:18: build.steps[0][1]: only {{ flags }} may be substituted");
  EXPECT_EQ(RecipeError("runtime:\n  env: {\"1X\": y}\n"),
            "r.yaml:2:9: runtime.env: \"1X\" is not a variable name");
  EXPECT_EQ(RecipeError("variants:\n  a:\n    runtime: {packages: [Bad]}\n"),
            "r.yaml:3:26: variants.a.runtime.packages[0]: \"Bad\" is not a Debian package name");
  EXPECT_EQ(RecipeError("build:\n  sources: [{name: s, url: \"https://x.org/s.tgz\"}]\n"
                        "variants:\n  a:\n    build:\n      sources: [{name: s, url: "
                        "\"https://x.org/t.tgz\"}]\n"),
            "r.yaml:4:3: variants.a: source \"s\" repeats a name or directory of another source");
}

// GEOS-Chem: the bundled recipe, both variants, every base target.
class GeosChemImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string file = std::string(AWSHPC_SOURCE_DIR) + "/apps/geos-chem/app.yaml";
    auto loaded = spec::LoadAppSpecFile(file);
    ASSERT_TRUE(loaded.ok()) << loaded.DiagnosticsText();
    app_ = *loaded.spec;
    app_.file = file;
    auto bases = BaseCatalog::Builtin();
    ASSERT_TRUE(bases.ok()) << bases.status().ToString();
    bases_ = *bases;
    auto recipe = LoadRecipe(app_, "");
    ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
    recipe_ = *recipe;
  }

  Result<AppImagePlan> PlanFor(const std::string& arch, const std::string& variant) {
    return testing::PlanForGolden(app_, *bases_, recipe_, arch, variant);
  }

  spec::AppSpec app_;
  const BaseCatalog* bases_ = nullptr;
  AppRecipe recipe_;
};

TEST_F(GeosChemImageTest, GoldenDockerfilesForEveryBaseTarget) {
  EXPECT_EQ(recipe_.origin, "data/containers/apps/geos-chem.yaml");
  // The nine microarchitectures and the two generic levels: what app.yaml lists.
  ASSERT_EQ(app_.architectures.size(), 11u);
  for (const std::string& arch : app_.architectures) {
    auto base = bases_->Find(arch);
    ASSERT_TRUE(base.ok()) << arch << " has no base image";
    for (const std::string variant : {"classic", "gchp"}) {
      auto plan = PlanFor(arch, variant);
      ASSERT_TRUE(plan.ok()) << arch << ": " << plan.status().ToString();
      testing::ExpectGolden("app-geos-chem-" + variant + "-" + arch + ".Dockerfile",
                            plan->image.dockerfile);
      EXPECT_EQ(plan->Reference(), "aws-hpc/geos-chem:14.4.3-" + variant + "-" + arch);
      // The catalog's flags for this target reach CMake.
      EXPECT_NE(plan->image.dockerfile.find("\"-DCMAKE_Fortran_FLAGS=" + (*base)->flags + "\""),
                std::string::npos)
          << arch;
    }
  }
}

TEST_F(GeosChemImageTest, ClassicAndGchpBuildDifferentThings) {
  auto classic = PlanFor("zen4", "classic");
  auto gchp = PlanFor("zen4", "gchp");
  ASSERT_TRUE(classic.ok() && gchp.ok());
  const std::string& c = classic->image.dockerfile;
  const std::string& g = gchp->image.dockerfile;
  EXPECT_NE(c.find("\"--branch\", \"14.4.3\", \"--recurse-submodules\", \"--\", "
                   "\"https://github.com/geoschem/GCClassic.git\""),
            std::string::npos);
  EXPECT_NE(c.find("\"-DOMP=y\""), std::string::npos);
  // The check runs in the runtime stage once the app is copied in: it proves what ships.
  const std::size_t c_check = c.find(R"(RUN ["test", "-x", "/opt/aws-hpc/app/gcclassic"])");
  ASSERT_NE(c_check, std::string::npos) << c;
  EXPECT_LT(c.find("COPY --from=build /opt/aws-hpc/app/"), c_check);
  EXPECT_EQ(c.find("esmf"), std::string::npos);
  EXPECT_EQ(classic->image.files.count("sources/esmf.sha256"), 0u);

  // GCHP: ESMF 8.6.1 from its release archive, checked against Spack's published SHA-256.
  EXPECT_EQ(gchp->image.files.at("sources/esmf.sha256"),
            "dc270dcba1c0b317f5c9c6a32ab334cb79468dda283d1e395d98ed2a22866364  "
            "/opt/aws-hpc/src/esmf.tar.gz\n");
  EXPECT_NE(g.find("https://github.com/esmf-org/esmf/archive/refs/tags/v8.6.1.tar.gz"),
            std::string::npos);
  EXPECT_NE(g.find("ESMF_COMM=\"openmpi\""), std::string::npos);
  EXPECT_NE(g.find("ESMF_COMPILER=\"gfortran\""), std::string::npos);
  EXPECT_NE(g.find("ESMF_NETCDF=\"nc-config\""), std::string::npos);
  EXPECT_LT(g.find("sha256sum\", \"--check\""), g.find("\"tar\", \"-xf\""));
  EXPECT_LT(g.find("\"make\", \"-C\", \"/opt/aws-hpc/src/esmf\""), g.find("\"-DRUNDIR="));
  EXPECT_NE(g.find("https://github.com/geoschem/GCHP.git"), std::string::npos);
  const std::size_t g_check = g.find(R"(RUN ["test", "-x", "/opt/aws-hpc/app/gchp"])");
  ASSERT_NE(g_check, std::string::npos) << g;
  EXPECT_LT(g.find("COPY --from=build /opt/aws-hpc/app/"), g_check);
  EXPECT_EQ(g.find("RUN [\"test\"", g_check + 1), std::string::npos);  // once, not also in build
  EXPECT_EQ(g.find("-DOMP=y"), std::string::npos);
  // The runtime stage gets runtime libraries only: no compilers, no sources.
  const std::string runtime = g.substr(g.find(" AS runtime"));
  EXPECT_NE(runtime.find("\"libgfortran5\", \"libgomp1\""), std::string::npos);
  EXPECT_NE(runtime.find("LD_LIBRARY_PATH=\"/opt/aws-hpc/app/esmf/lib\""), std::string::npos);
  for (const char* tool : {"git", "curl", "cmake", "python3", "/opt/aws-hpc/src"}) {
    EXPECT_EQ(runtime.find(tool), std::string::npos) << tool;
  }
  EXPECT_NE(classic->image.content_hash, gchp->image.content_hash);
}

TEST_F(GeosChemImageTest, RecipeVariantsMustExistInTheApp) {
  const std::string path = ::testing::TempDir() + "/geos-chem-recipe.yaml";
  {
    std::ofstream out(path);
    out << "app: geos-chem\nvariants:\n  classic: {check: [true]}\n  gcpp: {check: [true]}\n";
  }
  auto recipe = LoadRecipe(app_, path);
  ASSERT_FALSE(recipe.ok());
  EXPECT_EQ(recipe.status().message(),
            path +
                ":4:3: variants.gcpp: app geos-chem has no variant \"gcpp\" (variants: classic "
                "or gchp)");
}

}  // namespace
}  // namespace awshpc::container
