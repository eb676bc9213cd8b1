// File: protocols/protocols_test.cpp
// The protocol codecs on real-format request and response bodies (as documented in the AWS API
// references and sent by botocore), and the pagination loop.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "awshpc/aws/protocols/json.hpp"
#include "awshpc/aws/protocols/pagination.hpp"
#include "awshpc/aws/protocols/query.hpp"
#include "awshpc/aws/protocols/rest_xml.hpp"

namespace awshpc::aws::protocols {
namespace {

TEST(QueryProtocolTest, ListsAndMapsDifferBetweenQueryAndEc2) {
  QueryParams query(QueryFlavor::kQuery);
  query.AddList("PolicyArns", {"arn:a", "arn:b"});
  query.AddList("Flat", {"x"}, /*flattened=*/true);
  query.AddMap("Attributes", {{"b", "2"}, {"a", "1 2"}});
  EXPECT_EQ(query.Encode(),
            "PolicyArns.member.1=arn%3Aa&PolicyArns.member.2=arn%3Ab&Flat.1=x&"
            "Attributes.entry.1.key=a&Attributes.entry.1.value=1%202&"
            "Attributes.entry.2.key=b&Attributes.entry.2.value=2");

  QueryParams ec2(QueryFlavor::kEc2);
  ec2.AddList("InstanceType", {"c5.large", "c6i.xlarge"});
  AddFilters(ec2, {{"vpc-id", {"vpc-1"}}, {"tag:Name", {"a", "b"}}});
  AddTagList(ec2, "Tag", {{"Project", "geos"}});
  ec2.AddMap("Map", {{"k", "v"}});
  ec2.AddInt("MaxResults", std::optional<std::int64_t>(100));
  ec2.AddBool("DryRun", std::optional<bool>());
  EXPECT_EQ(ec2.Encode(),
            "InstanceType.1=c5.large&InstanceType.2=c6i.xlarge&Filter.1.Name=vpc-id&"
            "Filter.1.Value.1=vpc-1&Filter.2.Name=tag%3AName&Filter.2.Value.1=a&"
            "Filter.2.Value.2=b&Tag.1.Key=Project&Tag.1.Value=geos&Map.1.Key=k&Map.1.Value=v&"
            "MaxResults=100");
  EXPECT_EQ(QueryParams(QueryFlavor::kQuery).Member("name"), "name");
  EXPECT_EQ(ec2.Member("name"), "Name");
}

TEST(QueryProtocolTest, RequestHasActionVersionAndFormContentType) {
  QueryParams params(QueryFlavor::kEc2);
  params.Add("RegionName.1", "eu-west-1");
  const HttpRequest request = MakeQueryRequest("DescribeRegions", "2016-11-15", params);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "/");
  EXPECT_EQ(request.body, "Action=DescribeRegions&Version=2016-11-15&RegionName.1=eu-west-1");
  EXPECT_EQ(FindHeader(request.headers, "content-type").value_or(""),
            "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(MakeQueryRequest("GetCallerIdentity", "2011-06-15", QueryParams()).body,
            "Action=GetCallerIdentity&Version=2011-06-15");
}

TEST(QueryProtocolTest, ParsesQueryAndEc2Responses) {
  const std::string sts =
      R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)";
  auto doc = XmlDocument::Parse(sts, "sts");
  ASSERT_TRUE(doc.ok());
  auto result = QueryResultNode(*doc, "GetCallerIdentity", QueryFlavor::kQuery);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(XmlText(*result, "Account"), "123456789012");
  EXPECT_EQ(XmlText(*result, "Arn"), "arn:aws:iam::123456789012:user/Alice");
  EXPECT_FALSE(QueryResultNode(*doc, "AssumeRole", QueryFlavor::kQuery).ok());

