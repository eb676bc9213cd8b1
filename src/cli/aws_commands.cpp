// File: aws_commands.cpp
// `aws-hpc aws whoami` (account, ARN, region, endpoint, credential source; never a secret) and
// `aws-hpc aws check` (which services answer with these credentials). `--debug` logs every
// call's canonical request and string to sign to stderr, secrets redacted.
#include <fmt/format.h>

#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>

#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/aws/services/logs.hpp"
#include "awshpc/aws/services/request_log.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/aws/services/sts.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

using aws::AwsClient;
using aws::AwsContext;

struct AwsOptions {
  std::string profile;
  std::string region;
  bool debug = false;
};

void AddAwsOptions(CLI::App* command, AwsOptions& options) {
  command->add_option("--profile", options.profile, "Profile of ~/.aws/config to use");
  command->add_option("--region", options.region,
                      "AWS region (else AWS_REGION, the profile, IMDS)");
  command->add_flag("--debug", options.debug,
                    "Log each AWS call (canonical request, string to sign) to stderr; secrets are "
                    "redacted");
}

// "AKIDFAKEFAKEFAKE" -> "AKID…FAKE": enough to tell keys apart, not enough to use one.
std::string MaskKeyId(const std::string& key) {
  if (key.size() <= 8) return std::string(key.size(), '*');
  return key.substr(0, 4) + "…" + key.substr(key.size() - 4);
}

// The context plus, with --debug, a logging transport every client sends through.
class AwsSession {
 public:
  static Result<std::unique_ptr<AwsSession>> Open(const AwsOptions& options) {
    std::unique_ptr<AwsSession> session(new AwsSession());
    aws::AwsContextOptions context_options;
    context_options.cli_profile = options.profile;
    context_options.cli_region = options.region;
    ASSIGN_OR_RETURN(session->context_, AwsContext::Create(context_options));
    session->debug_ = options.debug;
    return session;
  }

  AwsContext& context() { return *context_; }

  Result<std::unique_ptr<AwsClient>> MakeClient(const aws::ServiceInfo& service,
                                                aws::Protocol protocol, bool s3 = false) {
    if (!debug_) return context_->MakeClient(service, protocol, s3);
    ASSIGN_OR_RETURN(const aws::RegionResolution region, context_->Region());
    ASSIGN_OR_RETURN(aws::Endpoint endpoint,
                     aws::ResolveEndpoint(service, region.region, aws::Environment::System(),
                                          &context_->config(), context_->profile()));
    aws::ServiceConfig config;
    config.service = std::string(service.endpoint_prefix);
    config.signing_name = std::string(service.signing_name);
    config.endpoint = std::move(endpoint);
    config.protocol = protocol;
    config.s3 = s3;
    config.unsigned_payload = s3 && config.endpoint.url.starts_with("https://");
    const std::string name(service.endpoint_prefix);
    loggers_.push_back(std::make_unique<aws::LoggingHttpClient>(
        context_->http(),
        [name](std::string_view line) {
          // `aws check` logs from several threads: one line at a time.
          static std::mutex mutex;
          const std::lock_guard<std::mutex> lock(mutex);
          std::cerr << "[debug " << name << "] " << line << "\n";
        },
        s3));
    return std::make_unique<AwsClient>(std::move(config), *loggers_.back(),
                                       &context_->credentials(), SystemClock::Instance(),
                                       aws::RetryStrategy(context_->retry_config()));
  }

 private:
  AwsSession() = default;
  std::unique_ptr<AwsContext> context_;
  bool debug_ = false;
  std::vector<std::unique_ptr<aws::LoggingHttpClient>> loggers_;
};

Status Whoami(CliContext& cli, const AwsOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsSession> session, AwsSession::Open(options));
  ASSIGN_OR_RETURN(const aws::RegionResolution region, session->context().Region());
  ASSIGN_OR_RETURN(const aws::Credentials credentials,
                   session->context().credentials().GetCredentials());
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   session->MakeClient(aws::sts::kService, aws::Protocol::kQuery));
  const aws::Endpoint endpoint = client->config().endpoint;
  aws::sts::StsIdentityClient sts(std::move(client));
  ASSIGN_OR_RETURN(const aws::sts::GetCallerIdentityResult identity, sts.GetCallerIdentity());

  const std::string key = MaskKeyId(credentials.access_key_id);
  const bool temporary = !credentials.session_token.empty();
  if (cli.Format() != OutputFormat::kTable) {
    nlohmann::ordered_json out;
    out["account"] = identity.account;
    out["arn"] = identity.arn;
    out["user_id"] = identity.user_id;
    out["region"] = region.region;
    out["region_source"] = region.source;
    out["endpoint"] = endpoint.url;
    out["endpoint_source"] = endpoint.source;
    out["credential_source"] = credentials.source;
    out["access_key_id"] = key;
    out["temporary_credentials"] = temporary;
    PrintStructured(out, cli.Format());
    return Status::Ok();
  }
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"Account", identity.account},
      {"ARN", identity.arn},
      {"User id", identity.user_id},
      {"Region", fmt::format("{} ({})", region.region, region.source)},
      {"Endpoint", fmt::format("{} ({})", endpoint.url, endpoint.source)},
      {"Credentials",
       fmt::format("{} (key {}{})", credentials.source, key, temporary ? ", temporary" : "")}};
  for (const auto& [name, value] : rows) std::cout << fmt::format("{:<12} {}\n", name, value);
  return Status::Ok();
}

struct CheckResult {
  std::string service;
  std::string operation;
  std::string outcome;  // ok | denied | unreachable | error
  std::string detail;
  double ms = 0;
};

