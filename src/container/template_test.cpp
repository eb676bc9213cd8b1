// File: template_test.cpp
#include "awshpc/container/template.hpp"

#include <gtest/gtest.h>

#include "awshpc/container/content_hash.hpp"
#include "awshpc/container/dockerfile.hpp"

namespace awshpc::container {
namespace {

TEST(RenderTemplate, SubstitutesOnceAndNeverReExpands) {
  auto out = RenderTemplate("FROM {{ base }}\nRUN {{run}}\n", "t.in",
                            {{"base", "debian"}, {"run", "{{ base }}"}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "FROM debian\nRUN {{ base }}\n");
}

TEST(RenderTemplate, ErrorsNameTheLine) {
  auto unknown = RenderTemplate("a\nFROM {{ nope }}\n", "t.in", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "t.in:2: unknown variable \"nope\"");
  auto unclosed = RenderTemplate("a\nb\nFROM {{ base\n}}", "t.in", {{"base", "x"}});
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.status().message(), "t.in:3: unclosed '{{'");
  auto unused = RenderTemplate("x", "t.in", {{"base", "x"}});
  ASSERT_FALSE(unused.ok());
  EXPECT_EQ(unused.status().message(), "t.in: variable \"base\" is never used by the template");
}

TEST(Dockerfile, ExecFormAndQuotingKeepValuesInert) {
  EXPECT_EQ(ExecForm({"sh", "-c", "echo \"$HOME\"; rm -rf /"}),
            R"(["sh", "-c", "echo \"$HOME\"; rm -rf /"])");
  auto quoted = QuoteValue("a \"b\" $HOME \\x");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(*quoted, R"("a \"b\" \$HOME \\x")");
  auto newline = QuoteValue("two\nlines");
  ASSERT_FALSE(newline.ok());
  EXPECT_EQ(newline.status().message(), "value \"two\\nlines\" has a control character");
  auto pairs = KeyValues({{"A", "1"}, {"B", "x y"}});
  ASSERT_TRUE(pairs.ok());
  EXPECT_EQ(*pairs, "A=\"1\" \\\n    B=\"x y\"");
  EXPECT_FALSE(KeyValues({{"A B", "1"}}).ok());
}

TEST(Dockerfile, OneLineForDescriptions) {
  EXPECT_EQ(OneLine("  LAMMPS\n  molecular\tdynamics\x01 \n"), "LAMMPS molecular dynamics");
}

TEST(Dockerfile, CountsInstructionsNotCommentsOrContinuations) {
  EXPECT_EQ(CountInstructions("# c\nFROM a AS b\nRUN [\"x\"]\nENV A=\"1\" \\\n    B=\"2\"\n\n"
                              "FROM c\nCOPY --from=b / /\n"),
            5);
}

TEST(ContentHash, NamesAndLengthsSeparateParts) {
  ContentHash a, b, c;
  a.Add("x", "ab");
  a.Add("y", "c");
  b.Add("x", "a");
  b.Add("y", "bc");
  c.Add("x", "ab");
  c.Add("y", "c");
  const std::string ha = a.Finish();
  EXPECT_NE(ha, b.Finish());
  EXPECT_EQ(ha, c.Finish());
  EXPECT_EQ(ha.size(), 7u + 64u);
}

TEST(EmbeddedData, TemplatesAndScriptsArePresent) {
  EXPECT_NE(BaseDockerfileTemplate().find("AS devel"), std::string_view::npos);
  EXPECT_NE(AppDockerfileTemplate().find("ENTRYPOINT [\"/opt/aws-hpc/entrypoint\"]"),
            std::string_view::npos);
  EXPECT_TRUE(EntrypointScript().starts_with("#!/bin/sh\n"));
  EXPECT_TRUE(InstallPackagesScript().starts_with("#!/bin/sh\n"));
  EXPECT_FALSE(BuiltinRecipe("lammps").empty());
  EXPECT_TRUE(BuiltinRecipe("nope").empty());
}

}  // namespace
}  // namespace awshpc::container
