// File: services/cloudformation.cpp
// CloudFormation over the query protocol: lists are Name.member.N, responses
// <XResponse><XResult> with <member> items.
#include "awshpc/aws/services/cloudformation.hpp"

#include <fmt/format.h>

#include "awshpc/aws/protocols/query.hpp"

namespace awshpc::aws::cloudformation {
namespace {

using protocols::QueryFlavor;
using protocols::QueryParams;
using protocols::XmlList;
using protocols::XmlText;

struct QueryResponse {
  protocols::XmlDocument doc;
  pugi::xml_node result;
};

Result<QueryResponse> Call(AwsClient& client, std::string_view action, const QueryParams& params) {
  ASSIGN_OR_RETURN(const HttpResponse response, client.Send(action, [&]() -> Result<HttpRequest> {
    return protocols::MakeQueryRequest(action, kApiVersion, params);
  }));
  ASSIGN_OR_RETURN(
      protocols::XmlDocument doc,
      protocols::XmlDocument::Parse(response.body, fmt::format("cloudformation {}", action)));
  ASSIGN_OR_RETURN(const pugi::xml_node result,
                   protocols::QueryResultNode(doc, action, QueryFlavor::kQuery));
  return QueryResponse{std::move(doc), result};
}

void AddStackInput(QueryParams& params, const std::string& template_body,
                   const std::vector<Parameter>& parameters,
                   const std::vector<std::string>& capabilities) {
  params.AddIfNotEmpty("TemplateBody", template_body);
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const std::string prefix = params.ListKey("Parameters", i + 1);
    params.Add(prefix + ".ParameterKey", parameters[i].parameter_key);
    params.Add(prefix + ".ParameterValue", parameters[i].parameter_value);
  }
  params.AddList("Capabilities", capabilities);
}

void AddTags(QueryParams& params, const std::map<std::string, std::string>& tags) {
  std::size_t index = 0;
  for (const auto& [key, value] : tags) {
    const std::string prefix = params.ListKey("Tags", ++index);
    params.Add(prefix + ".Key", key);
    params.Add(prefix + ".Value", value);
  }
}

}  // namespace

Result<CloudFormationClient> CloudFormationClient::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   context.MakeClient(kService, Protocol::kQuery));
  return CloudFormationClient(std::move(client));
}

Result<CreateStackResult> CloudFormationClient::CreateStack(const CreateStackRequest& request) {
  QueryParams params;
  params.Add("StackName", request.stack_name);
  AddStackInput(params, request.template_body, request.parameters, request.capabilities);
  AddTags(params, request.tags);
  params.AddIfNotEmpty("OnFailure", request.on_failure);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "CreateStack", params));
  return CreateStackResult{XmlText(response.result, "StackId")};
}

Result<UpdateStackResult> CloudFormationClient::UpdateStack(const UpdateStackRequest& request) {
  QueryParams params;
  params.Add("StackName", request.stack_name);
  AddStackInput(params, request.template_body, request.parameters, request.capabilities);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "UpdateStack", params));
  return UpdateStackResult{XmlText(response.result, "StackId")};
}

Result<DescribeStacksResult> CloudFormationClient::DescribeStacks(
    const DescribeStacksRequest& request) {
  QueryParams params;
  params.AddIfNotEmpty("StackName", request.stack_name);
  params.AddIfNotEmpty("NextToken", request.next_token);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "DescribeStacks", params));
  DescribeStacksResult result;
  for (pugi::xml_node item : XmlList(response.result, "Stacks", "member")) {
    Stack stack;
    stack.stack_id = XmlText(item, "StackId");
    stack.stack_name = XmlText(item, "StackName");
    stack.stack_status = XmlText(item, "StackStatus");
    stack.stack_status_reason = XmlText(item, "StackStatusReason");
    stack.creation_time = protocols::XmlTimestamp(item, "CreationTime");
    for (pugi::xml_node p : XmlList(item, "Parameters", "member")) {
      stack.parameters.push_back({XmlText(p, "ParameterKey"), XmlText(p, "ParameterValue")});
    }
    for (pugi::xml_node o : XmlList(item, "Outputs", "member")) {
      stack.outputs[XmlText(o, "OutputKey")] = XmlText(o, "OutputValue");
    }
    for (pugi::xml_node t : XmlList(item, "Tags", "member")) {
      stack.tags[XmlText(t, "Key")] = XmlText(t, "Value");
    }
    result.stacks.push_back(std::move(stack));
  }
  result.next_token = XmlText(response.result, "NextToken");
  return result;
}

Result<DescribeStackEventsResult> CloudFormationClient::DescribeStackEvents(
    const DescribeStackEventsRequest& request) {
  QueryParams params;
  params.Add("StackName", request.stack_name);
  params.AddIfNotEmpty("NextToken", request.next_token);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "DescribeStackEvents", params));
  DescribeStackEventsResult result;
  for (pugi::xml_node item : XmlList(response.result, "StackEvents", "member")) {
    result.stack_events.push_back({XmlText(item, "EventId"), XmlText(item, "LogicalResourceId"),
                                   XmlText(item, "ResourceType"), XmlText(item, "ResourceStatus"),
                                   XmlText(item, "ResourceStatusReason"),
                                   protocols::XmlTimestamp(item, "Timestamp")});
  }
  result.next_token = XmlText(response.result, "NextToken");
  return result;
}

