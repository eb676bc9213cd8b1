// Tests of the architecture catalog: the embedded data is valid and consistent with app.yaml,
// lookups by name, instance type and compiler version, and the validation of bad documents.
#include <gtest/gtest.h>

#include <set>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::arch {
namespace {

const Catalog& Builtin() {
  auto catalog = Catalog::Builtin();
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  return **catalog;
}

TEST(CatalogTest, BuiltinCatalogIsValidAndComplete) {
  const Catalog& catalog = Builtin();
  for (const char* name : {"x86_64", "x86_64_v2", "x86_64_v3", "x86_64_v4", "skylake",
                           "cascadelake", "icelake", "sapphirerapids", "zen2", "zen3", "zen4",
                           "arm64", "graviton2", "graviton3", "graviton4", "cuda"}) {
    EXPECT_TRUE(catalog.Find(name).ok()) << name;
  }
  for (const Microarchitecture& target : catalog.Targets()) {
    EXPECT_FALSE(target.sources.empty()) << target.name;
    if (target.kind == TargetKind::kCpu) {
      EXPECT_FALSE(target.instance_families.empty()) << target.name;
      EXPECT_FALSE(target.compilers.empty()) << target.name;
      EXPECT_TRUE(target.compilers.count("gcc")) << target.name;
      EXPECT_TRUE(target.compilers.count("clang")) << target.name;
    }
  }
}

TEST(CatalogTest, EveryAppYamlArchitectureIsInTheCatalog) {
  const Catalog& catalog = Builtin();
  for (const std::string& name : spec::KnownArchitectures()) {
    auto target = catalog.Find(name);
    ASSERT_TRUE(target.ok()) << name;
    EXPECT_EQ((*target)->name, name) << "app.yaml names are catalog names, not aliases";
  }
}

TEST(CatalogTest, FindsByNameAndAliasAndSuggests) {
  const Catalog& catalog = Builtin();
  EXPECT_EQ((*catalog.Find("neoverse-v1"))->name, "graviton3");
  EXPECT_EQ((*catalog.Find("ZNVER4"))->name, "zen4");
  EXPECT_EQ((*catalog.Find("x86-64-v3"))->name, "x86_64_v3");
  auto missing = catalog.Find("gravitn3");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("did you mean graviton3?"), std::string::npos)
      << missing.status().message();
}

TEST(CatalogTest, AncestryEndsAtAGenericLevel) {
  const Catalog& catalog = Builtin();
  std::vector<std::string> names;
  for (const auto* t : catalog.Ancestry(**catalog.Find("sapphirerapids"))) names.push_back(t->name);
  EXPECT_EQ(names, (std::vector<std::string>{"sapphirerapids", "icelake", "cascadelake", "skylake",
                                             "x86_64_v4", "x86_64_v3", "x86_64_v2", "x86_64"}));
  names.clear();
  for (const auto* t : catalog.Ancestry(**catalog.Find("graviton4"))) names.push_back(t->name);
  EXPECT_EQ(names, (std::vector<std::string>{"graviton4", "graviton3", "graviton2", "arm64"}));
}

TEST(CatalogTest, InstanceTypesMapToTheirCpu) {
  const Catalog& catalog = Builtin();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"c7g.16xlarge", "graviton3"},
      {"hpc7g.16xlarge", "graviton3"},
      {"c6gn.large", "graviton2"},
      {"t4g.micro", "graviton2"},
      {"c8g.48xlarge", "graviton4"},
      {"r8g.metal-24xl", "graviton4"},
      {"hpc7a.96xlarge", "zen4"},
      {"c7a.large", "zen4"},
      {"hpc6a.48xlarge", "zen3"},
      {"m6a.xlarge", "zen3"},
      {"c5a.large", "zen2"},
      {"c6i.large", "icelake"},
      {"hpc6id.32xlarge", "icelake"},
      {"c6in.large", "icelake"},
      {"m7i-flex.large", "sapphirerapids"},
      {"c7i.48xlarge", "sapphirerapids"},
      {"u7i-12tb.224xlarge", "sapphirerapids"},
      {"c5n.18xlarge", "skylake"},
      {"m5zn.large", "cascadelake"},
      {"C7G.LARGE", "graviton3"},
      {"c7g", "graviton3"}};
  for (const auto& [type, expected] : cases) {
    auto match = catalog.ForInstanceType(type);
    ASSERT_TRUE(match.ok()) << type << ": " << match.status().ToString();
    EXPECT_EQ(match->target->name, expected) << type;
  }
  EXPECT_EQ(catalog.ForInstanceType("p5.48xlarge")->gpu, "cuda");
  EXPECT_EQ(catalog.ForInstanceType("p5.48xlarge")->target->name, "zen3");
  EXPECT_EQ(catalog.ForInstanceType("c7g.large")->gpu, "");
}

