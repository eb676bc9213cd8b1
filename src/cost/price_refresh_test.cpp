// `cost refresh` from AWS, against real parts: the Price List bulk files and GetProducts served
// in their real formats by tests/tools/price_list_server.py on loopback (moto has no Pricing),
// and DescribeSpotPriceHistory from moto_server. Prices land in a real SQLite cost store.
#include "awshpc/cost/price_refresh.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../aws/services/services_test_env.hpp"
#include "../aws/test_util.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

namespace fs = std::filesystem;
using aws::testing::ChildProcess;
using aws::testing::FreeLoopbackPort;
using aws::testing::SourcePath;
using aws::testing::TempDir;
using aws::testing::WaitForPort;

constexpr const char* kVersionPath =
    "/offers/v1.0/aws/AmazonEC2/20260119132324/us-east-1/index.json";

// The loopback Price List server over a directory the test fills.
class PriceListServer {
 public:
  PriceListServer() {
    fs::create_directories(dir_.path() + "/offers/v1.0/aws/AmazonEC2/current");
    fs::create_directories(dir_.path() + "/get-products");
    port_ = FreeLoopbackPort();
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"python3", SourcePath("tests/tools/price_list_server.py"),
                                 std::to_string(port_), dir_.path()});
    started_ = WaitForPort(port_, 10'000);
  }
  bool started() const { return started_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_.path(); }
  void Write(const std::string& relative, const std::string& text) const {
    fs::create_directories(fs::path(dir_.path() + "/" + relative).parent_path());
    std::ofstream(dir_.path() + "/" + relative, std::ios::binary) << text;
  }

 private:
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;
  bool started_ = false;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A GetProducts PriceList document as AWS writes it (AWS Price List Query API reference,
// GetProducts example), for one instance type.
std::string PriceDocument(const std::string& type, const std::string& os, const std::string& vcpu,
                          const std::string& memory, const std::string& processor,
                          const std::string& usd) {
  const std::string sku = "SKU" + type + os;
  nlohmann::json doc = {
      {"product",
       {{"productFamily", "Compute Instance"},
        {"attributes",
         {{"instanceType", type},
          {"regionCode", "eu-west-1"},
          {"location", "EU (Ireland)"},
          {"vcpu", vcpu},
          {"memory", memory},
          {"physicalProcessor", processor},
          {"operatingSystem", os},
          {"tenancy", "Shared"},
          {"preInstalledSw", "NA"},
          {"capacitystatus", "Used"},
          {"usagetype", "EU-BoxUsage:" + type},
          {"servicecode", "AmazonEC2"}}},
        {"sku", sku}}},
      {"serviceCode", "AmazonEC2"},
      {"terms",
       {{"OnDemand",
         {{sku + ".JRTCKXETXF",
           {{"priceDimensions",
             {{sku + ".JRTCKXETXF.6YS6EN2CT7",
               {{"unit", "Hrs"},
                {"endRange", "Inf"},
                {"description", "$" + usd + " per On Demand " + os + " " + type + " Instance Hour"},
                {"appliesTo", nlohmann::json::array()},
                {"rateCode", sku + ".JRTCKXETXF.6YS6EN2CT7"},
                {"beginRange", "0"},
                {"pricePerUnit", {{"USD", usd}}}}}}},
            {"sku", sku},
            {"effectiveDate", "2026-11-01T00:00:00Z"},
            {"offerTermCode", "JRTCKXETXF"},
            {"termAttributes", nlohmann::json::object()}}}}}}},
      {"version", "20261101000000"},
      {"publicationDate", "2026-11-01T00:00:00Z"}};
  return doc.dump();
}

class PriceRefreshTest : public testing::CostFixture {};

TEST_F(PriceRefreshTest, DownloadsRegionIndexThenStreamsTheOfferFileIntoTheCatalog) {
  PriceListServer server;
  ASSERT_TRUE(server.started()) << "python3 tests/tools/price_list_server.py did not start";
  server.Write(
      "offers/v1.0/aws/AmazonEC2/current/region_index.json",
      nlohmann::json(
          {{"formatVersion", "v1.0"},
           {"disclaimer", "This pricing list is for informational purposes"},
           {"publicationDate", "2026-01-19T13:23:24Z"},
           {"regions",
            {{"us-east-1", {{"regionCode", "us-east-1"}, {"currentVersionUrl", kVersionPath}}}}}})
          .dump());
  server.Write(std::string(kVersionPath).substr(1),
               ReadAll(AWSHPC_SOURCE_DIR "/src/cost/testdata/offer-sample.json"));
  aws::CurlHttpClient http;
  TempDir work;

  auto download = DownloadRegionOffer(http, server.url(), "us-east-1", work.path());
  ASSERT_TRUE(download.ok()) << download.status().ToString();
  EXPECT_EQ(download->url, server.url() + kVersionPath);
  EXPECT_EQ(download->stats.products, 6u);
  ASSERT_EQ(download->snapshot.rows.size(), 2u);
  EXPECT_EQ(download->snapshot.rows[0].instance.type, "c5.4xlarge");
  EXPECT_EQ(download->snapshot.rows[0].per_hour.ToDecimalString(), "0.680000");
  EXPECT_NE(download->snapshot.sources.at(0).find(kVersionPath), std::string::npos);
  EXPECT_TRUE(fs::is_empty(work.path())) << "the downloaded offer file must be removed";

  ASSERT_TRUE(db_->LoadSnapshot(download->snapshot).ok());
  PriceFilter filter;
  filter.instance_type = "c7g.16xlarge";
  filter.region = "us-east-1";
  auto rows = db_->Prices(filter);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].source, "aws-price-list");
  EXPECT_EQ((*rows)[0].as_of, "2026-01-19");

  auto missing = DownloadRegionOffer(http, server.url(), "eu-west-1", work.path());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("eu-west-1"), std::string::npos);
  auto down = DownloadRegionOffer(http, "http://127.0.0.1:1", "us-east-1", work.path());
  EXPECT_FALSE(down.ok());
}