Result<DeleteStackResult> CloudFormationClient::DeleteStack(const DeleteStackRequest& request) {
  QueryParams params;
  params.Add("StackName", request.stack_name);
  RETURN_IF_ERROR(Call(*client_, "DeleteStack", params).status());
  return DeleteStackResult{};
}

Result<CreateChangeSetResult> CloudFormationClient::CreateChangeSet(
    const CreateChangeSetRequest& request) {
  QueryParams params;
  params.Add("StackName", request.stack_name);
  params.Add("ChangeSetName", request.change_set_name);
  params.AddIfNotEmpty("ChangeSetType", request.change_set_type);
  AddStackInput(params, request.template_body, request.parameters, request.capabilities);
  AddTags(params, request.tags);
  params.AddIfNotEmpty("Description", request.description);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "CreateChangeSet", params));
  return CreateChangeSetResult{XmlText(response.result, "Id"), XmlText(response.result, "StackId")};
}

Result<DescribeChangeSetResult> CloudFormationClient::DescribeChangeSet(
    const DescribeChangeSetRequest& request) {
  QueryParams params;
  params.Add("ChangeSetName", request.change_set_name);
  params.AddIfNotEmpty("StackName", request.stack_name);
  params.AddIfNotEmpty("NextToken", request.next_token);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "DescribeChangeSet", params));
  const pugi::xml_node r = response.result;
  DescribeChangeSetResult result;
  result.change_set_id = XmlText(r, "ChangeSetId");
  result.change_set_name = XmlText(r, "ChangeSetName");
  result.stack_id = XmlText(r, "StackId");
  result.stack_name = XmlText(r, "StackName");
  result.status = XmlText(r, "Status");
  result.status_reason = XmlText(r, "StatusReason");
  result.execution_status = XmlText(r, "ExecutionStatus");
  for (pugi::xml_node item : XmlList(r, "Changes", "member")) {
    const pugi::xml_node change = item.child("ResourceChange");
    if (!change) continue;  // only Type=Resource changes exist today
    ResourceChange out;
    out.action = XmlText(change, "Action");
    out.logical_resource_id = XmlText(change, "LogicalResourceId");
    out.physical_resource_id = XmlText(change, "PhysicalResourceId");
    out.resource_type = XmlText(change, "ResourceType");
    out.replacement = XmlText(change, "Replacement");
    for (pugi::xml_node scope : XmlList(change, "Scope", "member")) {
      out.scope.emplace_back(scope.text().as_string());
    }
    result.changes.push_back(std::move(out));
  }
  result.next_token = XmlText(r, "NextToken");
  return result;
}

Result<ExecuteChangeSetResult> CloudFormationClient::ExecuteChangeSet(
    const ExecuteChangeSetRequest& request) {
  QueryParams params;
  params.Add("ChangeSetName", request.change_set_name);
  params.AddIfNotEmpty("StackName", request.stack_name);
  RETURN_IF_ERROR(Call(*client_, "ExecuteChangeSet", params).status());
  return ExecuteChangeSetResult{};
}

Result<DeleteChangeSetResult> CloudFormationClient::DeleteChangeSet(
    const DeleteChangeSetRequest& request) {
  QueryParams params;
  params.Add("ChangeSetName", request.change_set_name);
  params.AddIfNotEmpty("StackName", request.stack_name);
  RETURN_IF_ERROR(Call(*client_, "DeleteChangeSet", params).status());
  return DeleteChangeSetResult{};
}

Result<DescribeStackResourcesResult> CloudFormationClient::DescribeStackResources(
    const DescribeStackResourcesRequest& request) {
  QueryParams params;
  params.Add("StackName", request.stack_name);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "DescribeStackResources", params));
  DescribeStackResourcesResult result;
  for (pugi::xml_node item : XmlList(response.result, "StackResources", "member")) {
    result.stack_resources.push_back(
        {XmlText(item, "LogicalResourceId"), XmlText(item, "PhysicalResourceId"),
         XmlText(item, "ResourceType"), XmlText(item, "ResourceStatus"),
         XmlText(item, "ResourceStatusReason")});
  }
  return result;
}

Result<ValidateTemplateResult> CloudFormationClient::ValidateTemplate(
    const ValidateTemplateRequest& request) {
  QueryParams params;
  params.Add("TemplateBody", request.template_body);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "ValidateTemplate", params));
  ValidateTemplateResult result;
  for (pugi::xml_node item : XmlList(response.result, "Parameters", "member")) {
    result.parameters.push_back({XmlText(item, "ParameterKey"), XmlText(item, "DefaultValue"),
                                 XmlText(item, "Description")});
  }
  for (pugi::xml_node item : XmlList(response.result, "Capabilities", "member")) {
    result.capabilities.emplace_back(item.text().as_string());
  }
  result.description = XmlText(response.result, "Description");
  return result;
}

Result<GetTemplateResult> CloudFormationClient::GetTemplate(const GetTemplateRequest& request) {
  QueryParams params;
  params.Add("StackName", request.stack_name);
  params.AddIfNotEmpty("TemplateStage", request.template_stage);
  ASSIGN_OR_RETURN(const QueryResponse response, Call(*client_, "GetTemplate", params));
  return GetTemplateResult{XmlText(response.result, "TemplateBody")};
}

}  // namespace awshpc::aws::cloudformation
