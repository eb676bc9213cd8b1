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
  std::size_t index = 0;
  for (const auto& [key, value] : request.tags) {
    const std::string prefix = params.ListKey("Tags", ++index);
    params.Add(prefix + ".Key", key);
    params.Add(prefix + ".Value", value);
  }
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

}  // namespace awshpc::aws::cloudformation