TEST(CatalogTest, MixedFamiliesSayWhichSizesDiffer) {
  const Catalog& catalog = Builtin();
  auto small = catalog.ForInstanceType("c5.large");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->target->name, "skylake");
  EXPECT_EQ(small->possible, std::vector<std::string>{"cascadelake"});
  EXPECT_NE(small->note.find("c5.24xlarge"), std::string::npos) << small->note;
  auto big = catalog.ForInstanceType("c5.24xlarge");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->target->name, "cascadelake");
  EXPECT_NE(big->note.find("skylake"), std::string::npos) << big->note;
}

TEST(CatalogTest, UnknownInstanceFamiliesSuggest) {
  const Catalog& catalog = Builtin();
  auto unknown = catalog.ForInstanceType("c7gx.large");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("did you mean"), std::string::npos)
      << unknown.status().message();
  for (const char* bad : {"", ".large", "c7g.", "7g.large", "c7g.large.x", "c7g large", "c\n7g"}) {
    auto parsed = catalog.ForInstanceType(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(CatalogTest, ParsesInstanceTypeNames) {
  auto c7gn = ParseInstanceType("c7gn.16xlarge");
  ASSERT_TRUE(c7gn.ok());
  EXPECT_EQ(c7gn->family, "c7gn");
  EXPECT_EQ(c7gn->series, "c");
  EXPECT_EQ(c7gn->generation, 7);
  EXPECT_EQ(c7gn->attributes, "gn");
  EXPECT_EQ(c7gn->size, "16xlarge");
  auto hpc = ParseInstanceType("hpc7g.4xlarge");
  EXPECT_EQ(hpc->series, "hpc");
  auto flex = ParseInstanceType("m7i-flex.large");
  EXPECT_EQ(flex->family, "m7i-flex");
  EXPECT_EQ(flex->attributes, "i-flex");
  auto u = ParseInstanceType("u-6tb1.metal");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->family, "u-6tb1");
  EXPECT_EQ(u->generation, -1);
}

TEST(CatalogTest, FlagsForPicksTheNewestLineTheCompilerKnows) {
  const Catalog& catalog = Builtin();
  auto best = catalog.FlagsFor("zen4", "gcc", "13.2");
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(best->flags, "-march=znver4 -mtune=znver4");
  EXPECT_FALSE(best->fallback);

  auto old = catalog.FlagsFor("zen4", "g++", "12.2.0");
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->fallback);
  EXPECT_EQ(old->flags_from, "zen4");
  EXPECT_NE(old->flags.find("-march=znver3"), std::string::npos);
  EXPECT_NE(old->flags.find("-mavx512f"), std::string::npos);
  EXPECT_NE(old->note.find("12.3"), std::string::npos) << old->note;
  EXPECT_EQ(old->best_min_version, "12.3");

  // Older than every zen4 line: the parent's flags, and a note that says so.
  auto older = catalog.FlagsFor("zen4", "gcc", "9.3");
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(older->flags_from, "zen2");
  EXPECT_EQ(older->flags, "-march=znver2 -mtune=znver2");
  EXPECT_NE(older->note.find("zen2"), std::string::npos) << older->note;

  // Ranges with an upper bound: GCC 10.1 lost -mcpu=neoverse-v1 that 9.4 had.
  EXPECT_EQ(catalog.FlagsFor("graviton3", "gcc", "9.4")->flags, "-mcpu=neoverse-v1");
  EXPECT_EQ(catalog.FlagsFor("graviton3", "gcc", "10.1")->entry.max_version, "10.1");
  EXPECT_EQ(catalog.FlagsFor("graviton3", "gcc", "10.2.1")->flags, "-mcpu=zeus");
  EXPECT_EQ(catalog.FlagsFor("graviton4", "gcc", "12.2")->flags,
            "-march=armv9-a+i8mm+bf16 -mtune=cortex-a710");
  EXPECT_EQ(catalog.FlagsFor("graviton4", "gcc", "13")->flags, "-mcpu=neoverse-v2");
  EXPECT_EQ(catalog.FlagsFor("neoverse-n1", "clang++", "14.0.6")->flags, "-mcpu=neoverse-n1");

  // A compiler with no line for the target itself: the nearest ancestor that has one.
  auto nv = catalog.FlagsFor("sapphirerapids", "nvhpc", "24.1");
  ASSERT_TRUE(nv.ok());
  EXPECT_EQ(nv->flags_from, "icelake");
  EXPECT_TRUE(nv->fallback);
}

