// File: services/pricing.hpp
// AWS Price List Query API (json-1.1, target prefix AWSPriceListService): GetProducts with
// TERM_MATCH filters and pages. The API lives in a few regions only; the client is made for
// us-east-1 whatever the context's region. Prices stay decimal strings as published (the cost
// module converts them to micro-dollars once).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::pricing {

inline constexpr ServiceInfo kService{"Pricing", "api.pricing", "pricing"};
inline constexpr std::string_view kTargetPrefix = "AWSPriceListService";
inline constexpr std::string_view kRegion = "us-east-1";

struct PricingFilter {
  std::string field;  // "instanceType", "regionCode", "operatingSystem", "tenancy", ...
  std::string value;
  std::string type = "TERM_MATCH";
};

struct GetProductsRequest {
  std::string service_code = "AmazonEC2";
  std::vector<PricingFilter> filters;
  std::optional<std::int64_t> max_results;  // 1..100
  std::string next_token;
};

// One price list document, with the members the platform reads pulled out.
struct Product {
  std::string sku;
  std::string product_family;                     // "Compute Instance"
  std::map<std::string, std::string> attributes;  // instanceType, regionCode, vcpu, memory, ...
  std::string on_demand_usd_per_hour;             // "3.8880000000"; "" when not hourly USD
  std::string raw;                                // the document as received
};
struct GetProductsResult {
  std::vector<Product> price_list;
  std::string next_token;
};

// Reads one PriceList document (a JSON text inside the response).
Result<Product> ParsePriceListItem(const std::string& document);

class PricingClient {
 public:
  explicit PricingClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  // A client for us-east-1, with the context's credentials, transport and endpoint settings.
  static Result<PricingClient> Create(AwsContext& context,
                                      const Environment& env = Environment::System());

  Result<GetProductsResult> GetProducts(const GetProductsRequest& request);
  // Every page, at most `max_pages` (kResourceExhausted beyond).
  Result<std::vector<Product>> GetAllProducts(GetProductsRequest request, int max_pages = 100);

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::pricing