TEST_F(PriceRefreshTest, GetProductsPagesBecomeDatedPricesWithTheirSource) {
  PriceListServer server;
  ASSERT_TRUE(server.started());
  server.Write("get-products/first.json",
               nlohmann::json({{"FormatVersion", "aws_v1"},
                               {"PriceList",
                                {PriceDocument("c6gn.16xlarge", "Linux", "64", "128 GiB",
                                               "AWS Graviton2 Processor", "2.7648000000"),
                                 PriceDocument("c6gn.16xlarge", "Windows", "64", "128 GiB",
                                               "AWS Graviton2 Processor", "9.0000000000")}},
                               {"NextToken", "page2"}})
                   .dump());
  server.Write(
      "get-products/page2.json",
      nlohmann::json({{"FormatVersion", "aws_v1"},
                      {"PriceList",
                       {PriceDocument("m7i.large", "Linux", "2", "8 GiB",
                                      "Intel Xeon Scalable (Sapphire Rapids)", "0.1113000000")}}})
          .dump());
  aws::MapEnvironment env({{"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
                           {"AWS_SECRET_ACCESS_KEY", "fake-secret"},
                           {"AWS_REGION", "eu-west-1"},
                           {"AWS_ENDPOINT_URL_PRICING", server.url()},
                           {"AWS_CONFIG_FILE", server.dir() + "/none"},
                           {"AWS_SHARED_CREDENTIALS_FILE", server.dir() + "/none"},
                           {"AWS_EC2_METADATA_DISABLED", "true"}});
  aws::AwsContextOptions options;
  options.env = &env;
  auto context = aws::AwsContext::Create(options);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  auto pricing = aws::pricing::PricingClient::Create(**context, env);
  ASSERT_TRUE(pricing.ok()) << pricing.status().ToString();

  auto snapshot = FetchProducts(*pricing, "eu-west-1", {}, "2026-11-29");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->date, "2026-11-01");  // the documents' publicationDate
  ASSERT_EQ(snapshot->rows.size(), 2u);     // the Windows price is not kept
  EXPECT_EQ(snapshot->rows[0].instance.type, "c6gn.16xlarge");
  EXPECT_EQ(snapshot->rows[0].instance.arch, "arm64");
  EXPECT_EQ(snapshot->rows[0].per_hour.ToDecimalString(), "2.764800");
  EXPECT_EQ(snapshot->rows[1].instance.type, "m7i.large");
  EXPECT_EQ(snapshot->rows[1].source, "aws-pricing-api");

  // Two pages asked for, with the filters that select Linux shared-tenancy instance hours.
  const std::string log = ReadAll(server.dir() + "/get-products/requests.log");
  ASSERT_EQ(std::count(log.begin(), log.end(), '\n'), 2);
  const auto first = nlohmann::json::parse(log.substr(0, log.find('\n')));
  EXPECT_EQ(first["ServiceCode"], "AmazonEC2");
  EXPECT_EQ(
      first["Filters"][0],
      nlohmann::json({{"Type", "TERM_MATCH"}, {"Field", "regionCode"}, {"Value", "eu-west-1"}}));
  EXPECT_NE(log.find(R"("NextToken":"page2")"), std::string::npos);

  // Stored: eu-west-1 now has m7i.large (the shipped snapshot has no m7i there), facts kept.
  ASSERT_TRUE(db_->LoadSnapshot(*snapshot).ok());
  auto m7i = db_->Price("m7i.large", "eu-west-1");
  ASSERT_TRUE(m7i.ok()) << m7i.status().ToString();
  EXPECT_EQ(m7i->per_hour.ToDecimalString(), "0.111300");
  EXPECT_EQ(m7i->as_of, "2026-11-01");
  EXPECT_EQ(m7i->instance.cores, 1);  // DescribeInstanceTypes facts of the snapshot win

  auto only_m7i = FetchProducts(*pricing, "eu-west-1", {"m7i"}, "2026-11-29");
  ASSERT_TRUE(only_m7i.ok());
  ASSERT_EQ(only_m7i->rows.size(), 1u);
}

