// File: endpoints.cpp
#include "awshpc/aws/endpoints.hpp"

#include <fmt/format.h>

#include <cctype>

#include "awshpc/aws/uri.hpp"

namespace awshpc::aws {
namespace {

// A configured endpoint must be an absolute http(s) URL; catching typos here gives a clear
// message instead of a confusing connection error later.
Result<Endpoint> Configured(std::string url, std::string_view region, std::string source) {
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  const Result<Url> parsed = ParseUrl(url);
  if (!parsed.ok()) {
    return InvalidArgumentError(
        fmt::format("endpoint URL from {} is invalid: {}", source, parsed.status().message()));
  }
  return Endpoint{std::move(url), std::string(region), std::move(source)};
}

// Region names are DNS labels; anything else would let configuration forge a host name.
bool ValidRegion(std::string_view region) {
  if (region.empty() || region.size() > 63) return false;
  for (char c : region) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

}  // namespace

Partition PartitionOf(std::string_view region) {
  if (region.starts_with("cn-"))
    return {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn"};
  if (region.starts_with("us-gov-")) return {"aws-us-gov", "amazonaws.com", "api.aws"};
  if (region.starts_with("us-isob-")) return {"aws-iso-b", "sc2s.sgov.gov", ""};
  if (region.starts_with("us-iso-")) return {"aws-iso", "c2s.ic.gov", ""};
  return {"aws", "amazonaws.com", "api.aws"};
}

Result<RegionResolution> ResolveRegion(const Environment& env, const Profile* profile,
                                       const std::function<Result<std::string>()>& imds_region) {
  if (auto region = env.Get("AWS_REGION")) return RegionResolution{*region, "AWS_REGION"};
  if (auto region = env.Get("AWS_DEFAULT_REGION")) {
    return RegionResolution{*region, "AWS_DEFAULT_REGION"};
  }
  if (profile != nullptr) {
    if (auto region = profile->Get("region")) {
      return RegionResolution{*region, fmt::format("profile {}", profile->name)};
    }
  }
  if (imds_region) {
    Result<std::string> region = imds_region();
    if (region.ok() && !region->empty()) return RegionResolution{*region, "IMDS"};
  }
  return NotFoundError("no AWS region: set AWS_REGION, or region in the profile, or run on EC2");
}

std::string EndpointEnvironmentVariable(std::string_view service_id) {
  std::string name = "AWS_ENDPOINT_URL_";
  for (char c : service_id) {
    name +=
        c == ' ' || c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

Result<Endpoint> ResolveEndpoint(const ServiceInfo& service, std::string_view region,
                                 const Environment& env, const SharedConfig* config,
                                 const Profile* profile) {
  if (!ValidRegion(region)) {
    return InvalidArgumentError(fmt::format("'{}' is not a valid region name", region));
  }
  const bool ignore_configured =
      IsTrueSetting(env.Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
      (profile != nullptr && IsTrueSetting(profile->Get("ignore_configured_endpoint_urls")));
  if (!ignore_configured) {
    const std::string variable = EndpointEnvironmentVariable(service.service_id);
    if (auto url = env.Get(variable)) return Configured(*url, region, variable);
    if (auto url = env.Get("AWS_ENDPOINT_URL")) return Configured(*url, region, "AWS_ENDPOINT_URL");
    if (profile != nullptr) {
      if (auto services = profile->Get("services"); services && config != nullptr) {
        const auto section = config->services.find(*services);
        if (section != config->services.end()) {
          // "CloudWatch Logs" -> "cloudwatch_logs"
          std::string key;
          for (char c : service.service_id) {
            key += c == ' ' || c == '-'
                       ? '_'
                       : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          }
          const auto url = section->second.find(key + ".endpoint_url");
          if (url != section->second.end() && !url->second.empty()) {
            return Configured(url->second, region, fmt::format("[services {}] {}", *services, key));
          }
        }
      }
      if (auto url = profile->Get("endpoint_url")) {
        return Configured(*url, region, fmt::format("profile {} endpoint_url", profile->name));
      }
    }
  }
  const Partition partition = PartitionOf(region);
  if (service.global) {
    // IAM and friends: one endpoint per partition, signed for its home region.
    if (partition.id == "aws-cn") {
      return Endpoint{
          fmt::format("https://{}.cn-north-1.{}", service.endpoint_prefix, partition.dns_suffix),
          "cn-north-1", "default"};
    }
    if (partition.id == "aws-us-gov") {
      return Endpoint{
          fmt::format("https://{}.us-gov.{}", service.endpoint_prefix, partition.dns_suffix),
          "us-gov-west-1", "default"};
    }
    return Endpoint{fmt::format("https://{}.{}", service.endpoint_prefix, partition.dns_suffix),
                    "us-east-1", "default"};
  }
  const bool fips = IsTrueSetting(env.Get("AWS_USE_FIPS_ENDPOINT")) ||
                    (profile != nullptr && IsTrueSetting(profile->Get("use_fips_endpoint")));
  const bool dual_stack =
      IsTrueSetting(env.Get("AWS_USE_DUALSTACK_ENDPOINT")) ||
      (profile != nullptr && IsTrueSetting(profile->Get("use_dualstack_endpoint")));
  if (dual_stack && partition.dual_stack_suffix.empty()) {
    return InvalidArgumentError(
        fmt::format("partition {} has no dual-stack endpoints", partition.id));
  }
  return Endpoint{
      fmt::format("https://{}{}.{}.{}", service.endpoint_prefix, fips ? "-fips" : "", region,
                  dual_stack ? partition.dual_stack_suffix : partition.dns_suffix),
      std::string(region), "default"};
}

}  // namespace awshpc::aws
