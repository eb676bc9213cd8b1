// File: parsers_fuzz_test.cpp
// Hostile input for every parser of the module (URLs, queries, paths, INI files, command lines,
// HTTP dates, error bodies, credential JSON): no crash, no sanitizer report, sane results.
// Deterministic: a fixed seed, so a failure reproduces.
#include <gtest/gtest.h>

#include <random>

#include "awshpc/aws/aws_error.hpp"
#include "awshpc/aws/canonical_request.hpp"
#include "awshpc/aws/config_file.hpp"
#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/process.hpp"
#include "awshpc/aws/sigv4.hpp"
#include "awshpc/aws/uri.hpp"

namespace awshpc::aws {
namespace {

// Random strings biased towards the characters parsers care about.
std::string RandomInput(std::mt19937& rng) {
  static constexpr std::string_view kInteresting =
      "%/?&=#[]:@.\\'\" \t\n\r;{}<>,-_~+0123456789abcdefABCDEFxyz\x01\xff\xc3\xa9";
  std::uniform_int_distribution<int> length(0, 80), pick(0, 9);
  std::uniform_int_distribution<std::size_t> which(0, kInteresting.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out;
  const int n = length(rng);
  for (int i = 0; i < n; ++i) {
    out += pick(rng) < 8 ? kInteresting[which(rng)] : static_cast<char>(byte(rng));
  }
  return out;
}

TEST(ParsersFuzzTest, NothingCrashes) {
  std::mt19937 rng(20261129);
  const std::vector<std::string> prefixes = {"",
                                             "https://",
                                             "http://h:1",
                                             "[profile x]\n",
                                             "{\"__type\":",
                                             "<Error><Code>",
                                             "Sun, 30 Aug "};
  for (int i = 0; i < 3000; ++i) {
    const std::string input =
        prefixes[static_cast<std::size_t>(i) % prefixes.size()] + RandomInput(rng);
    if (auto url = ParseUrl(input); url.ok()) {
      EXPECT_FALSE(url->host.empty());
      EXPECT_TRUE(ParseUrl(url->ToString()).ok()) << url->ToString();
    }
    const std::string query = CanonicalQuery(input);
    EXPECT_EQ(CanonicalQuery(query), query);  // canonical form is a fixed point
    const std::string path = NormalizePath(input);
    EXPECT_EQ(NormalizePath(path), path);
    EXPECT_EQ(UriDecode(UriEncode(input)), input);
    CanonicalUri(input, i % 2 == 0);
    ParseIni(input, "fuzz").status().IgnoreError();
    SplitCommandLine(input).status().IgnoreError();
    ParseHttpDate(input).status().IgnoreError();
    CredentialsFromJson(input, "fuzz", "Token").status().IgnoreError();
    HttpResponse response;
    response.status = 400 + i % 200;
    response.body = input;
    EXPECT_FALSE(ParseXmlError("s", "Op", response).code.empty());
    EXPECT_FALSE(ParseJsonError("s", "Op", response).code.empty());
  }
}

}  // namespace
}  // namespace awshpc::aws