TEST(SpotHistoryTest, NewestPerZoneThenTheHighestZone) {
  PriceRow c5;
  c5.instance.type = "c5.4xlarge";
  c5.instance.vcpus = 16;
  c5.instance.arch = "x86_64";
  c5.region = "us-east-1";
  const std::vector<aws::ec2::SpotPrice> history = {
      {"c5.4xlarge", "Linux/UNIX", "0.300000", "us-east-1a", 1000},
      {"c5.4xlarge", "Linux/UNIX", "0.250000", "us-east-1a", 2000},  // newer: replaces 0.30
      {"c5.4xlarge", "Linux/UNIX (Amazon VPC)", "0.270000", "us-east-1b", 1500},
      {"c5.4xlarge", "Windows", "0.900000", "us-east-1c", 2000},
      {"x9.huge", "Linux/UNIX", "1.000000", "us-east-1a", 2000},  // not in the catalog
  };
  Snapshot snapshot = SnapshotFromSpotHistory(history, {c5}, "us-east-1", "2026-11-29", 5000);
  EXPECT_EQ(snapshot.purchase, "spot");
  ASSERT_EQ(snapshot.rows.size(), 1u);
  EXPECT_EQ(snapshot.rows[0].per_hour.ToDecimalString(), "0.270000");
  EXPECT_EQ(snapshot.rows[0].instance.vcpus, 16);
  EXPECT_EQ(snapshot.rows[0].source, "ec2-spot-price-history");
  EXPECT_EQ(snapshot.rows[0].as_of, "2026-11-29");
}

TEST_F(PriceRefreshTest, SpotPricesFromMotoAreStoredApartFromOnDemand) {
  aws::testing::MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  auto ec2 = aws::ec2::Ec2Client::Create(moto.context());
  ASSERT_TRUE(ec2.ok()) << ec2.status().ToString();
  PriceFilter filter;
  filter.region = "us-east-1";
  filter.families = {"c5"};
  auto known = db_->Prices(filter);
  ASSERT_TRUE(known.ok());
  ASSERT_GT(known->size(), 5u);

  auto snapshot = FetchSpotPrices(*ec2, *known, "us-east-1", "2026-11-29", testing::kMidNovember);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  // moto offers most c5 sizes in us-east-1 zones at its placeholder spot price $0.00001.
  ASSERT_GE(snapshot->rows.size(), 5u);
  for (const PriceRow& row : snapshot->rows) {
    EXPECT_EQ(row.instance.family, "c5");
    EXPECT_EQ(row.per_hour.micros(), 10);
  }
  ASSERT_TRUE(db_->LoadSnapshot(*snapshot).ok());
  filter.purchase = "spot";
  auto spot = db_->Prices(filter);
  ASSERT_TRUE(spot.ok());
  EXPECT_EQ(spot->size(), snapshot->rows.size());
  auto on_demand = db_->Price("c5.4xlarge", "us-east-1");  // untouched
  ASSERT_TRUE(on_demand.ok());
  EXPECT_EQ(on_demand->per_hour.ToDecimalString(), "0.680000");
}

}  // namespace
}  // namespace awshpc::cost
