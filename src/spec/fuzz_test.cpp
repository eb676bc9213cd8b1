// File: fuzz_test.cpp
// Robustness: thousands of randomly mutated versions of valid app.yaml files (fixed seed) go
// through ParseAppSpec and, when they load, through Render. Only crashes (and sanitizer reports)
// fail this test.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "awshpc/spec/loader.hpp"
#include "awshpc/spec/render.hpp"
#include "test_files.hpp"

namespace awshpc::spec {
namespace {

// Fragments that are meaningful to YAML or to the template language.
const std::vector<std::string> kTokens = {
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "|",
    ">",
    "\"",
    "'",
    "#",
    "\n",
    "\t",
    "  ",
    "{{",
    "}}",
    "{{ params.steps }}",
    "{{ resources.vcpus }}",
    "---\n",
    "? ",
    "~",
    "null",
    "true",
    "-1",
    "99999999999999999999",
    "\xff",
    std::string(1, '\0'),
    "%YAML 1.2\n",
    "<<: *a\n",
    "params.",
    "if: ",
    "args: ",
    "s3://",
    "..",
    "/",
};

std::string Mutate(std::string text, std::mt19937& rng) {
  const int mutations = std::uniform_int_distribution<int>(1, 6)(rng);
  for (int m = 0; m < mutations && !text.empty(); ++m) {
    const std::size_t pos = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
    switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
      case 0:  // delete a span
        text.erase(pos, std::uniform_int_distribution<std::size_t>(1, 16)(rng));
        break;
      case 1:  // insert a token
        text.insert(
            pos, kTokens[std::uniform_int_distribution<std::size_t>(0, kTokens.size() - 1)(rng)]);
        break;
      case 2:  // flip a byte
        text[pos] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
        break;
      case 3: {  // duplicate a line
        const std::size_t start = text.rfind('\n', pos);
        const std::size_t end = text.find('\n', pos);
        const std::size_t from = start == std::string::npos ? 0 : start + 1;
        const std::size_t to = end == std::string::npos ? text.size() : end + 1;
        text.insert(from, text.substr(from, to - from));
        break;
      }
      case 4:  // swap two bytes
        std::swap(text[pos],
                  text[std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng)]);
        break;
      default:  // change indentation
        text.insert(pos, std::string(std::uniform_int_distribution<std::size_t>(1, 4)(rng), ' '));
        break;
    }
  }
  return text;
}

TEST(FuzzTest, MutatedAppSpecsNeverCrash) {
  const std::vector<std::string> seeds = {
      ::awshpc::testing::ReadWholeFile(AWSHPC_SOURCE_DIR "/apps/lammps/app.yaml"),
      ::awshpc::testing::ReadWholeFile(AWSHPC_SOURCE_DIR "/src/spec/testdata/good.yaml"),
      ::awshpc::testing::ReadWholeFile(AWSHPC_SOURCE_DIR "/src/spec/testdata/many_errors.yaml"),
  };
  std::mt19937 rng(20261129);
  int loaded = 0;
  int rendered = 0;
  constexpr int kIterations = 2000;
  for (int i = 0; i < kIterations; ++i) {
    const std::string& seed = seeds[static_cast<std::size_t>(i) % seeds.size()];
    const std::string text = Mutate(seed, rng);
    LoadResult result = ParseAppSpec(text, "fuzz.yaml");
    for (const Diagnostic& d : result.diagnostics) {
      ASSERT_FALSE(d.message.empty()) << text;
      (void)d.ToString();
    }
    if (!result.ok()) continue;
    ++loaded;
    for (const Variant& variant : result.spec->variants) {
      RenderRequest request;
      request.variant = variant.name;
      if (Render(*result.spec, request).ok()) ++rendered;
    }
  }
  // The mutations must leave a fair share valid, or this test would only exercise the parser.
  EXPECT_GT(loaded, kIterations / 50);
  EXPECT_GT(rendered, 0);
  RecordProperty("loaded", loaded);
}

}  // namespace
}  // namespace awshpc::spec
