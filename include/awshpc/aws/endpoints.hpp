// File: endpoints.hpp
// Region resolution (AWS_REGION, AWS_DEFAULT_REGION, profile, IMDS) and endpoint resolution
// (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, [services] endpoint_url, profile endpoint_url,
// then the default endpoint of the region's partition: aws, aws-cn, aws-us-gov, aws-iso*).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "awshpc/aws/config_file.hpp"
#include "awshpc/aws/environment.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws {

struct Partition {
  std::string_view id;                 // "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"
  std::string_view dns_suffix;         // "amazonaws.com", "amazonaws.com.cn", ...
  std::string_view dual_stack_suffix;  // "api.aws", ...; empty where there is none
};

// The partition a region belongs to, from its name ("cn-north-1" -> aws-cn).
Partition PartitionOf(std::string_view region);

struct RegionResolution {
  std::string region;
  std::string source;  // "AWS_REGION", "profile dev", "IMDS", ...
};

// AWS_REGION, then AWS_DEFAULT_REGION, then the profile's region, then `imds_region` (may be
// empty: not on EC2, or IMDS disabled). kNotFound when no source has one.
Result<RegionResolution> ResolveRegion(
    const Environment& env, const Profile* profile,
    const std::function<Result<std::string>()>& imds_region = {});

// What the endpoint resolver needs to know about a service.
struct ServiceInfo {
  std::string_view service_id;       // SDK service id: "STS", "Batch", "S3", "CloudWatch Logs"
  std::string_view endpoint_prefix;  // host prefix: "sts", "batch", "s3", "logs", "api.ecr"
  std::string_view signing_name;     // SigV4 service name: "sts", "batch", "s3", "logs", "ecr"
  bool global = false;               // one endpoint per partition (IAM)
};

struct Endpoint {
  std::string url;             // "https://batch.us-east-1.amazonaws.com"
  std::string signing_region;  // where SigV4 scopes the signature
  std::string source;          // "AWS_ENDPOINT_URL_BATCH", "default", ...
};

// "CloudWatch Logs" -> "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS".
std::string EndpointEnvironmentVariable(std::string_view service_id);

// Configured endpoints first (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), in the SDKs'
// order: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's [services] section, the
// profile's endpoint_url; then the partition default (FIPS with AWS_USE_FIPS_ENDPOINT=true,
// IPv4+IPv6 with AWS_USE_DUALSTACK_ENDPOINT=true, or the profile's use_fips_endpoint /
// use_dualstack_endpoint).
Result<Endpoint> ResolveEndpoint(const ServiceInfo& service, std::string_view region,
                                 const Environment& env, const SharedConfig* config = nullptr,
                                 const Profile* profile = nullptr);

}  // namespace awshpc::aws
