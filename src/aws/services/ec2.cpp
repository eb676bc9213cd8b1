// File: services/ec2.cpp
// EC2 over ec2-query: POST / with Action, Version and Name.N parameters; responses are
// <ActionResponse> documents with <item> lists and camelCase members.
#include "awshpc/aws/services/ec2.hpp"

#include <fmt/format.h>

#include "awshpc/aws/protocols/pagination.hpp"
#include "awshpc/core/clock.hpp"

namespace awshpc::aws::ec2 {
namespace {

using protocols::QueryFlavor;
using protocols::QueryParams;
using protocols::XmlBool;
using protocols::XmlInt;
using protocols::XmlList;
using protocols::XmlTagSet;
using protocols::XmlText;
using protocols::XmlTextList;

// The parsed response and its root element (valid while `doc` lives).
struct Ec2Response {
  protocols::XmlDocument doc;
  pugi::xml_node root;
};

Result<Ec2Response> Call(AwsClient& client, std::string_view action, const QueryParams& params) {
  ASSIGN_OR_RETURN(const HttpResponse response, client.Send(action, [&]() -> Result<HttpRequest> {
    return protocols::MakeQueryRequest(action, kApiVersion, params);
  }));
  ASSIGN_OR_RETURN(protocols::XmlDocument doc,
                   protocols::XmlDocument::Parse(response.body, fmt::format("ec2 {}", action)));
  ASSIGN_OR_RETURN(const pugi::xml_node root,
                   protocols::QueryResultNode(doc, action, QueryFlavor::kEc2));
  return Ec2Response{std::move(doc), root};
}

QueryParams Params() { return QueryParams(QueryFlavor::kEc2); }

void AddPaging(QueryParams& params, const std::optional<std::int64_t>& max_results,
               const std::string& next_token) {
  params.AddInt("MaxResults", max_results);
  params.AddIfNotEmpty("NextToken", next_token);
}

InstanceTypeInfo InstanceTypeFrom(pugi::xml_node item) {
  InstanceTypeInfo t;
  t.instance_type = XmlText(item, "instanceType");
  t.vcpus = XmlInt(item, "vCpuInfo/defaultVCpus").value_or(0);
  t.default_cores = XmlInt(item, "vCpuInfo/defaultCores").value_or(0);
  t.default_threads_per_core = XmlInt(item, "vCpuInfo/defaultThreadsPerCore").value_or(0);
  t.memory_mib = XmlInt(item, "memoryInfo/sizeInMiB").value_or(0);
  t.architectures = XmlTextList(item, "processorInfo/supportedArchitectures");
  t.sustained_clock_ghz = protocols::XmlDouble(item, "processorInfo/sustainedClockSpeedInGhz");
  t.current_generation = XmlBool(item, "currentGeneration").value_or(false);
  t.bare_metal = XmlBool(item, "bareMetal").value_or(false);
  t.hypervisor = XmlText(item, "hypervisor");
  t.supported_usage_classes = XmlTextList(item, "supportedUsageClasses");
  t.network_performance = XmlText(item, "networkInfo/networkPerformance");
  t.efa_supported = XmlBool(item, "networkInfo/efaSupported").value_or(false);
  t.maximum_efa_interfaces = XmlInt(item, "networkInfo/efaInfo/maximumEfaInterfaces").value_or(0);
  for (pugi::xml_node gpu : XmlList(item, "gpuInfo/gpus")) {
    t.gpus.push_back({XmlText(gpu, "name"), XmlText(gpu, "manufacturer"),
                      XmlInt(gpu, "count").value_or(0),
                      XmlInt(gpu, "memoryInfo/sizeInMiB").value_or(0)});
  }
  t.total_gpu_memory_mib = XmlInt(item, "gpuInfo/totalGpuMemoryInMiB").value_or(0);
  t.instance_storage_gb = XmlInt(item, "instanceStorageInfo/totalSizeInGB");
  return t;
}

Instance InstanceFrom(pugi::xml_node item) {
  Instance i;
  i.instance_id = XmlText(item, "instanceId");
  i.image_id = XmlText(item, "imageId");
  i.instance_type = XmlText(item, "instanceType");
  i.state = XmlText(item, "instanceState/name");
  i.state_code = XmlInt(item, "instanceState/code").value_or(0);
  i.private_ip_address = XmlText(item, "privateIpAddress");
  i.public_ip_address = XmlText(item, "ipAddress");
  i.private_dns_name = XmlText(item, "privateDnsName");
  i.subnet_id = XmlText(item, "subnetId");
  i.vpc_id = XmlText(item, "vpcId");
  i.availability_zone = XmlText(item, "placement/availabilityZone");
  i.architecture = XmlText(item, "architecture");
  i.instance_lifecycle = XmlText(item, "instanceLifecycle");
  i.launch_time = protocols::XmlTimestamp(item, "launchTime");
  i.tags = XmlTagSet(item);
  return i;
}

}  // namespace

Result<Ec2Client> Ec2Client::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client, context.MakeClient(kService, Protocol::kEc2));
  return Ec2Client(std::move(client));
}

