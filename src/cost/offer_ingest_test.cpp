// The offer-file stream parser on a real-format sample, with chunks small enough that every
// token crosses a chunk boundary somewhere; region_index.json.
#include "awshpc/cost/offer_ingest.hpp"

#include <gtest/gtest.h>

#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

const std::string kSample = AWSHPC_SOURCE_DIR "/src/cost/testdata/offer-sample.json";

TEST(OfferIngestTest, KeepsOnDemandLinuxSharedInstanceHours) {
  for (std::size_t chunk : {std::size_t{4096}, std::size_t{4 << 20}}) {
    SCOPED_TRACE(chunk);
    IngestStats stats;
    auto snapshot = IngestOfferFile(kSample, &stats, chunk);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    EXPECT_EQ(snapshot->date, "2026-01-19");
    EXPECT_FALSE(snapshot->facts_authoritative);
    EXPECT_EQ(stats.products, 6u);
    EXPECT_EQ(stats.matching_products, 2u);  // not Windows, Dedicated, unused reservations, EBS
    EXPECT_EQ(stats.on_demand_terms, 3u);
    ASSERT_EQ(snapshot->rows.size(), 2u);
    const PriceRow& c5 = snapshot->rows[0];
    EXPECT_EQ(c5.instance.type, "c5.4xlarge");
    EXPECT_EQ(c5.region, "us-east-1");
    EXPECT_EQ(c5.per_hour.ToDecimalString(), "0.680000");
    EXPECT_EQ(c5.instance.vcpus, 16);
    EXPECT_EQ(c5.instance.memory_gib, 32);
    EXPECT_EQ(c5.instance.arch, "x86_64");
    const PriceRow& c7g = snapshot->rows[1];
    EXPECT_EQ(c7g.instance.arch, "arm64");
    EXPECT_EQ(c7g.per_hour.ToDecimalString(), "2.320000");  // 2.3200004999 rounds down
  }
}

TEST(OfferIngestTest, TinyChunksStillParse) {
  auto snapshot = IngestOfferFile(kSample, nullptr, 1);  // raised to the 4 KiB minimum
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->rows.size(), 2u);
}

TEST(OfferIngestTest, BrokenFilesNameTheOffset) {
  char pattern[] = "/tmp/awshpc-offer-XXXXXX";
  const int fd = mkstemp(pattern);
  ASSERT_GE(fd, 0);
  const std::string broken =
      "{\"publicationDate\": \"2026-01-19T00:00:00Z\", \"products\": {\"A\": ";
  ASSERT_EQ(write(fd, broken.data(), broken.size()), static_cast<ssize_t>(broken.size()));
  close(fd);
  auto result = IngestOfferFile(pattern);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("at byte"), std::string::npos)
      << result.status().ToString();
  unlink(pattern);
  EXPECT_EQ(IngestOfferFile("/nonexistent/offer.json").status().code(), StatusCode::kNotFound);

  char escape_pattern[] = "/tmp/awshpc-offer-XXXXXX";
  const int escape_fd = mkstemp(escape_pattern);
  ASSERT_GE(escape_fd, 0);
  const std::string bad_escape =
      R"({"publicationDate": "2026-01-19T00:00:00Z", "products": {"A": {"attributes": )"
      R"({"x": "\uZZZZ"}}}})";
  ASSERT_EQ(write(escape_fd, bad_escape.data(), bad_escape.size()),
            static_cast<ssize_t>(bad_escape.size()));
  close(escape_fd);
  auto escaped = IngestOfferFile(escape_pattern);
  EXPECT_NE(escaped.status().message().find("bad \\u escape"), std::string::npos)
      << escaped.status().ToString();
  unlink(escape_pattern);
}

class OfferLoadTest : public testing::CostFixture {};

// The offer's c5.4xlarge facts (cores unknown) must not replace the stored DescribeInstanceTypes
// ones, while its newer price does.
TEST_F(OfferLoadTest, LoadingKeepsDescribeInstanceTypesFacts) {
  auto snapshot = IngestOfferFile(kSample);
  ASSERT_TRUE(snapshot.ok());
  snapshot->date = "2027-01-01";
  for (PriceRow& row : snapshot->rows) row.as_of = snapshot->date;
  ASSERT_TRUE(db_->LoadSnapshot(*snapshot).ok());
  auto c5 = db_->Price("c5.4xlarge", "us-east-1");
  ASSERT_TRUE(c5.ok());
  EXPECT_EQ(c5->instance.cores, 8);  // from DescribeInstanceTypes, kept
  EXPECT_TRUE(!c5->instance.efa);
  EXPECT_EQ(c5->source, "aws-price-list");
}

TEST(RegionIndexTest, Parse) {
  auto regions = ParseRegionIndex(R"({"formatVersion":"v1.0","regions":{
    "us-east-1":{"regionCode":"us-east-1","currentVersionUrl":"/offers/v1.0/aws/AmazonEC2/20260119132324/us-east-1/index.json"},
    "eu-west-1":{"regionCode":"eu-west-1","currentVersionUrl":"/offers/v1.0/aws/AmazonEC2/20260119132324/eu-west-1/index.json"}}})");
  ASSERT_TRUE(regions.ok());
  EXPECT_EQ(regions->size(), 2u);
  EXPECT_EQ(regions->at("eu-west-1"),
            "/offers/v1.0/aws/AmazonEC2/20260119132324/eu-west-1/index.json");
  EXPECT_FALSE(ParseRegionIndex("[]").ok());
  EXPECT_FALSE(ParseRegionIndex(R"({"regions":{"x":{}}})").ok());
}

}  // namespace
}  // namespace awshpc::cost
