// File: services/ec2.hpp
// Amazon EC2 (ec2-query, API 2016-11-15): instance type catalogue, regions and zones, Spot
// prices, network describes, and the few instance operations the platform uses. One typed
// request and result per operation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/protocols/query.hpp"

namespace awshpc::aws::ec2 {

inline constexpr ServiceInfo kService{"EC2", "ec2", "ec2"};
inline constexpr std::string_view kApiVersion = "2016-11-15";

using Filter = protocols::Filter;  // Filter.N.Name / Filter.N.Value.M
using Tags = std::map<std::string, std::string>;

// ---- instance types ----
struct GpuDevice {
  std::string name;          // "A100"
  std::string manufacturer;  // "NVIDIA"
  std::int64_t count = 0;
  std::int64_t memory_mib = 0;  // per GPU
};
struct InstanceTypeInfo {
  std::string instance_type;  // "c5n.18xlarge"
  std::int64_t vcpus = 0;
  std::int64_t default_cores = 0;
  std::int64_t default_threads_per_core = 0;
  std::int64_t memory_mib = 0;
  std::vector<std::string> architectures;  // "x86_64", "arm64", "i386"
  std::optional<double> sustained_clock_ghz;
  bool current_generation = false;
  bool bare_metal = false;
  std::string hypervisor;                            // "nitro", "xen", "" for metal
  std::vector<std::string> supported_usage_classes;  // "on-demand", "spot"
  std::string network_performance;                   // "100 Gigabit"
  bool efa_supported = false;
  std::int64_t maximum_efa_interfaces = 0;
  std::vector<GpuDevice> gpus;
  std::int64_t total_gpu_memory_mib = 0;
  std::optional<std::int64_t> instance_storage_gb;
};
struct DescribeInstanceTypesRequest {
  std::vector<std::string> instance_types;
  std::vector<Filter> filters;
  std::optional<std::int64_t> max_results;  // 5..100
  std::string next_token;
};
struct DescribeInstanceTypesResult {
  std::vector<InstanceTypeInfo> instance_types;
  std::string next_token;
};

struct DescribeInstanceTypeOfferingsRequest {
  std::string location_type;  // region | availability-zone | availability-zone-id
  std::vector<Filter> filters;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct InstanceTypeOffering {
  std::string instance_type;
  std::string location_type;
  std::string location;
};
struct DescribeInstanceTypeOfferingsResult {
  std::vector<InstanceTypeOffering> instance_type_offerings;
  std::string next_token;
};

// ---- regions and zones ----
struct DescribeRegionsRequest {
  std::vector<std::string> region_names;
  std::vector<Filter> filters;
  std::optional<bool> all_regions;
};
struct RegionInfo {
  std::string region_name;
  std::string endpoint;
  std::string opt_in_status;
};
struct DescribeRegionsResult {
  std::vector<RegionInfo> regions;
};

struct DescribeAvailabilityZonesRequest {
  std::vector<std::string> zone_names;
  std::vector<std::string> zone_ids;
  std::vector<Filter> filters;
  std::optional<bool> all_availability_zones;
};
struct AvailabilityZone {
  std::string zone_name;
  std::string zone_id;
  std::string state;
  std::string region_name;
  std::string zone_type;
};
struct DescribeAvailabilityZonesResult {
  std::vector<AvailabilityZone> availability_zones;
};

// ---- Spot prices ----
struct DescribeSpotPriceHistoryRequest {
  std::vector<std::string> instance_types;
  std::vector<std::string> product_descriptions;  // "Linux/UNIX"
  std::string availability_zone;
  std::optional<std::int64_t> start_time;  // Unix milliseconds
  std::optional<std::int64_t> end_time;
  std::vector<Filter> filters;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct SpotPrice {
  std::string instance_type;
  std::string product_description;
  std::string spot_price;  // USD per hour as the service writes it ("0.031200"): no rounding here
  std::string availability_zone;
  std::optional<std::int64_t> timestamp;
};
struct DescribeSpotPriceHistoryResult {
  std::vector<SpotPrice> spot_price_history;
  std::string next_token;
};

// ---- network ----
struct DescribeVpcsRequest {
  std::vector<std::string> vpc_ids;
  std::vector<Filter> filters;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct Vpc {
  std::string vpc_id;
  std::string cidr_block;
  std::string state;
  bool is_default = false;
  std::string owner_id;
  Tags tags;
};
struct DescribeVpcsResult {
  std::vector<Vpc> vpcs;
  std::string next_token;
};

struct DescribeSubnetsRequest {
  std::vector<std::string> subnet_ids;
  std::vector<Filter> filters;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct Subnet {
  std::string subnet_id;
  std::string vpc_id;
  std::string cidr_block;
  std::string availability_zone;
  std::string availability_zone_id;
  std::int64_t available_ip_address_count = 0;
  bool map_public_ip_on_launch = false;
  bool default_for_az = false;
  std::string state;
  Tags tags;
};
struct DescribeSubnetsResult {
  std::vector<Subnet> subnets;
  std::string next_token;
};

struct DescribeSecurityGroupsRequest {
  std::vector<std::string> group_ids;
  std::vector<std::string> group_names;
  std::vector<Filter> filters;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct SecurityGroup {
  std::string group_id;
  std::string group_name;
  std::string description;
  std::string vpc_id;
  std::string owner_id;
  Tags tags;
};
struct DescribeSecurityGroupsResult {
  std::vector<SecurityGroup> security_groups;
  std::string next_token;
};

// ---- instances ----
struct Instance {
  std::string instance_id;
  std::string image_id;
  std::string instance_type;
  std::string state;  // pending | running | shutting-down | terminated | stopping | stopped
  std::int64_t state_code = 0;
  std::string private_ip_address;
  std::string public_ip_address;
  std::string private_dns_name;
  std::string subnet_id;
  std::string vpc_id;
  std::string availability_zone;
  std::string architecture;
  std::string instance_lifecycle;  // "spot" or ""
  std::optional<std::int64_t> launch_time;
  Tags tags;
};

struct RunInstancesRequest {
  std::string image_id;
  std::string instance_type;
  std::int64_t min_count = 1;
  std::int64_t max_count = 1;
  std::string key_name;
  std::string subnet_id;
  std::vector<std::string> security_group_ids;
  std::string user_data_base64;  // already base64, as the API wants it
  std::string iam_instance_profile_arn;
  std::string iam_instance_profile_name;
  bool spot = false;  // InstanceMarketOptions.MarketType=spot
  std::string placement_group;
  std::string client_token;  // idempotency
  Tags tags;                 // applied to the instances and their volumes
};
struct RunInstancesResult {
  std::string reservation_id;
  std::string owner_id;
  std::vector<Instance> instances;
};

struct TerminateInstancesRequest {
  std::vector<std::string> instance_ids;
};
struct InstanceStateChange {
  std::string instance_id;
  std::string current_state;
  std::string previous_state;
};
struct TerminateInstancesResult {
  std::vector<InstanceStateChange> terminating_instances;
};

struct DescribeInstancesRequest {
  std::vector<std::string> instance_ids;
  std::vector<Filter> filters;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct Reservation {
  std::string reservation_id;
  std::string owner_id;
  std::vector<Instance> instances;
};
struct DescribeInstancesResult {
  std::vector<Reservation> reservations;
  std::string next_token;
};

struct CreateTagsRequest {
  std::vector<std::string> resources;
  Tags tags;
};
struct CreateTagsResult {};

class Ec2Client {
 public:
  explicit Ec2Client(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  static Result<Ec2Client> Create(AwsContext& context);

  Result<DescribeInstanceTypesResult> DescribeInstanceTypes(
      const DescribeInstanceTypesRequest& request);
  // Every page (at most `max_pages`; kResourceExhausted beyond).
  Result<std::vector<InstanceTypeInfo>> DescribeAllInstanceTypes(
      DescribeInstanceTypesRequest request, int max_pages = 100);
  Result<DescribeInstanceTypeOfferingsResult> DescribeInstanceTypeOfferings(
      const DescribeInstanceTypeOfferingsRequest& request);
  Result<DescribeRegionsResult> DescribeRegions(const DescribeRegionsRequest& request);
  Result<DescribeAvailabilityZonesResult> DescribeAvailabilityZones(
      const DescribeAvailabilityZonesRequest& request);
  Result<DescribeSpotPriceHistoryResult> DescribeSpotPriceHistory(
      const DescribeSpotPriceHistoryRequest& request);
  Result<DescribeVpcsResult> DescribeVpcs(const DescribeVpcsRequest& request);
  Result<DescribeSubnetsResult> DescribeSubnets(const DescribeSubnetsRequest& request);
  Result<DescribeSecurityGroupsResult> DescribeSecurityGroups(
      const DescribeSecurityGroupsRequest& request);
  Result<RunInstancesResult> RunInstances(const RunInstancesRequest& request);
  Result<TerminateInstancesResult> TerminateInstances(const TerminateInstancesRequest& request);
  Result<DescribeInstancesResult> DescribeInstances(const DescribeInstancesRequest& request);
  Result<CreateTagsResult> CreateTags(const CreateTagsRequest& request);

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::ec2
