// File: template_test.cpp
// Template parsing and single-pass expansion.
#include "awshpc/spec/template.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace awshpc::spec {
namespace {

using ::testing::ElementsAre;

std::optional<std::string> Lookup(std::string_view ref) {
  if (ref == "params.a") return std::string("{{ params.b }}");
  if (ref == "params.b") return std::string("B");
  if (ref == "resources.vcpus") return std::string("4");
  return std::nullopt;
}

TEST(TemplateTest, SplitsLiteralsAndReferences) {
  Result<Template> t = ParseTemplate("-np={{resources.vcpus}} x {{  params.a\t}}}");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_THAT(t->parts,
              ElementsAre(TemplatePart{false, "-np="}, TemplatePart{true, "resources.vcpus"},
                          TemplatePart{false, " x "}, TemplatePart{true, "params.a"},
                          TemplatePart{false, "}"}));
  EXPECT_EQ(*ExpandTemplate(*t, Lookup), "-np=4 x {{ params.b }}}");
}

TEST(TemplateTest, ValuesAreNeverExpandedAgain) {
  Result<Template> t = ParseTemplate("{{ params.a }}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*ExpandTemplate(*t, Lookup), "{{ params.b }}");
}

TEST(TemplateTest, PlainTextAndLoneBraces) {
  EXPECT_THAT(ParseTemplate("a } b }} c {")->parts,
              ElementsAre(TemplatePart{false, "a } b }} c {"}));
  EXPECT_TRUE(ParseTemplate("")->parts.empty());
}

TEST(TemplateTest, RejectsMalformedReferences) {
  for (const char* bad : {"{{", "{{ params.a", "{{}}", "{{ }}", "{{ a b }}", "{{ .a }}", "{{ a. }}",
                          "{{ a..b }}", "{{ $(id) }}", "{{ 1a }}"}) {
    EXPECT_FALSE(ParseTemplate(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseTemplate("x {{ params.a").status().message(),
            "\"{{\" at offset 2 has no matching \"}}\"");
}

TEST(TemplateTest, UnknownReferenceAtExpansionIsAnError) {
  EXPECT_EQ(ExpandTemplate(*ParseTemplate("{{ params.zzz }}"), Lookup).status().message(),
            "{{ params.zzz }} has no value");
}

}  // namespace
}  // namespace awshpc::spec