TEST(CatalogTest, FlagsForRejectsBadInput) {
  const Catalog& catalog = Builtin();
  auto compiler = catalog.FlagsFor("zen4", "gcx", "12");
  ASSERT_FALSE(compiler.ok());
  EXPECT_EQ(compiler.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(compiler.status().message().find("did you mean gcc?"), std::string::npos);
  EXPECT_EQ(catalog.FlagsFor("zen4", "gcc", "twelve").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog.FlagsFor("zen9", "gcc", "12").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog.FlagsFor("cuda", "gcc", "12").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(catalog.FlagsFor("zen4", "gcc", "3.4").status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(CatalogTest, VersionsCompareNumerically) {
  EXPECT_LT(CompareVersions(*ParseVersion("9.4"), *ParseVersion("10.1")), 0);
  EXPECT_EQ(CompareVersions(*ParseVersion("12"), *ParseVersion("12.0.0")), 0);
  EXPECT_TRUE(VersionWithin(*ParseVersion("10.2.1"), *ParseVersion("10.2")));
  EXPECT_FALSE(VersionWithin(*ParseVersion("10.3"), *ParseVersion("10.2")));
  EXPECT_TRUE(VersionWithin(*ParseVersion("9.5"), *ParseVersion("9")));
  for (const char* bad : {"", "1..2", "a", "1.2.3.4.5", "-1", "12 "}) {
    EXPECT_FALSE(ParseVersion(bad).ok()) << bad;
  }
  EXPECT_EQ(SplitFlags(" -march=x  -mtune=y "), (std::vector<std::string>{"-march=x", "-mtune=y"}));
}

std::string Minimal(const std::string& extra_target_fields, const std::string& extra_root = "") {
  return "targets:\n"
         "  - name: base\n"
         "    kind: generic\n"
         "    vendor: generic\n"
         "    isa: x86_64\n"
         "    level: x86-64\n"
         "    description: d\n"
         "    sources: [s]\n" +
         extra_target_fields + extra_root +
         "sources:\n"
         "  - {id: s, title: t, url: u}\n";
}

TEST(CatalogTest, ValidationReportsTheLine) {
  EXPECT_TRUE(Catalog::Parse(Minimal(""), "x.yaml").ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Minimal("    parnet: x\n"),
       "x.yaml:9:5: target base: unknown key \"parnet\" (did you mean parent?)"},
      {Minimal("    parent: nothere\n"), "parent nothere is not a target"},
      {Minimal("    compilers:\n      gcc:\n        - {min_version: \"9\", flags: \"-a\"}\n"
               "        - {min_version: \"10\", flags: \"-b\"}\n"),
       "newest min_version first"},
      {Minimal("    compilers:\n      gcc:\n        - {min_version: \"nine\", flags: \"-a\"}\n"),
       "expected numbers"},
      {Minimal("    compilers:\n      gcc:\n        - {min_version: \"9\", max_version: \"8\", "
               "flags: \"-a\"}\n"),
       "max_version is below min_version"},
      {Minimal("    instance_families: [\"c7g.large\"]\n"), "bad instance family"},
      {Minimal("    detect: {vendor_id: GenuineIntel}\n"), "only cpu targets have detect"},
      {Minimal("",
               "  - name: base\n    kind: generic\n    vendor: g\n    isa: x86_64\n"
               "    level: l\n    description: d\n    sources: [s]\n"),
       "is used twice"},
      {"targets: [\n", "x.yaml:"},
  };
  for (const auto& [text, expected] : cases) {
    auto parsed = Catalog::Parse(text, "x.yaml");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(expected), std::string::npos)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace awshpc::arch

namespace awshpc::arch {
namespace {

// Mutations of the real catalog (bytes dropped, duplicated or replaced) must parse or fail with
// InvalidArgument, never crash or throw.
TEST(CatalogTest, MutatedCatalogsNeverCrash) {
  const std::string original(BuiltinCatalogYaml());
  std::uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  const std::string alphabet = " :-[]{}\n\"'#,0x9az";
  int rejected = 0;
  for (int i = 0; i < 300; ++i) {
    std::string text = original;
    for (int edits = 1 + static_cast<int>(next() % 4); edits > 0; --edits) {
      const std::size_t at = next() % text.size();
      switch (next() % 3) {
        case 0:
          text.erase(at, 1 + next() % 8);
          break;
        case 1:
          text.insert(at, text.substr(at, 1 + next() % 16));
          break;
        default:
          text[at] = alphabet[next() % alphabet.size()];
      }
    }
    auto parsed = Catalog::Parse(text, "mutated.yaml");
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << parsed.status().ToString();
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 50);
}

}  // namespace
}  // namespace awshpc::arch