Result<DescribeInstanceTypesResult> Ec2Client::DescribeInstanceTypes(
    const DescribeInstanceTypesRequest& request) {
  QueryParams params = Params();
  params.AddList("InstanceType", request.instance_types);
  protocols::AddFilters(params, request.filters);
  AddPaging(params, request.max_results, request.next_token);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "DescribeInstanceTypes", params));
  DescribeInstanceTypesResult result;
  for (pugi::xml_node item : XmlList(response.root, "instanceTypeSet")) {
    result.instance_types.push_back(InstanceTypeFrom(item));
  }
  result.next_token = XmlText(response.root, "nextToken");
  return result;
}

Result<std::vector<InstanceTypeInfo>> Ec2Client::DescribeAllInstanceTypes(
    DescribeInstanceTypesRequest request, int max_pages) {
  std::vector<InstanceTypeInfo> all;
  const std::string start = request.next_token;
  ASSIGN_OR_RETURN(const protocols::PaginationSummary summary,
                   protocols::Paginate<DescribeInstanceTypesResult>(
                       [&](const std::string& token) {
                         request.next_token = token;
                         return DescribeInstanceTypes(request);
                       },
                       [](const DescribeInstanceTypesResult& page) { return page.next_token; },
                       [&](DescribeInstanceTypesResult& page) {
                         std::move(page.instance_types.begin(), page.instance_types.end(),
                                   std::back_inserter(all));
                         return Status::Ok();
                       },
                       protocols::PaginationOptions{max_pages}, start));
  if (summary.truncated) {
    return ResourceExhaustedError(
        fmt::format("ec2 DescribeInstanceTypes: more than {} pages", max_pages));
  }
  return all;
}

Result<DescribeInstanceTypeOfferingsResult> Ec2Client::DescribeInstanceTypeOfferings(
    const DescribeInstanceTypeOfferingsRequest& request) {
  QueryParams params = Params();
  params.AddIfNotEmpty("LocationType", request.location_type);
  protocols::AddFilters(params, request.filters);
  AddPaging(params, request.max_results, request.next_token);
  ASSIGN_OR_RETURN(const Ec2Response response,
                   Call(*client_, "DescribeInstanceTypeOfferings", params));
  DescribeInstanceTypeOfferingsResult result;
  for (pugi::xml_node item : XmlList(response.root, "instanceTypeOfferingSet")) {
    result.instance_type_offerings.push_back(
        {XmlText(item, "instanceType"), XmlText(item, "locationType"), XmlText(item, "location")});
  }
  result.next_token = XmlText(response.root, "nextToken");
  return result;
}

Result<DescribeRegionsResult> Ec2Client::DescribeRegions(const DescribeRegionsRequest& request) {
  QueryParams params = Params();
  params.AddList("RegionName", request.region_names);
  protocols::AddFilters(params, request.filters);
  params.AddBool("AllRegions", request.all_regions);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "DescribeRegions", params));
  DescribeRegionsResult result;
  for (pugi::xml_node item : XmlList(response.root, "regionInfo")) {
    result.regions.push_back({XmlText(item, "regionName"), XmlText(item, "regionEndpoint"),
                              XmlText(item, "optInStatus")});
  }
  return result;
}

