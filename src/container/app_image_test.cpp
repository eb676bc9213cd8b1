// File: app_image_test.cpp
// Application image Dockerfiles: golden files for LAMMPS on every architecture it builds for,
// recipes, content addressing.
#include "awshpc/container/app_image.hpp"

#include <gtest/gtest.h>

#include "app_plan_test_support.hpp"
#include "awshpc/container/dockerfile.hpp"
#include "awshpc/container/template.hpp"
#include "awshpc/spec/loader.hpp"
#include "golden.hpp"

namespace awshpc::container {
namespace {

class AppImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = spec::LoadAppSpecFile(std::string(AWSHPC_SOURCE_DIR) + "/apps/lammps/app.yaml");
    ASSERT_TRUE(loaded.ok()) << loaded.DiagnosticsText();
    app_ = *loaded.spec;
    app_.file = std::string(AWSHPC_SOURCE_DIR) + "/apps/lammps/app.yaml";
    auto bases = BaseCatalog::Builtin();
    ASSERT_TRUE(bases.ok()) << bases.status().ToString();
    bases_ = *bases;
    auto recipe = LoadRecipe(app_, "");
    ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
    recipe_ = *recipe;
  }

  Result<AppImagePlan> Plan(const std::string& arch, const std::string& variant = "",
                            const std::string& base_id = "") {
    return testing::PlanForGolden(app_, *bases_, recipe_, arch, variant, base_id);
  }

  spec::AppSpec app_;
  const BaseCatalog* bases_ = nullptr;
  AppRecipe recipe_;
};

TEST_F(AppImageTest, GoldenDockerfilesForEveryArchitectureAndVariant) {
  // LAMMPS declares x86_64 and arm64; any catalog target of those ISAs works too.
  for (const std::string arch : {"x86_64", "arm64", "zen4", "graviton3", "sapphirerapids"}) {
    for (const std::string variant : {"mpi", "serial"}) {
      auto plan = Plan(arch, variant);
      ASSERT_TRUE(plan.ok()) << arch << ": " << plan.status().ToString();
      testing::ExpectGolden("app-lammps-" + variant + "-" + arch + ".Dockerfile",
                            plan->image.dockerfile);
      EXPECT_EQ(plan->Reference(), "aws-hpc/lammps:29Sep2021-update2-" + variant + "-" + arch);
      EXPECT_EQ(plan->image.files.at("inputs/in.lj").substr(0, 2), "# ");
      EXPECT_EQ(plan->image.files.at("outputs.list"), "log.lammps\n");
      EXPECT_EQ(plan->image.files.at("aws-hpc-entrypoint"), EntrypointScript());
    }
  }
}

TEST_F(AppImageTest, DefaultVariantCommandAndLabels) {
  auto plan = Plan("zen4");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->variant, "mpi");
  EXPECT_EQ(plan->devel_base, "hpc-base-zen4:20261129-devel");
  EXPECT_EQ(plan->runtime_base, "hpc-base-zen4:20261129");
  const std::string& dockerfile = plan->image.dockerfile;
  EXPECT_NE(dockerfile.find("CMD [\"mpirun\", \"--allow-run-as-root\", \"--oversubscribe\", "
                            "\"-np\", \"2\", \"lmp\""),
            std::string::npos)
      << dockerfile;
  EXPECT_NE(dockerfile.find("RUN [\"/usr/local/bin/aws-hpc-install-packages\", \"lammps\"]"),
            std::string::npos);
  EXPECT_NE(dockerfile.find("RUN [\"lmp\", \"-h\"]"), std::string::npos);
  EXPECT_EQ(plan->image.labels.at("io.aws-hpc.microarch"), "zen4");
  EXPECT_EQ(plan->image.labels.at("io.aws-hpc.arch"), "x86_64");
  EXPECT_EQ(plan->image.labels.at("org.opencontainers.image.revision"), "abc123");
  EXPECT_EQ(CountInstructions(dockerfile), 14);
}

