// File: price_refresh.cpp
#include "awshpc/cost/price_refresh.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "awshpc/aws/body_streams.hpp"
#include "awshpc/core/money.hpp"

namespace awshpc::cost {
namespace {

// GET `url`, body to `sink` (or kept in the response when null); non-2xx is an error naming it.
Result<aws::HttpResponse> Get(aws::HttpClient& http, const std::string& url,
                              aws::BodySink sink = nullptr) {
  aws::HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.response_sink = std::move(sink);
  ASSIGN_OR_RETURN_CTX(aws::HttpResponse response, http.Send(request), "GET " + url);
  if (response.status < 200 || response.status > 299) {
    return UnavailableError(fmt::format("GET {}: HTTP {}", url, response.status));
  }
  return response;
}

std::string Attribute(const std::map<std::string, std::string>& attributes,
                      const std::string& name) {
  auto it = attributes.find(name);
  return it == attributes.end() ? "" : it->second;
}

bool IsLinuxSpot(const std::string& description) {
  return description == "Linux/UNIX" || description == "Linux/UNIX (Amazon VPC)";
}

}  // namespace

std::string DateOf(UnixMillis time) {
  const std::time_t seconds = static_cast<std::time_t>(time / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string PriceListBaseUrl(const aws::Environment& env) {
  std::string base =
      env.Get("AWS_HPC_PRICE_LIST_URL").value_or("https://pricing.us-east-1.amazonaws.com");
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<OfferDownload> DownloadRegionOffer(aws::HttpClient& http, const std::string& base_url,
                                          const std::string& region, const std::string& work_dir) {
  OfferDownload out;
  const std::string index_url = base_url + std::string(kRegionIndexPath);
  ASSIGN_OR_RETURN(const aws::HttpResponse index, Get(http, index_url));
  ASSIGN_OR_RETURN_CTX(auto regions, ParseRegionIndex(index.body), index_url);
  auto entry = regions.find(region);
  if (entry == regions.end()) {
    return NotFoundError(fmt::format("{} lists no offer file for region {}", index_url, region));
  }
  out.url = entry->second.starts_with("http") ? entry->second : base_url + entry->second;
  // The file is hundreds of MB: to disk through the transport's buffer, then parsed in chunks.
  const std::string path =
      fmt::format("{}/offer-{}-{}.json.part", work_dir, region, static_cast<long>(::getpid()));
  struct Remove {
    std::string path;
    ~Remove() { ::unlink(path.c_str()); }
  } remove{path};
  {
    ASSIGN_OR_RETURN(aws::BodySink sink, aws::FileBodySink(path));
    const double start = MonotonicSeconds();
    RETURN_IF_ERROR(Get(http, out.url, std::move(sink)).status());
    out.download_seconds = MonotonicSeconds() - start;
  }
  const double start = MonotonicSeconds();
  ASSIGN_OR_RETURN_CTX(out.snapshot, IngestOfferFile(path, &out.stats), out.url);
  out.parse_seconds = MonotonicSeconds() - start;
  out.snapshot.sources = {
      fmt::format("aws-price-list: AWS Price List bulk offer file {} (publicationDate {})", out.url,
                  out.snapshot.id.substr(out.snapshot.id.rfind(' ') + 1))};
  return out;
}

Result<Snapshot> SnapshotFromProducts(const std::vector<aws::pricing::Product>& products,
                                      const std::string& region, const std::string& today) {
  Snapshot snapshot;
  std::string published;
  std::map<std::string, PriceRow> rows;  // one per type: duplicates keep the first
  for (const aws::pricing::Product& product : products) {
    const auto& a = product.attributes;
    if (product.product_family != "Compute Instance" ||
        Attribute(a, "operatingSystem") != "Linux" || Attribute(a, "tenancy") != "Shared" ||
        Attribute(a, "preInstalledSw") != "NA" || Attribute(a, "capacitystatus") != "Used" ||
        Attribute(a, "usagetype").find("BoxUsage") == std::string::npos ||
        Attribute(a, "regionCode") != region || product.on_demand_usd_per_hour.empty()) {
      continue;
    }
    const std::string type = Attribute(a, "instanceType");
    if (type.empty() || rows.contains(type)) continue;
    ASSIGN_OR_RETURN_CTX(Money price, ParseOfferPrice(product.on_demand_usd_per_hour),
                         "GetProducts " + product.sku);
    if (price.micros() <= 0) continue;
    if (published.empty()) {
      const auto doc = nlohmann::json::parse(product.raw, nullptr, false);
      if (doc.is_object() && doc.contains("publicationDate") && doc["publicationDate"].is_string())
        published = doc["publicationDate"].get<std::string>();
    }
    PriceRow row;
    row.instance = OfferFacts(type, Attribute(a, "vcpu"), Attribute(a, "memory"),
                              Attribute(a, "gpu"), Attribute(a, "physicalProcessor"));
    row.region = region;
    row.per_hour = price;
    row.source = "aws-pricing-api";
    rows.emplace(type, std::move(row));
  }
  snapshot.date = published.size() >= 10 ? published.substr(0, 10) : today;
  snapshot.facts_authoritative = false;
  snapshot.id = fmt::format("{} aws-pricing-api {} {}", snapshot.date, region,
                            published.empty() ? today : published);
  snapshot.sources = {
      fmt::format("aws-pricing-api: AWS Price List Query API GetProducts, AmazonEC2, {}{}", region,
                  published.empty() ? "" : " (publicationDate " + published + ")")};
  for (auto& [type, row] : rows) {
    row.as_of = snapshot.date;
    snapshot.rows.push_back(std::move(row));
  }
  return snapshot;
}

Result<Snapshot> FetchProducts(aws::pricing::PricingClient& pricing, const std::string& region,
                               const std::vector<std::string>& families, const std::string& today) {
  aws::pricing::GetProductsRequest request;
  request.filters = {{"regionCode", region},
                     {"operatingSystem", "Linux"},
                     {"tenancy", "Shared"},
                     {"preInstalledSw", "NA"},
                     {"capacitystatus", "Used"}};
  request.max_results = 100;
  ASSIGN_OR_RETURN(std::vector<aws::pricing::Product> products,
                   pricing.GetAllProducts(request, 200));
  if (!families.empty()) {
    std::erase_if(products, [&](const aws::pricing::Product& p) {
      const std::string type = Attribute(p.attributes, "instanceType");
      return std::find(families.begin(), families.end(), type.substr(0, type.find('.'))) ==
             families.end();
    });
  }
  return SnapshotFromProducts(products, region, today);
}

Snapshot SnapshotFromSpotHistory(const std::vector<aws::ec2::SpotPrice>& history,
                                 const std::vector<PriceRow>& known, const std::string& region,
                                 const std::string& today, UnixMillis now) {
  std::map<std::string, const PriceRow*> facts;
  for (const PriceRow& row : known) facts.emplace(row.instance.type, &row);
  // Newest record per (type, zone).
  std::map<std::pair<std::string, std::string>, const aws::ec2::SpotPrice*> newest;
  for (const aws::ec2::SpotPrice& record : history) {
    if (!IsLinuxSpot(record.product_description) || !facts.contains(record.instance_type)) continue;
    auto& slot = newest[{record.instance_type, record.availability_zone}];
    if (slot == nullptr || record.timestamp.value_or(0) > slot->timestamp.value_or(0))
      slot = &record;
  }
  std::map<std::string, Money> highest;
  for (const auto& [key, record] : newest) {
    auto price = ParseOfferPrice(record->spot_price);
    if (!price.ok() || price->micros() <= 0) continue;
    Money& slot = highest[key.first];
    slot = std::max(slot, *price);
  }
  Snapshot snapshot;
  snapshot.date = today;
  snapshot.purchase = "spot";
  snapshot.facts_authoritative = false;
  snapshot.id = fmt::format("{} ec2-spot-price-history {} {}", today, region, now);
  snapshot.sources = {fmt::format(
      "ec2-spot-price-history: EC2 DescribeSpotPriceHistory in {}, Linux/UNIX, the highest "
      "current price over availability zones",
      region)};
  for (const auto& [type, price] : highest) {
    PriceRow row;
    row.instance = facts.at(type)->instance;
    row.region = region;
    row.per_hour = price;
    row.source = "ec2-spot-price-history";
    row.as_of = today;
    snapshot.rows.push_back(std::move(row));
  }
  return snapshot;
}

Result<Snapshot> FetchSpotPrices(aws::ec2::Ec2Client& ec2, const std::vector<PriceRow>& known,
                                 const std::string& region, const std::string& today,
                                 UnixMillis now) {
  std::set<std::string> types;
  for (const PriceRow& row : known) types.insert(row.instance.type);
  std::vector<aws::ec2::SpotPrice> history;
  // Batches of types keep each query string short; StartTime = now gives each zone's current
  // price rather than months of history.
  std::vector<std::string> all(types.begin(), types.end());
  constexpr std::size_t kBatch = 50;
  for (std::size_t begin = 0; begin < all.size(); begin += kBatch) {
    aws::ec2::DescribeSpotPriceHistoryRequest request;
    request.instance_types.assign(
        all.begin() + static_cast<std::ptrdiff_t>(begin),
        all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), begin + kBatch)));
    request.product_descriptions = {"Linux/UNIX"};
    request.start_time = now;
    for (int page = 0;; ++page) {
      if (page >= 100) {
        return ResourceExhaustedError("ec2 DescribeSpotPriceHistory: more than 100 pages");
      }
      ASSIGN_OR_RETURN(aws::ec2::DescribeSpotPriceHistoryResult result,
                       ec2.DescribeSpotPriceHistory(request));
      std::move(result.spot_price_history.begin(), result.spot_price_history.end(),
                std::back_inserter(history));
      if (result.next_token.empty() || result.next_token == request.next_token) break;
      request.next_token = result.next_token;
    }
  }
  return SnapshotFromSpotHistory(history, known, region, today, now);
}

}  // namespace awshpc::cost