  const std::string ec2 = R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>9d5e1b2c-1111-2222-3333-444455556666</requestId>
  <instanceTypeSet>
    <item>
      <instanceType>p4d.24xlarge</instanceType>
      <vCpuInfo><defaultVCpus>96</defaultVCpus></vCpuInfo>
      <memoryInfo><sizeInMiB>1179648</sizeInMiB></memoryInfo>
      <processorInfo><supportedArchitectures><item>x86_64</item></supportedArchitectures>
        <sustainedClockSpeedInGhz>3.0</sustainedClockSpeedInGhz></processorInfo>
      <networkInfo><efaSupported>true</efaSupported></networkInfo>
      <gpuInfo><gpus><item><name>A100</name><manufacturer>NVIDIA</manufacturer><count>8</count>
        </item></gpus></gpuInfo>
      <launchTime>2024-01-02T03:04:05.000Z</launchTime>
      <tagSet><item><key>Name</key><value>x</value></item></tagSet>
    </item>
  </instanceTypeSet>
  <nextToken>AAEAA/next</nextToken>
</DescribeInstanceTypesResponse>)";
  doc = XmlDocument::Parse(ec2, "ec2");
  ASSERT_TRUE(doc.ok());
  result = QueryResultNode(*doc, "DescribeInstanceTypes", QueryFlavor::kEc2);
  ASSERT_TRUE(result.ok());
  const auto items = XmlList(*result, "instanceTypeSet");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(XmlText(items[0], "instanceType"), "p4d.24xlarge");
  EXPECT_EQ(XmlInt(items[0], "vCpuInfo/defaultVCpus"), 96);
  EXPECT_EQ(XmlInt(items[0], "memoryInfo/sizeInMiB"), 1179648);
  EXPECT_EQ(XmlDouble(items[0], "processorInfo/sustainedClockSpeedInGhz"), 3.0);
  EXPECT_EQ(XmlTextList(items[0], "processorInfo/supportedArchitectures"),
            std::vector<std::string>{"x86_64"});
  EXPECT_EQ(XmlBool(items[0], "networkInfo/efaSupported"), true);
  EXPECT_EQ(XmlBool(items[0], "networkInfo/enaSupport"), std::nullopt);
  EXPECT_EQ(XmlInt(XmlList(items[0], "gpuInfo/gpus")[0], "count"), 8);
  EXPECT_EQ(XmlTimestamp(items[0], "launchTime"), 1704164645000);
  EXPECT_EQ(XmlTagSet(items[0]).at("Name"), "x");
  EXPECT_EQ(XmlText(*result, "nextToken"), "AAEAA/next");
  EXPECT_EQ(XmlText(*result, "missing/path"), "");

  EXPECT_FALSE(XmlDocument::Parse("not xml <", "x").ok());
  EXPECT_FALSE(XmlDocument::Parse("", "x").ok());
}

TEST(JsonProtocolTest, Json11RequestCarriesTarget) {
  const HttpRequest request = MakeJsonRequest(
      "Logs_20140328", "GetLogEvents", Json{{"logGroupName", "/aws/batch/job"}, {"limit", 10}});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "/");
  EXPECT_EQ(FindHeader(request.headers, "X-Amz-Target").value_or(""), "Logs_20140328.GetLogEvents");
  EXPECT_EQ(FindHeader(request.headers, "Content-Type").value_or(""), "application/x-amz-json-1.1");
  EXPECT_EQ(request.body, R"({"limit":10,"logGroupName":"/aws/batch/job"})");
  EXPECT_EQ(MakeJsonRequest("T", "Op", Json()).body, "{}");
}

TEST(JsonProtocolTest, RestJsonPathsQueriesAndBodies) {
  auto path = ExpandPath("/v1/tags/{resourceArn}",
                         {{"resourceArn", "arn:aws:batch:us-east-1:123456789012:job-queue/q 1"}});
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, "/v1/tags/arn%3Aaws%3Abatch%3Aus-east-1%3A123456789012%3Ajob-queue%2Fq%201");
  auto greedy = ExpandPath("/{Bucket}/{Key+}", {{"Bucket", "b"}, {"Key", "a/b c/d.txt"}});
  ASSERT_TRUE(greedy.ok());
  EXPECT_EQ(*greedy, "/b/a/b%20c/d.txt");
  EXPECT_EQ(ExpandPath("/v1/tags/{resourceArn}", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ExpandPath("/v1/{open", {{"open", "x"}}).ok());

  HttpRequest request =
      MakeRestJsonRequest("POST", "/v1/submitjob", Json{{"jobName", "j"}, {"jobQueue", "q"}});
  EXPECT_EQ(request.url, "/v1/submitjob");
  EXPECT_EQ(request.body, R"({"jobName":"j","jobQueue":"q"})");
  EXPECT_EQ(FindHeader(request.headers, "Content-Type").value_or(""), "application/json");
  request = MakeRestJsonRequest("GET", "/v1/tags/x", Json(), {{"a b", "c/d"}, {"e", ""}});
  EXPECT_EQ(request.url, "/v1/tags/x?a%20b=c%2Fd&e=");
  EXPECT_EQ(request.body, "");
  EXPECT_FALSE(FindHeader(request.headers, "Content-Type"));
}

