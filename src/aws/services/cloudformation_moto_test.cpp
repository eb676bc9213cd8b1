// File: services/cloudformation_moto_test.cpp
// The CloudFormation operations of `aws-hpc infra` (change sets, stack resources, template
// validation and retrieval) against moto_server on 127.0.0.1.
#include <gtest/gtest.h>

#include <memory>

#include "awshpc/aws/services/cloudformation.hpp"
#include "services_test_env.hpp"

namespace awshpc::aws::cloudformation {
namespace {

using testing::MotoEnvironment;

constexpr const char* kTemplate = R"({
  "Description": "change set test",
  "Parameters": {"Retention": {"Type": "Number", "Default": "30", "Description": "days"}},
  "Resources": {
    "Results": {"Type": "AWS::S3::Bucket"},
    "Logs": {"Type": "AWS::Logs::LogGroup",
             "Properties": {"RetentionInDays": {"Ref": "Retention"}}}},
  "Outputs": {"Bucket": {"Value": {"Ref": "Results"}}}})";

TEST(CloudFormationMotoTest, ChangeSetsResourcesAndTemplates) {
  MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  auto client = CloudFormationClient::Create(moto.context());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  CloudFormationClient& cfn = *client;

  auto validated = cfn.ValidateTemplate({kTemplate});
  ASSERT_TRUE(validated.ok()) << validated.status().ToString();
  EXPECT_EQ(validated->description, "change set test");
  // moto answers ValidateTemplate with an empty Parameters list, so their parsing is not
  // checked here.
  EXPECT_FALSE(cfn.ValidateTemplate({"{not json"}).ok());

  // CREATE change set: the stack exists in review; every resource is an Add.
  CreateChangeSetRequest create;
  create.stack_name = "cs-test";
  create.change_set_name = "first";
  create.change_set_type = "CREATE";
  create.template_body = kTemplate;
  create.parameters = {{"Retention", "14"}};
  create.capabilities = {"CAPABILITY_IAM"};
  create.tags = {{"project", "infra"}};
  auto created = cfn.CreateChangeSet(create);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_NE(created->id.find(":changeSet/first/"), std::string::npos) << created->id;
  EXPECT_NE(created->stack_id.find(":stack/cs-test/"), std::string::npos) << created->stack_id;
  auto described = cfn.DescribeChangeSet({"first", "cs-test", ""});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->change_set_name, "first");
  EXPECT_EQ(described->stack_id, created->stack_id);
  EXPECT_EQ(described->status, "CREATE_COMPLETE");
  EXPECT_EQ(described->execution_status, "AVAILABLE");
  ASSERT_EQ(described->changes.size(), 2u);
  EXPECT_EQ(described->changes[0].action, "Add");
  EXPECT_EQ(described->changes[0].logical_resource_id, "Results");
  EXPECT_EQ(described->changes[0].resource_type, "AWS::S3::Bucket");
  auto stacks = cfn.DescribeStacks({"cs-test", ""});
  ASSERT_TRUE(stacks.ok());
  EXPECT_EQ(stacks->stacks[0].stack_status, "REVIEW_IN_PROGRESS");

  // Execute (by ARN): the stack and its resources exist.
  ASSERT_TRUE(cfn.ExecuteChangeSet({created->id, ""}).ok());
  stacks = cfn.DescribeStacks({"cs-test", ""});
  ASSERT_TRUE(stacks.ok());
  EXPECT_EQ(stacks->stacks[0].stack_status, "CREATE_COMPLETE");
  auto resources = cfn.DescribeStackResources({"cs-test"});
  ASSERT_TRUE(resources.ok()) << resources.status().ToString();
  ASSERT_EQ(resources->stack_resources.size(), 2u);
  for (const StackResource& r : resources->stack_resources) {
    EXPECT_EQ(r.resource_status, "CREATE_COMPLETE") << r.logical_resource_id;
    EXPECT_FALSE(r.physical_resource_id.empty()) << r.logical_resource_id;
  }
  auto got = cfn.GetTemplate({"cs-test", ""});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_NE(got->template_body.find("AWS::Logs::LogGroup"), std::string::npos);

  // UPDATE change set: described, then deleted without executing.
  create.change_set_name = "second";
  create.change_set_type = "UPDATE";
  create.parameters = {{"Retention", "60"}};
  create.tags.clear();
  created = cfn.CreateChangeSet(create);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  described = cfn.DescribeChangeSet({created->id, "", ""});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_FALSE(described->changes.empty());
  for (const ResourceChange& c : described->changes) EXPECT_EQ(c.action, "Modify");
  ASSERT_TRUE(cfn.DeleteChangeSet({"second", "cs-test"}).ok());
  EXPECT_FALSE(cfn.DescribeChangeSet({"second", "cs-test", ""}).ok());

  ASSERT_TRUE(cfn.DeleteStack({"cs-test"}).ok());
  auto gone = cfn.DescribeStackResources({"cs-test"});
  EXPECT_FALSE(gone.ok() && !gone->stack_resources.empty());
}

}  // namespace
}  // namespace awshpc::aws::cloudformation