Result<DescribeAvailabilityZonesResult> Ec2Client::DescribeAvailabilityZones(
    const DescribeAvailabilityZonesRequest& request) {
  QueryParams params = Params();
  params.AddList("ZoneName", request.zone_names);
  params.AddList("ZoneId", request.zone_ids);
  protocols::AddFilters(params, request.filters);
  params.AddBool("AllAvailabilityZones", request.all_availability_zones);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "DescribeAvailabilityZones", params));
  DescribeAvailabilityZonesResult result;
  for (pugi::xml_node item : XmlList(response.root, "availabilityZoneInfo")) {
    result.availability_zones.push_back({XmlText(item, "zoneName"), XmlText(item, "zoneId"),
                                         XmlText(item, "zoneState"), XmlText(item, "regionName"),
                                         XmlText(item, "zoneType")});
  }
  return result;
}

Result<DescribeSpotPriceHistoryResult> Ec2Client::DescribeSpotPriceHistory(
    const DescribeSpotPriceHistoryRequest& request) {
  QueryParams params = Params();
  params.AddList("InstanceType", request.instance_types);
  params.AddList("ProductDescription", request.product_descriptions);
  params.AddIfNotEmpty("AvailabilityZone", request.availability_zone);
  if (request.start_time) params.Add("StartTime", FormatIso8601(*request.start_time));
  if (request.end_time) params.Add("EndTime", FormatIso8601(*request.end_time));
  protocols::AddFilters(params, request.filters);
  AddPaging(params, request.max_results, request.next_token);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "DescribeSpotPriceHistory", params));
  DescribeSpotPriceHistoryResult result;
  for (pugi::xml_node item : XmlList(response.root, "spotPriceHistorySet")) {
    result.spot_price_history.push_back(
        {XmlText(item, "instanceType"), XmlText(item, "productDescription"),
         XmlText(item, "spotPrice"), XmlText(item, "availabilityZone"),
         protocols::XmlTimestamp(item, "timestamp")});
  }
  result.next_token = XmlText(response.root, "nextToken");
  return result;
}

Result<DescribeVpcsResult> Ec2Client::DescribeVpcs(const DescribeVpcsRequest& request) {
  QueryParams params = Params();
  params.AddList("VpcId", request.vpc_ids);
  protocols::AddFilters(params, request.filters);
  AddPaging(params, request.max_results, request.next_token);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "DescribeVpcs", params));
  DescribeVpcsResult result;
  for (pugi::xml_node item : XmlList(response.root, "vpcSet")) {
    result.vpcs.push_back({XmlText(item, "vpcId"), XmlText(item, "cidrBlock"),
                           XmlText(item, "state"), XmlBool(item, "isDefault").value_or(false),
                           XmlText(item, "ownerId"), XmlTagSet(item)});
  }
  result.next_token = XmlText(response.root, "nextToken");
  return result;
}

Result<DescribeSubnetsResult> Ec2Client::DescribeSubnets(const DescribeSubnetsRequest& request) {
  QueryParams params = Params();
  params.AddList("SubnetId", request.subnet_ids);
  protocols::AddFilters(params, request.filters);
  AddPaging(params, request.max_results, request.next_token);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "DescribeSubnets", params));
  DescribeSubnetsResult result;
  for (pugi::xml_node item : XmlList(response.root, "subnetSet")) {
    Subnet s;
    s.subnet_id = XmlText(item, "subnetId");
    s.vpc_id = XmlText(item, "vpcId");
    s.cidr_block = XmlText(item, "cidrBlock");
    s.availability_zone = XmlText(item, "availabilityZone");
    s.availability_zone_id = XmlText(item, "availabilityZoneId");
    s.available_ip_address_count = XmlInt(item, "availableIpAddressCount").value_or(0);
    s.map_public_ip_on_launch = XmlBool(item, "mapPublicIpOnLaunch").value_or(false);
    s.default_for_az = XmlBool(item, "defaultForAz").value_or(false);
    s.state = XmlText(item, "state");
    s.tags = XmlTagSet(item);
    result.subnets.push_back(std::move(s));
  }
  result.next_token = XmlText(response.root, "nextToken");
  return result;
}