TEST_F(AppImageTest, RecipeCheckRunsAfterTheAppIsCopiedIn) {
  auto plan = Plan("zen4");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const std::string& dockerfile = plan->image.dockerfile;
  const std::size_t runtime = dockerfile.find(" AS runtime\n");
  const std::size_t packages =
      dockerfile.find("RUN [\"/usr/local/bin/aws-hpc-install-packages\", \"lammps\"]", runtime);
  const std::size_t copy = dockerfile.find("COPY --from=build /opt/aws-hpc/app/ /opt/aws-hpc/app/");
  const std::size_t check = dockerfile.find("RUN [\"lmp\", \"-h\"]");
  ASSERT_NE(runtime, std::string::npos) << dockerfile;
  ASSERT_NE(check, std::string::npos) << dockerfile;
  // Runtime packages, then the app from the build stage, then the check of what ships.
  EXPECT_LT(runtime, packages);
  EXPECT_LT(packages, copy);
  EXPECT_LT(copy, check) << dockerfile;
  EXPECT_LT(check, dockerfile.find("ENTRYPOINT"));

  recipe_.check.clear();
  auto unchecked = Plan("zen4");
  ASSERT_TRUE(unchecked.ok());
  EXPECT_EQ(unchecked->image.dockerfile.find("RUN [\"lmp\""), std::string::npos);
  EXPECT_NE(
      unchecked->image.dockerfile.find("COPY --from=build /opt/aws-hpc/app/ /opt/aws-hpc/app/\n"
                                       "# (the recipe has no check)\n"),
      std::string::npos)
      << unchecked->image.dockerfile;
}

TEST_F(AppImageTest, ContentHashFollowsSpecRecipeAndBase) {
  auto a = Plan("x86_64");
  auto same = Plan("x86_64");
  auto other_base = Plan("x86_64", "", "0123456789ab");
  ASSERT_TRUE(a.ok() && same.ok() && other_base.ok());
  EXPECT_EQ(a->image.content_hash, same->image.content_hash);
  EXPECT_NE(a->image.content_hash, other_base->image.content_hash);

  recipe_.runtime_packages.push_back("gnuplot");
  recipe_.text += "# changed\n";
  auto other_recipe = Plan("x86_64");
  ASSERT_TRUE(other_recipe.ok());
  EXPECT_NE(a->image.content_hash, other_recipe->image.content_hash);

  app_.environment.push_back({"EXTRA", {"1", {{false, "1"}}}, ""});
  auto other_spec = Plan("x86_64");
  ASSERT_TRUE(other_spec.ok());
  EXPECT_NE(other_recipe->image.content_hash, other_spec->image.content_hash);
}

TEST_F(AppImageTest, MultiLineDescriptionBecomesOneLabelLine) {
  app_.description = "Line one.\nLine two with \"quotes\" and $HOME.\n";
  auto plan = Plan("x86_64");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(
      plan->image.dockerfile.find(
          R"(org.opencontainers.image.description="Line one. Line two with \"quotes\" and \$HOME.")"),
      std::string::npos)
      << plan->image.dockerfile;
}

TEST_F(AppImageTest, RejectsArchitecturesAndVariantsTheAppLacks) {
  app_.architectures = {"arm64"};
  auto x86 = Plan("zen4");
  ASSERT_FALSE(x86.ok());
  EXPECT_EQ(x86.status().message(), "app lammps does not run on zen4 (its architectures: arm64)");
  auto variant = Plan("arm64", "gpu");
  ASSERT_FALSE(variant.ok());
  EXPECT_EQ(variant.status().code(), StatusCode::kNotFound);
}

TEST(Recipe, ParsesAndReportsFieldsWithLines) {
  auto ok = ParseRecipe(
      "app: x\nbuild:\n  packages: [cmake]\n  steps:\n    - [make, -j2]\n"
      "runtime: {packages: [libfftw3-3]}\ncheck: [x, --version]\n",
      "r.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->build, (std::vector<std::vector<std::string>>{{"make", "-j2"}}));
  EXPECT_EQ(ok->runtime_packages, std::vector<std::string>{"libfftw3-3"});

  auto shell = ParseRecipe("build:\n  steps:\n    - make -j2\n", "r.yaml");
  ASSERT_FALSE(shell.ok());
  EXPECT_EQ(shell.status().message(),
            "r.yaml:3:7: build.steps[0]: expected a non-empty list (an argv, run without a shell)");
  auto package = ParseRecipe("runtime: {packages: [--allow-unauthenticated]}\n", "r.yaml");
  ASSERT_FALSE(package.ok());
  EXPECT_EQ(package.status().message(),
            "r.yaml:1:22: runtime.packages[0]: \"--allow-unauthenticated\" is not a Debian "
            "package name");
  auto key = ParseRecipe("runtim: {}\n", "r.yaml");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(),
            "r.yaml:1:1: recipe: unknown key \"runtim\" (did you mean runtime?)");
}

TEST(Tags, SanitizedForOci) {
  EXPECT_EQ(SanitizeTag("29Sep2021 update2-mpi-x86_64"), "29Sep2021-update2-mpi-x86_64");
  EXPECT_EQ(SanitizeTag("-.x/y"), "x-y");
  EXPECT_EQ(SanitizeTag(""), "latest");
}

}  // namespace
}  // namespace awshpc::container