TEST(JsonProtocolTest, LenientReadersNeverThrow) {
  auto body = ParseJsonBody(
      R"({"jobs":[{"jobId":"8d0a-1","status":"RUNNABLE","createdAt":1700000000000,
          "container":{"exitCode":0},"tags":{"a":"b","n":1},"dependsOn":[]}],
          "nextToken":"eyJ0b2tlbiI6IDEwMH0="})",
      "batch");
  ASSERT_TRUE(body.ok());
  const Json& job = JsonArray(*body, "jobs")[0];
  EXPECT_EQ(JsonString(job, "jobId"), "8d0a-1");
  EXPECT_EQ(JsonInt(job, "createdAt"), 1700000000000);
  EXPECT_EQ(JsonInt(job, "status"), std::nullopt);
  EXPECT_EQ(JsonString(job, "createdAt"), "");
  EXPECT_EQ(JsonInt(JsonObject(job, "container"), "exitCode"), 0);
  EXPECT_EQ(JsonStringMap(job, "tags"), (std::map<std::string, std::string>{{"a", "b"}}));
  EXPECT_TRUE(JsonArray(job, "missing").empty());
  EXPECT_TRUE(JsonObject(Json("scalar"), "x").empty());
  EXPECT_EQ(JsonString(*body, "nextToken"), "eyJ0b2tlbiI6IDEwMH0=");
  EXPECT_TRUE(ParseJsonBody("", "x")->is_object());
  EXPECT_EQ(ParseJsonBody("{bad", "logs").status().code(), StatusCode::kInternal);

  Json out = Json::object();
  SetIfNotEmpty(out, "a", std::string());
  SetIfNotEmpty(out, "b", std::vector<std::string>{});
  SetIfPresent(out, "c", std::optional<int>());
  SetIfPresent(out, "d", std::optional<int>(5));
  EXPECT_EQ(out.dump(), R"({"d":5})");
}

TEST(RestXmlProtocolTest, S3PathsAndBodies) {
  EXPECT_EQ(S3Path("my-bucket"), "/my-bucket");
  EXPECT_EQ(S3Path("my-bucket", "runs/2026 11/out+1.nc"), "/my-bucket/runs/2026%2011/out%2B1.nc");
  const HttpRequest request =
      MakeRestXmlRequest("GET", S3Path("b"), {{"list-type", "2"}, {"prefix", "a/"}});
  EXPECT_EQ(request.url, "/b?list-type=2&prefix=a%2F");
  const HttpRequest put =
      MakeRestXmlRequest("PUT", S3Path("b"), {}, "<CreateBucketConfiguration/>");
  EXPECT_EQ(FindHeader(put.headers, "Content-Type").value_or(""), "application/xml");
  EXPECT_EQ(XmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
}

struct FakePage {
  std::vector<int> items;
  std::string next;
};

TEST(PaginationTest, FollowsTokensUntilTheLastPage) {
  std::vector<std::string> sent;
  std::vector<int> all;
  auto summary = Paginate<FakePage>(
      [&](const std::string& token) -> Result<FakePage> {
        sent.push_back(token);
        if (token.empty()) return FakePage{{1, 2}, "t1"};
        if (token == "t1") return FakePage{{3}, "t2"};
        return FakePage{{4}, ""};
      },
      [](const FakePage& page) { return page.next; },
      [&](FakePage& page) {
        all.insert(all.end(), page.items.begin(), page.items.end());
        return Status::Ok();
      });
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->pages, 3);
  EXPECT_FALSE(summary->truncated);
  EXPECT_EQ(sent, (std::vector<std::string>{"", "t1", "t2"}));
  EXPECT_EQ(all, (std::vector<int>{1, 2, 3, 4}));
}

TEST(PaginationTest, PageLimitRepeatedTokenAndErrors) {
  int calls = 0;
  auto endless = [&](const std::string& token) -> Result<FakePage> {
    ++calls;
    return FakePage{{}, token + "x"};
  };
  auto token = [](const FakePage& page) { return page.next; };
  auto ignore = [](FakePage&) { return Status::Ok(); };
  auto limited = Paginate<FakePage>(endless, token, ignore, PaginationOptions{2});
  ASSERT_TRUE(limited.ok());
  EXPECT_TRUE(limited->truncated);
  EXPECT_EQ(limited->pages, 2);
  EXPECT_EQ(limited->next_token, "xx");
  EXPECT_EQ(calls, 2);

  auto same = Paginate<FakePage>(
      [](const std::string&) -> Result<FakePage> {
        return FakePage{{}, "stuck"};
      },
      token, ignore);
  EXPECT_EQ(same.status().code(), StatusCode::kInternal);

  auto failing = Paginate<FakePage>(
      [](const std::string& t) -> Result<FakePage> {
        if (t.empty()) return FakePage{{}, "t"};
        return UnavailableError("HTTP 503");
      },
      token, ignore);
  EXPECT_EQ(failing.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(failing.status().message().find("page 2"), std::string::npos);
}

}  // namespace
}  // namespace awshpc::aws::protocols
