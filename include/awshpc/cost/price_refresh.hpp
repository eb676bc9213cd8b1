// File: price_refresh.hpp
// `aws-hpc cost refresh` from AWS: the Price List bulk files (region_index.json, then a region's
// EC2 offer file streamed to disk and stream-parsed), the Pricing API's GetProducts, and spot
// prices from EC2 DescribeSpotPriceHistory. Each source becomes a Snapshot (with its source and
// date) for CostDb::LoadSnapshot.
#pragma once

#include <string>
#include <vector>

#include "awshpc/aws/environment.hpp"
#include "awshpc/aws/http_client.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/aws/services/pricing.hpp"
#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/cost/catalog.hpp"
#include "awshpc/cost/offer_ingest.hpp"

namespace awshpc::cost {

// Where the Price List bulk files are: $AWS_HPC_PRICE_LIST_URL (tests point it at a loopback
// server), else https://pricing.us-east-1.amazonaws.com. No trailing slash.
std::string PriceListBaseUrl(const aws::Environment& env = aws::Environment::System());

// The path of region_index.json under the base URL.
inline constexpr std::string_view kRegionIndexPath =
    "/offers/v1.0/aws/AmazonEC2/current/region_index.json";

struct OfferDownload {
  Snapshot snapshot;
  IngestStats stats;
  std::string url;  // of the offer file
  double download_seconds = 0;
  double parse_seconds = 0;
};

// GETs region_index.json, then the region's offer file, written to a file in `work_dir` through
// a fixed-size buffer and parsed from there in chunks (the file is removed afterwards); neither
// is ever held whole in memory. Unsigned requests: the bulk files are public. NotFound names the
// region when the index does not list it.
Result<OfferDownload> DownloadRegionOffer(aws::HttpClient& http, const std::string& base_url,
                                          const std::string& region, const std::string& work_dir);

// On-demand Linux shared-tenancy hourly prices from GetProducts documents (the same product
// rules as the offer files); source "aws-pricing-api", dated by the documents' publicationDate
// (else `today`). Facts are second-hand, as for offer files.
Result<Snapshot> SnapshotFromProducts(const std::vector<aws::pricing::Product>& products,
                                      const std::string& region, const std::string& today);

// Asks GetProducts for the region's Linux, shared-tenancy, no-software, used-capacity products
// (every page), then builds the snapshot. `families` (optional) keeps only those families.
Result<Snapshot> FetchProducts(aws::pricing::PricingClient& pricing, const std::string& region,
                               const std::vector<std::string>& families, const std::string& today);

// Spot prices for `known` (on-demand rows of one region, giving the instance facts) from
// DescribeSpotPriceHistory records: per type, the newest record of each availability zone, and
// of those the highest (estimates should not count on the cheapest zone having capacity). Linux
// records only ("Linux/UNIX", "Linux/UNIX (Amazon VPC)"). Types not in `known` are skipped.
// purchase "spot", source "ec2-spot-price-history", dated `today`.
Snapshot SnapshotFromSpotHistory(const std::vector<aws::ec2::SpotPrice>& history,
                                 const std::vector<PriceRow>& known, const std::string& region,
                                 const std::string& today, UnixMillis now);

// Calls DescribeSpotPriceHistory (StartTime now: the current price of each zone) for the types
// of `known`, in batches and pages, then builds the snapshot.
Result<Snapshot> FetchSpotPrices(aws::ec2::Ec2Client& ec2, const std::vector<PriceRow>& known,
                                 const std::string& region, const std::string& today,
                                 UnixMillis now);

// "2026-11-29" (UTC) for a time.
std::string DateOf(UnixMillis time);

}  // namespace awshpc::cost
