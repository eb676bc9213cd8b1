// File: services/pricing.cpp
#include "awshpc/aws/services/pricing.hpp"

#include <fmt/format.h>

#include "awshpc/aws/protocols/json.hpp"
#include "awshpc/aws/protocols/pagination.hpp"

namespace awshpc::aws::pricing {

using protocols::Json;
using protocols::JsonArray;
using protocols::JsonObject;
using protocols::JsonString;

Result<Product> ParsePriceListItem(const std::string& document) {
  ASSIGN_OR_RETURN(const Json item, protocols::ParseJsonBody(document, "pricing PriceList item"));
  const Json& product = JsonObject(item, "product");
  Product out;
  out.sku = JsonString(product, "sku");
  out.product_family = JsonString(product, "productFamily");
  out.attributes = protocols::JsonStringMap(product, "attributes");
  // terms.OnDemand.<offer>.priceDimensions.<rate>.pricePerUnit.USD, unit "Hrs".
  for (const auto& [offer, term] : JsonObject(JsonObject(item, "terms"), "OnDemand").items()) {
    for (const auto& [rate, dimension] : JsonObject(term, "priceDimensions").items()) {
      if (JsonString(dimension, "unit") == "Hrs") {
        out.on_demand_usd_per_hour = JsonString(JsonObject(dimension, "pricePerUnit"), "USD");
      }
    }
  }
  out.raw = document;
  return out;
}

Result<PricingClient> PricingClient::Create(AwsContext& context, const Environment& env) {
  ASSIGN_OR_RETURN(Endpoint endpoint,
                   ResolveEndpoint(kService, kRegion, env, &context.config(), context.profile()));
  ServiceConfig config;
  config.service = "pricing";
  config.signing_name = std::string(kService.signing_name);
  config.endpoint = std::move(endpoint);
  config.protocol = Protocol::kJson;
  return PricingClient(std::make_unique<AwsClient>(std::move(config), context.http(),
                                                   &context.credentials(), SystemClock::Instance(),
                                                   RetryStrategy(context.retry_config())));
}

Result<GetProductsResult> PricingClient::GetProducts(const GetProductsRequest& request) {
  Json body = {{"ServiceCode", request.service_code}, {"FormatVersion", "aws_v1"}};
  if (!request.filters.empty()) {
    Json filters = Json::array();
    for (const auto& f : request.filters) {
      filters.push_back({{"Type", f.type}, {"Field", f.field}, {"Value", f.value}});
    }
    body["Filters"] = std::move(filters);
  }
  protocols::SetIfPresent(body, "MaxResults", request.max_results);
  protocols::SetIfNotEmpty(body, "NextToken", request.next_token);
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client_->Send("GetProducts", [&]() -> Result<HttpRequest> {
                     return protocols::MakeJsonRequest(kTargetPrefix, "GetProducts", body);
                   }));
  ASSIGN_OR_RETURN(const Json out, protocols::ParseJsonBody(response.body, "pricing GetProducts"));
  GetProductsResult result;
  for (const Json& item : JsonArray(out, "PriceList")) {
    // Each entry is a JSON document serialised as a string.
    if (!item.is_string()) continue;
    ASSIGN_OR_RETURN(Product product, ParsePriceListItem(item.get<std::string>()));
    result.price_list.push_back(std::move(product));
  }
  result.next_token = JsonString(out, "NextToken");
  return result;
}

Result<std::vector<Product>> PricingClient::GetAllProducts(GetProductsRequest request,
                                                           int max_pages) {
  std::vector<Product> all;
  const std::string start = request.next_token;
  ASSIGN_OR_RETURN(const protocols::PaginationSummary summary,
                   protocols::Paginate<GetProductsResult>(
                       [&](const std::string& token) {
                         request.next_token = token;
                         return GetProducts(request);
                       },
                       [](const GetProductsResult& page) { return page.next_token; },
                       [&](GetProductsResult& page) {
                         std::move(page.price_list.begin(), page.price_list.end(),
                                   std::back_inserter(all));
                         return Status::Ok();
                       },
                       protocols::PaginationOptions{max_pages}, start));
  if (summary.truncated) {
    return ResourceExhaustedError(
        fmt::format("pricing GetProducts: more than {} pages", max_pages));
  }
  return all;
}

}  // namespace awshpc::aws::pricing