Result<DescribeSecurityGroupsResult> Ec2Client::DescribeSecurityGroups(
    const DescribeSecurityGroupsRequest& request) {
  QueryParams params = Params();
  params.AddList("GroupId", request.group_ids);
  params.AddList("GroupName", request.group_names);
  protocols::AddFilters(params, request.filters);
  AddPaging(params, request.max_results, request.next_token);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "DescribeSecurityGroups", params));
  DescribeSecurityGroupsResult result;
  for (pugi::xml_node item : XmlList(response.root, "securityGroupInfo")) {
    result.security_groups.push_back({XmlText(item, "groupId"), XmlText(item, "groupName"),
                                      XmlText(item, "groupDescription"), XmlText(item, "vpcId"),
                                      XmlText(item, "ownerId"), XmlTagSet(item)});
  }
  result.next_token = XmlText(response.root, "nextToken");
  return result;
}

Result<RunInstancesResult> Ec2Client::RunInstances(const RunInstancesRequest& request) {
  QueryParams params = Params();
  params.Add("ImageId", request.image_id);
  params.AddIfNotEmpty("InstanceType", request.instance_type);
  params.AddInt("MinCount", request.min_count);
  params.AddInt("MaxCount", request.max_count);
  params.AddIfNotEmpty("KeyName", request.key_name);
  params.AddIfNotEmpty("SubnetId", request.subnet_id);
  params.AddList("SecurityGroupId", request.security_group_ids);
  params.AddIfNotEmpty("UserData", request.user_data_base64);
  params.AddIfNotEmpty("IamInstanceProfile.Arn", request.iam_instance_profile_arn);
  params.AddIfNotEmpty("IamInstanceProfile.Name", request.iam_instance_profile_name);
  if (request.spot) params.Add("InstanceMarketOptions.MarketType", "spot");
  params.AddIfNotEmpty("Placement.GroupName", request.placement_group);
  params.AddIfNotEmpty("ClientToken", request.client_token);
  if (!request.tags.empty()) {
    std::size_t index = 0;
    for (const char* type : {"instance", "volume"}) {
      const std::string prefix = params.ListKey("TagSpecification", ++index);
      params.Add(prefix + ".ResourceType", type);
      protocols::AddTagList(params, prefix + ".Tag", request.tags);
    }
  }
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "RunInstances", params));
  RunInstancesResult result;
  result.reservation_id = XmlText(response.root, "reservationId");
  result.owner_id = XmlText(response.root, "ownerId");
  for (pugi::xml_node item : XmlList(response.root, "instancesSet")) {
    result.instances.push_back(InstanceFrom(item));
  }
  return result;
}

Result<TerminateInstancesResult> Ec2Client::TerminateInstances(
    const TerminateInstancesRequest& request) {
  QueryParams params = Params();
  params.AddList("InstanceId", request.instance_ids);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "TerminateInstances", params));
  TerminateInstancesResult result;
  for (pugi::xml_node item : XmlList(response.root, "instancesSet")) {
    result.terminating_instances.push_back({XmlText(item, "instanceId"),
                                            XmlText(item, "currentState/name"),
                                            XmlText(item, "previousState/name")});
  }
  return result;
}

Result<DescribeInstancesResult> Ec2Client::DescribeInstances(
    const DescribeInstancesRequest& request) {
  QueryParams params = Params();
  params.AddList("InstanceId", request.instance_ids);
  protocols::AddFilters(params, request.filters);
  AddPaging(params, request.max_results, request.next_token);
  ASSIGN_OR_RETURN(const Ec2Response response, Call(*client_, "DescribeInstances", params));
  DescribeInstancesResult result;
  for (pugi::xml_node item : XmlList(response.root, "reservationSet")) {
    Reservation reservation;
    reservation.reservation_id = XmlText(item, "reservationId");
    reservation.owner_id = XmlText(item, "ownerId");
    for (pugi::xml_node instance : XmlList(item, "instancesSet")) {
      reservation.instances.push_back(InstanceFrom(instance));
    }
    result.reservations.push_back(std::move(reservation));
  }
  result.next_token = XmlText(response.root, "nextToken");
  return result;
}

Result<CreateTagsResult> Ec2Client::CreateTags(const CreateTagsRequest& request) {
  QueryParams params = Params();
  params.AddList("ResourceId", request.resources);
  protocols::AddTagList(params, "Tag", request.tags);
  RETURN_IF_ERROR(Call(*client_, "CreateTags", params).status());
  return CreateTagsResult{};
}

}  // namespace awshpc::aws::ec2
