// File: batch_submit_bench.cpp
// The Batch submission engine against moto_server on 127.0.0.1 (started here, stopped by PID;
// fake credentials; jobs run without Docker): a 100,000-task array (split into Batch arrays of
// 10,000) and 1,000 single jobs, every Batch call through one token bucket at TPS calls/s (default
// 40, the platform's default). Reports wall time, the Batch API calls made (counted by an
// HttpClient decorator under the client) and the peak number of calls in any one-second window,
// against a peer computed from the same rate: one SubmitJob per task.
// Usage: batch_submit_bench [TPS] [ARRAY_TASKS] [SINGLE_JOBS]
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../src/aws/services/services_test_env.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/batch/array.hpp"
#include "awshpc/batch/rate.hpp"
#include "awshpc/batch/submitter.hpp"
#include "awshpc/core/clock.hpp"
#include "bench_util.hpp"

namespace {

namespace aws = awshpc::aws;
namespace batch = awshpc::batch;
using awshpc::MonotonicSeconds;
using awshpc::bench::Die;

template <typename T>
T Must(awshpc::Result<T> result, const char* what) {
  if (!result.ok()) Die(std::string(what) + ": " + result.status().ToString());
  return std::move(result).value();
}

// Counts every request that reaches the transport (so retries too), with its time and
// operation (the rest-json path: /v1/submitjob, /v1/listjobs, ...).
class CountingHttpClient final : public aws::HttpClient {
 public:
  explicit CountingHttpClient(aws::HttpClient& inner) : inner_(inner) {}
  awshpc::Result<aws::HttpResponse> Send(const aws::HttpRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      times_.push_back(MonotonicSeconds());
      const auto path = request.url.find("/v1/");
      ++by_operation_[path == std::string::npos ? request.url : request.url.substr(path)];
    }
    return inner_.Send(request);
  }
  std::vector<double> times() const {
    std::lock_guard lock(mutex_);
    return times_;
  }
  std::map<std::string, long> by_operation() const {
    std::lock_guard lock(mutex_);
    return by_operation_;
  }

 private:
  aws::HttpClient& inner_;
  mutable std::mutex mutex_;
  std::vector<double> times_;
  std::map<std::string, long> by_operation_;
};

// The most calls in any half-open one-second window [t, t + 1).
std::size_t PeakPerSecond(std::vector<double> times) {
  std::sort(times.begin(), times.end());
  std::size_t peak = 0;
  std::size_t end = 0;
  for (std::size_t start = 0; start < times.size(); ++start) {
    end = std::max(end, start);
    while (end < times.size() && times[end] < times[start] + 1.0) ++end;
    peak = std::max(peak, end - start);
  }
  return peak;
}

struct Phase {
  std::string name;
  double seconds = 0;
  std::size_t calls = 0;
  std::size_t peak = 0;
};

Phase Measure(const std::string& name, CountingHttpClient& counter, auto&& body) {
  const std::size_t before = counter.times().size();
  const double start = MonotonicSeconds();
  body();
  Phase phase{name, MonotonicSeconds() - start, 0, 0};
  std::vector<double> times = counter.times();
  times.erase(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(before));
  phase.calls = times.size();
  phase.peak = PeakPerSecond(std::move(times));
  return phase;
}

}  // namespace