// A call "answers" when the service authenticated us: success, or a service error that is not
// about who we are (a missing resource is still an answer).
CheckResult Classify(std::string service, std::string operation, const Status& status, double ms) {
  CheckResult result{std::move(service), std::move(operation), "ok", "", ms};
  if (status.ok() || status.code() == StatusCode::kNotFound) return result;
  result.detail = status.message();
  switch (status.code()) {
    case StatusCode::kPermissionDenied:
      result.outcome = "denied";
      break;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      result.outcome = "unreachable";
      break;
    default:
      result.outcome = "error";
  }
  return result;
}

template <typename Fn>
CheckResult Timed(std::string service, std::string operation, Fn&& call) {
  const auto start = std::chrono::steady_clock::now();
  const Status status = call();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return Classify(std::move(service), std::move(operation), status, ms);
}

Status Check(CliContext& cli, const AwsOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsSession> session, AwsSession::Open(options));
  ASSIGN_OR_RETURN(const aws::RegionResolution region, session->context().Region());
  // Credentials first: without them every check fails the same way.
  RETURN_IF_ERROR(session->context().credentials().GetCredentials().status());
  // Clients are made up front (the debug transports are not thread-safe to create), calls run
  // in parallel over the shared connection pool.
  ASSIGN_OR_RETURN(auto sts_client, session->MakeClient(aws::sts::kService, aws::Protocol::kQuery));
  ASSIGN_OR_RETURN(auto batch_client,
                   session->MakeClient(aws::batch::kService, aws::Protocol::kRestJson));
  ASSIGN_OR_RETURN(auto ec2_client, session->MakeClient(aws::ec2::kService, aws::Protocol::kEc2));
  ASSIGN_OR_RETURN(auto logs_client,
                   session->MakeClient(aws::logs::kService, aws::Protocol::kJson));
  ASSIGN_OR_RETURN(auto s3_client,
                   session->MakeClient(aws::s3::kService, aws::Protocol::kRestXml, true));
  aws::sts::StsIdentityClient sts(std::move(sts_client));
  aws::batch::BatchClient batch(std::move(batch_client));
  aws::ec2::Ec2Client ec2(std::move(ec2_client));
  aws::logs::LogsClient logs(std::move(logs_client));
  aws::s3::S3Client s3(std::move(s3_client), &session->context().credentials());
  std::string account;

  std::vector<std::future<CheckResult>> checks;
  checks.push_back(std::async(std::launch::async, [&] {
    return Timed("sts", "GetCallerIdentity", [&] {
      auto identity = sts.GetCallerIdentity();
      if (identity.ok()) account = identity->account;
      return identity.status();
    });
  }));
  checks.push_back(std::async(std::launch::async, [&] {
    return Timed("batch", "DescribeJobQueues", [&] {
      return batch.DescribeJobQueues({{}, 1, ""}).status();
    });
  }));
  checks.push_back(std::async(std::launch::async, [&] {
    return Timed("ec2", "DescribeAvailabilityZones", [&] {
      return ec2.DescribeAvailabilityZones({{}, {}, {{"region-name", {region.region}}}, {}})
          .status();
    });
  }));
  checks.push_back(std::async(std::launch::async, [&] {
    return Timed("logs", "DescribeLogStreams", [&] {
      return logs.DescribeLogStreams({"/aws/batch/job", "", "", {}, "", 1}).status();
    });
  }));
  checks.push_back(std::async(std::launch::async, [&] {
    return Timed("s3", "ListBuckets", [&] { return s3.ListBuckets({1, ""}).status(); });
  }));
  std::vector<CheckResult> results;
  for (auto& check : checks) results.push_back(check.get());

  int failed = 0;
  for (const auto& r : results) failed += r.outcome == "ok" ? 0 : 1;
  if (cli.Format() != OutputFormat::kTable) {
    nlohmann::ordered_json out;
    out["region"] = region.region;
    out["account"] = account;
    out["services"] = nlohmann::ordered_json::array();
    for (const auto& r : results) {
      nlohmann::ordered_json item;
      item["service"] = r.service;
      item["operation"] = r.operation;
      item["outcome"] = r.outcome;
      item["ms"] = static_cast<std::int64_t>(r.ms + 0.5);
      if (!r.detail.empty()) item["detail"] = r.detail;
      out["services"].push_back(std::move(item));
    }
    PrintStructured(out, cli.Format());
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : results) {
      rows.push_back({r.service, r.operation, r.outcome, fmt::format("{:.0f} ms", r.ms),
                      r.detail.substr(0, 120)});
    }
    std::cout << RenderTable({"SERVICE", "CHECKED WITH", "RESULT", "TIME", "DETAIL"}, rows);
  }
  if (failed > 0) {
    return UnavailableError(fmt::format("{} of {} services did not answer in {}", failed,
                                        results.size(), region.region));
  }
  return Status::Ok();
}

}  // namespace

void RegisterAwsCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* group = root.add_subcommand("aws", "Check the AWS account, credentials and services");
  group->require_subcommand(1);
  auto options = std::make_shared<AwsOptions>();

  CLI::App* whoami = group->add_subcommand(
      "whoami", "Show the account, ARN, region, endpoint and credential source in use");
  AddAwsOptions(whoami, *options);
  whoami->callback([&context, &result, options] { result.status = Whoami(context, *options); });

  CLI::App* check =
      group->add_subcommand("check", "Check which AWS services answer with these credentials");
  AddAwsOptions(check, *options);
  check->callback([&context, &result, options] { result.status = Check(context, *options); });
}

}  // namespace awshpc::cli
