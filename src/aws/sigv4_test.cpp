// File: sigv4_test.cpp
// The signer against every case of the public SigV4 test suite (tests/data/sigv4) and against the
// documented S3 examples.
#include "awshpc/aws/sigv4.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "awshpc/aws/canonical_request.hpp"
#include "awshpc/aws/crypto.hpp"
#include "test_util.hpp"

namespace awshpc::aws {
namespace {

constexpr UnixMillis kSuiteTime = 1'440'938'160'000;  // 2015-08-30T12:36:00Z

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Parses a suite .req file: "METHOD target HTTP/1.1", headers (continuation lines become repeated
// values, which canonicalize to the comma-joined form the suite expects), blank line, body.
HttpRequest ParseSuiteRequest(const std::string& text) {
  HttpRequest request;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const auto first = line.find(' ');
  const auto last = line.rfind(' ');
  request.method = line.substr(0, first);
  const std::string target = line.substr(first + 1, last - first - 1);
  std::string host;
  while (std::getline(in, line) && !line.empty()) {
    if (line[0] == ' ' || line[0] == '\t') {
      request.headers.push_back({request.headers.back().name, TrimAll(line)});
      continue;
    }
    const auto colon = line.find(':');
    request.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
    if (EqualsIgnoreCase(request.headers.back().name, "Host"))
      host = TrimAll(line.substr(colon + 1));
  }
  std::string body;
  std::getline(in, body, '\0');
  request.body = body;
  request.url = "https://" + host + target;
  return request;
}

TEST(SigV4SuiteTest, EveryCasePasses) {
  const Credentials credentials{
      "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}, "test"};
  FakeClock clock(kSuiteTime);
  SigV4Signer signer({"service", "us-east-1"}, clock);
  int cases = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(testing::SourcePath("tests/data/sigv4"))) {
    if (entry.path().extension() != ".req") continue;
    const auto base = entry.path().parent_path() / entry.path().stem();
    SCOPED_TRACE(entry.path().stem().string());
    HttpRequest request = ParseSuiteRequest(ReadFile(entry.path()));
    const Result<SignatureParts> parts = signer.Sign(request, credentials);
    ASSERT_TRUE(parts.ok()) << parts.status().ToString();
    EXPECT_EQ(parts->canonical_request, ReadFile(base.string() + ".creq"));
    EXPECT_EQ(parts->string_to_sign, ReadFile(base.string() + ".sts"));
    EXPECT_EQ(parts->authorization, ReadFile(base.string() + ".authz"));
    ++cases;
  }
  EXPECT_EQ(cases, 31);
}

TEST(SigV4Test, SigningKeyMatchesTheDocumentedDerivation) {
  // From the AWS General Reference example for the iam service.
  EXPECT_EQ(HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830",
                                       "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

const Credentials kS3DocCredentials{
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", {}, "test"};
constexpr UnixMillis kS3DocTime = 1'369'353'600'000;  // 2013-05-24T00:00:00Z

TEST(SigV4S3Test, GetObjectExampleFromTheS3Documentation) {
  FakeClock clock(kS3DocTime);
  SigV4Signer signer({"s3", "us-east-1", /*s3=*/true}, clock);
  HttpRequest request;
  request.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  request.headers = {{"Range", "bytes=0-9"}};
  auto parts = signer.Sign(request, kS3DocCredentials);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(*FindHeader(request.headers, "x-amz-content-sha256"), kEmptySha256);
  EXPECT_EQ(parts->authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4S3Test, PresignedUrlExampleFromTheS3Documentation) {
  FakeClock clock(kS3DocTime);
  SigV4Signer signer({"s3", "us-east-1", /*s3=*/true}, clock);
  HttpRequest request;
  request.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  auto parts = signer.Presign(request, kS3DocCredentials, std::chrono::seconds(86400));
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4S3Test, S3PathIsNeitherNormalizedNorEncodedTwice) {
  EXPECT_EQ(CanonicalUri("/bucket/a%20b//../c", /*s3=*/true), "/bucket/a%20b//../c");
  EXPECT_EQ(CanonicalUri("/a%20b//c/", /*s3=*/false), "/a%2520b/c/");
}

TEST(SigV4S3Test, UnsignedPayloadForStreamedUploads) {
  FakeClock clock(kS3DocTime);
  SigV4Signer signer({"s3", "us-east-1", true, /*unsigned_payload=*/true}, clock);
  HttpRequest request;
  request.method = "PUT";
  request.url = "https://examplebucket.s3.amazonaws.com/big.bin";
  request.body_source = [](char*, std::size_t) -> Result<std::size_t> { return std::size_t{0}; };
  request.content_length = 0;
  auto parts = signer.Sign(request, kS3DocCredentials);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Content-SHA256"), "UNSIGNED-PAYLOAD");
  EXPECT_TRUE(parts->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4Test, StreamedBodyWithoutHashIsRefused) {
  FakeClock clock(kSuiteTime);
  SigV4Signer signer({"service", "us-east-1"}, clock);
  HttpRequest request;
  request.method = "PUT";
  request.url = "https://example.amazonaws.com/x";
  request.body_source = [](char*, std::size_t) -> Result<std::size_t> { return std::size_t{0}; };
  EXPECT_EQ(signer.Sign(request, kS3DocCredentials).status().code(), StatusCode::kInvalidArgument);
}

TEST(SigV4Test, SessionTokenIsSignedAndResigningReplacesHeaders) {
  FakeClock clock(kSuiteTime);
  SigV4Signer signer({"service", "us-east-1"}, clock);
  Credentials credentials = kS3DocCredentials;
  credentials.session_token = "TOKEN";
  HttpRequest request;
  request.url = "https://example.amazonaws.com/";
  ASSERT_TRUE(signer.Sign(request, credentials).ok());
  clock.Advance(std::chrono::seconds(5));
  auto parts = signer.Sign(request, credentials);  // a retry signs again
  ASSERT_TRUE(parts.ok());
  int authorizations = 0;
  for (const auto& h : request.headers) authorizations += h.name == "Authorization";
  EXPECT_EQ(authorizations, 1);
  EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Date"), "20150830T123605Z");
  EXPECT_NE(parts->authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token"),
            std::string::npos);
}

TEST(SigV4Test, NonDefaultPortIsPartOfTheHost) {
  FakeClock clock(kSuiteTime);
  SigV4Signer signer({"sts", "us-east-1"}, clock);
  HttpRequest request;
  request.url = "http://127.0.0.1:5000/";
  ASSERT_TRUE(signer.Sign(request, kS3DocCredentials).ok());
  EXPECT_EQ(*FindHeader(request.headers, "Host"), "127.0.0.1:5000");
}

TEST(SigV4Test, RefusesEmptyCredentialsAndBadExpiry) {
  SigV4Signer signer({"s3", "us-east-1", true});
  HttpRequest request;
  request.url = "https://b.s3.amazonaws.com/k";
  EXPECT_FALSE(signer.Sign(request, Credentials{}).ok());
  EXPECT_FALSE(signer.Presign(request, kS3DocCredentials, std::chrono::hours(24 * 8)).ok());
}

TEST(CanonicalRequestTest, QueryIsReencodedAndSorted) {
  EXPECT_EQ(CanonicalQuery("b=2&a=%7e&a=1&c"), "a=1&a=~&b=2&c=");
  EXPECT_EQ(CanonicalQuery("k=a b+c/d"), "k=a%20b%2Bc%2Fd");
  EXPECT_EQ(CanonicalQuery(""), "");
}

TEST(CanonicalRequestTest, NormalizePath) {
  EXPECT_EQ(NormalizePath(""), "/");
  EXPECT_EQ(NormalizePath("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(NormalizePath("/../.."), "/");
}

TEST(ClockSkewTest, ParsesHttpDates) {
  EXPECT_EQ(*ParseHttpDate("Sun, 30 Aug 2015 12:36:00 GMT"), kSuiteTime);
  EXPECT_FALSE(ParseHttpDate("30/08/2015").ok());
}

TEST(ClockSkewTest, CorrectsAfterRequestTimeTooSkewed) {
  FakeClock clock(kSuiteTime - 3'600'000);  // local clock one hour slow
  SigV4Signer signer({"service", "us-east-1"}, clock);
  HttpResponse response;
  response.status = 403;
  response.headers = {{"Date", "Sun, 30 Aug 2015 12:36:00 GMT"}};
  EXPECT_FALSE(signer.AdjustClockSkew("AccessDenied", response));
  EXPECT_TRUE(signer.AdjustClockSkew("RequestTimeTooSkewed", response));
  EXPECT_EQ(signer.clock_skew(), std::chrono::hours(1));
  EXPECT_FALSE(signer.AdjustClockSkew("RequestTimeTooSkewed", response));  // already corrected
  HttpRequest request;
  request.url = "https://example.amazonaws.com/";
  ASSERT_TRUE(signer.Sign(request, kS3DocCredentials).ok());
  EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Date"), "20150830T123600Z");
}

}  // namespace
}  // namespace awshpc::aws