int main(int argc, char** argv) {
  awshpc::bench::program_name = "batch_submit_bench";
  const double tps = argc > 1 ? std::atof(argv[1]) : batch::kDefaultBatchMaxTps;
  const long array_tasks = argc > 2 ? std::atol(argv[2]) : 100'000;
  const int singles = argc > 3 ? std::atoi(argv[3]) : 1'000;
  if (tps <= 0 || array_tasks < 1 || singles < 0) {
    Die("usage: batch_submit_bench [TPS] [ARRAY_TASKS] [SINGLE_JOBS]");
  }

  aws::testing::MotoEnvironment moto;
  if (!moto.ok()) Die(moto.error());
  if (auto status = moto.DisableBatchDocker(); !status.ok()) Die(status.ToString());
  const std::string role = Must(moto.CreateRole("bench-batch-role"), "CreateRole");

  // Setup and verification go straight to moto, outside the count and the limiter.
  auto direct = Must(aws::batch::BatchClient::Create(moto.context()), "batch client");
  aws::batch::CreateComputeEnvironmentRequest ce;
  ce.compute_environment_name = "bench-ce";
  ce.type = "UNMANAGED";
  ce.state = "ENABLED";
  ce.service_role = role;
  const auto created = Must(direct.CreateComputeEnvironment(ce), "CreateComputeEnvironment");
  aws::batch::CreateJobQueueRequest queue;
  queue.job_queue_name = "bench-queue";
  queue.state = "ENABLED";
  queue.compute_environment_order = {{1, created.compute_environment_arn}};
  Must(direct.CreateJobQueue(queue), "CreateJobQueue");
  aws::batch::RegisterJobDefinitionRequest definition;
  definition.job_definition_name = "bench-task";
  definition.container_properties = aws::batch::ContainerProperties{};
  definition.container_properties->image = "busybox";
  definition.container_properties->command = {"true"};
  definition.container_properties->resource_requirements = {{"VCPU", "1"}, {"MEMORY", "128"}};
  definition.retry_strategy = aws::batch::JobRetryStrategy{1, {}};
  Must(direct.RegisterJobDefinition(definition), "RegisterJobDefinition");

  // The measured client: the platform's stack (curl, SigV4, standard retries) with the limiter.
  aws::CurlHttpClient curl;
  CountingHttpClient counter(curl);
  auto client = Must(moto.context().MakeClient(aws::batch::kService, aws::Protocol::kRestJson),
                     "batch client");
  aws::ServiceConfig config = client->config();
  aws::batch::BatchClient measured(
      std::make_unique<aws::AwsClient>(std::move(config), counter, &moto.context().credentials()));
  measured.SetRateLimiter(batch::MakeBatchRateLimiter(tps));
  batch::ExactlyOnceSubmitter submitter(measured);

  auto request = [](const std::string& id) {
    aws::batch::SubmitJobRequest r;
    r.job_name = *batch::BatchJobName("bench", id);
    r.job_queue = "bench-queue";
    r.job_definition = "bench-task";
    r.tags = {{batch::kJobIdTag, id}};
    return r;
  };

  std::vector<std::string> ids;
  const Phase array_phase = Measure(fmt::format("array of {} tasks", array_tasks), counter, [&] {
    auto submitted =
        Must(batch::SubmitArray(submitter, request("j-benchary"), array_tasks), "SubmitArray");
    for (const auto& part : submitted.parts) ids.push_back(part.outcome.job.job_id);
  });
  const std::size_t array_jobs = ids.size();
  const Phase single_phase = Measure(fmt::format("{} single jobs", singles), counter, [&] {
    for (int i = 0; i < singles; ++i) {
      ids.push_back(
          Must(submitter.Submit(request(fmt::format("j-s{:07d}", i))), "Submit").job.job_id);
    }
  });
  const std::vector<double> all_times = counter.times();
  const std::size_t total_calls = all_times.size();
  const std::size_t total_peak = PeakPerSecond(all_times);
  const double total_seconds = array_phase.seconds + single_phase.seconds;

  // Every Batch job exists, once, with its size.
  const auto described = Must(direct.DescribeJobs({ids}), "DescribeJobs");
  if (described.jobs.size() != ids.size()) {
    Die(fmt::format("{} jobs submitted, moto describes {}", ids.size(), described.jobs.size()));
  }
  long tasks = 0;
  for (const auto& job : described.jobs) {
    tasks += job.array_properties && job.array_properties->size ? *job.array_properties->size : 1;
  }
  if (tasks != array_tasks + singles) {
    Die(fmt::format("moto holds {} tasks, expected {}", tasks, array_tasks + singles));
  }

  std::printf("Batch submission to moto_server, every call through one limiter at %.0f calls/s\n",
              tps);
  for (const Phase& phase : {array_phase, single_phase}) {
    std::printf("  %-26s %8.1f s  %6zu Batch calls  peak %3zu calls/s\n", phase.name.c_str(),
                phase.seconds, phase.calls, phase.peak);
  }
  std::printf("  %-26s %8.1f s  %6zu Batch calls  peak %3zu calls/s  (%ld tasks, %zu Batch jobs)\n",
              "total", total_seconds, total_calls, total_peak, tasks, ids.size());
  std::printf("  calls by operation:");
  for (const auto& [operation, count] : counter.by_operation()) {
    std::printf(" %s %ld", operation.c_str(), count);
  }
  std::printf("\n  array: %zu Batch array jobs for %ld tasks\n", array_jobs, array_tasks);
  const double peer_calls = static_cast<double>(array_tasks + singles);
  std::printf(
      "  peer (one SubmitJob per task at the same rate, computed): %.0f calls, %.0f s; "
      "ratio %.0fx fewer calls\n",
      peer_calls, peer_calls / tps, peer_calls / static_cast<double>(total_calls));
  if (static_cast<double>(total_peak) > tps) {
    std::printf("  PEAK ABOVE THE CONFIGURED RATE: %zu > %.0f\n", total_peak, tps);
    return 1;
  }
  return 0;
}
