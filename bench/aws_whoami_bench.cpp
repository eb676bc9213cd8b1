// File: aws_whoami_bench.cpp
// The AWS client's cost, each side by side with a peer against the same moto_server on
// 127.0.0.1 (moto's app behind a keep-alive HTTP/1.1 front, started here, stopped by PID;
// fake credentials):
//   1. `aws-hpc aws whoami` against `aws sts get-caller-identity` (awscli v1) as whole
//      processes: median and p95 of RUNS runs each, interleaved;
//   2. in-process Batch DescribeJobs calls per second over one CurlHttpClient (connections
//      reused) against a new client, hence a new TCP connection, for every call.
// Usage: aws_whoami_bench BIN_DIR [RUNS] [SECONDS]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "../src/aws/test_util.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/protocols/query.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/core/clock.hpp"
#include "bench_util.hpp"

namespace {

using awshpc::MonotonicSeconds;
namespace aws = awshpc::aws;
using awshpc::bench::Die;
using awshpc::bench::Stats;
using awshpc::bench::Summarise;
using awshpc::bench::TimedRunMs;

template <typename T>
T Must(awshpc::Result<T> result, const char* what) {
  if (!result.ok()) Die(std::string(what) + ": " + result.status().ToString());
  return std::move(result).value();
}

// A queue with a few jobs in moto's Batch; returns their ids.
std::vector<std::string> PrepareBatch(aws::AwsContext& context, const std::string& url) {
  aws::HttpRequest config;
  config.method = "POST";
  config.url = url + "/moto-api/config";
  config.body = R"({"batch":{"use_docker":false}})";
  Must(context.http().Send(config), "moto-api/config");
  static constexpr aws::ServiceInfo kIam{"IAM", "iam", "iam", true};
  auto iam = Must(context.MakeClient(kIam, aws::Protocol::kQuery), "iam client");
  aws::protocols::QueryParams params;
  params.Add("RoleName", "bench-role");
  params.Add("AssumeRolePolicyDocument", "{}");
  auto role =
      Must(iam->Send("CreateRole",
                     [&]() -> awshpc::Result<aws::HttpRequest> {
                       return aws::protocols::MakeQueryRequest("CreateRole", "2010-05-08", params);
                     }),
           "CreateRole");
  auto doc = Must(aws::protocols::XmlDocument::Parse(role.body, "CreateRole"), "CreateRole");
  const std::string role_arn = aws::protocols::XmlText(doc.root(), "CreateRoleResult/Role/Arn");
  auto batch = Must(aws::batch::BatchClient::Create(context), "batch client");
  aws::batch::CreateComputeEnvironmentRequest ce;
  ce.compute_environment_name = "bench-ce";
  ce.type = "UNMANAGED";
  ce.state = "ENABLED";
  ce.service_role = role_arn;
  auto created = Must(batch.CreateComputeEnvironment(ce), "CreateComputeEnvironment");
  aws::batch::CreateJobQueueRequest queue;
  queue.job_queue_name = "bench-queue";
  queue.state = "ENABLED";
  queue.compute_environment_order = {{1, created.compute_environment_arn}};
  Must(batch.CreateJobQueue(queue), "CreateJobQueue");
  aws::batch::RegisterJobDefinitionRequest definition;
  definition.job_definition_name = "bench-def";
  definition.container_properties = aws::batch::ContainerProperties{};
  definition.container_properties->image = "busybox";
  definition.container_properties->command = {"true"};
  definition.container_properties->resource_requirements = {{"VCPU", "1"}, {"MEMORY", "128"}};
  Must(batch.RegisterJobDefinition(definition), "RegisterJobDefinition");
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    aws::batch::SubmitJobRequest job;
    job.job_name = "bench-" + std::to_string(i);
    job.job_queue = "bench-queue";
    job.job_definition = "bench-def";
    ids.push_back(Must(batch.SubmitJob(job), "SubmitJob").job_id);
  }
  return ids;
}

}  // namespace

int main(int argc, char** argv) {
  awshpc::bench::program_name = "aws_whoami_bench";
  if (argc < 2) Die("usage: aws_whoami_bench BIN_DIR [RUNS] [SECONDS]");
  const std::string aws_hpc = std::string(argv[1]) + "/aws-hpc";
  const int runs = argc > 2 ? std::atoi(argv[2]) : 21;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 3.0;
  if (!aws::testing::HaveProgram("moto_server")) Die("moto_server is missing (python3-moto)");
  if (!aws::testing::HaveProgram("aws")) Die("aws (awscli) is missing");

  const int port = aws::testing::FreeLoopbackPort();
  // moto_server's own entry point (werkzeug) closes every connection, even over HTTP/1.1. The
  // same moto app behind this small keep-alive HTTP/1.1 front lets connection reuse show.
  static constexpr const char* kMotoKeepAlive = R"PY(
import io, socket, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from moto.server import DomainDispatcherApplication, create_backend_app
app = DomainDispatcherApplication(create_backend_app)
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def setup(self):
        super().setup()
        # Headers and body leave in two writes: without this, Nagle waits for a delayed ACK.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        env = {"REQUEST_METHOD": self.command, "QUERY_STRING": query,
               "PATH_INFO": urllib.parse.unquote_to_bytes(path).decode("latin-1"),
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(self.server.server_port),
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "CONTENT_LENGTH": str(length), "CONTENT_TYPE": self.headers.get("Content-Type", ""),
               "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
               "wsgi.url_scheme": "http", "wsgi.multithread": True, "wsgi.multiprocess": False,
               "wsgi.run_once": False}
        for name, value in self.headers.items():
            key = "HTTP_" + name.upper().replace("-", "_")
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                env[key] = value
        started = []
        def start_response(status, headers, exc_info=None):
            started[:] = [status, headers]
        out = b"".join(app(env, start_response))
        self.send_response(int(started[0].split()[0]))
        for name, value in started[1]:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)
    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
)PY";
  aws::testing::ChildProcess moto({"python3", "-c", kMotoKeepAlive, std::to_string(port)});
  if (!aws::testing::WaitForPort(port, 30'000)) Die("moto_server did not start");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  aws::testing::TempDir dir;
  // Both sides read the same environment: fake keys, one region, every service on moto.
  setenv("AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "fake-secret", 1);
  setenv("AWS_REGION", "us-east-1", 1);
  setenv("AWS_DEFAULT_REGION", "us-east-1", 1);  // awscli v1 reads only this one
  setenv("AWS_ENDPOINT_URL", url.c_str(), 1);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  setenv("AWS_CONFIG_FILE", (dir.path() + "/config").c_str(), 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", (dir.path() + "/credentials").c_str(), 1);
  unsetenv("AWS_PROFILE");
  unsetenv("AWS_SESSION_TOKEN");

  // 1. whole-process latency, interleaved so both sides see the same machine load.
  const std::vector<std::string> ours = {aws_hpc, "aws", "whoami"};
  const std::vector<std::string> peer = {"aws", "sts", "get-caller-identity"};
  TimedRunMs(ours);  // warm moto's STS backend and the page cache
  TimedRunMs(peer);
  std::vector<double> ours_ms, peer_ms;
  for (int i = 0; i < runs; ++i) {
    ours_ms.push_back(TimedRunMs(ours));
    peer_ms.push_back(TimedRunMs(peer));
  }
  const Stats a = Summarise(ours_ms);
  const Stats b = Summarise(peer_ms);
  std::printf("whoami, whole process, %d runs each (moto_server on loopback)\n", runs);
  std::printf("  aws-hpc aws whoami              median %7.1f ms  p95 %7.1f ms\n", a.median, a.p95);
  std::printf("  aws sts get-caller-identity     median %7.1f ms  p95 %7.1f ms\n", b.median, b.p95);
  std::printf("  ratio (median)                  %.1fx faster\n", b.median / a.median);

  // 2. DescribeJobs call rate with and without connection reuse.
  auto context = Must(aws::AwsContext::Create(), "AwsContext");
  const std::vector<std::string> ids = PrepareBatch(*context, url);
  aws::StaticCredentialsProvider credentials(
      aws::Credentials{"AKIDFAKEFAKEFAKE", "fake-secret", "", {}, "bench"});
  aws::ServiceConfig config;
  config.service = "batch";
  config.signing_name = "batch";
  config.endpoint = {url, "us-east-1", "bench"};
  config.protocol = aws::Protocol::kRestJson;

  auto rate = [&](bool reuse, long& connections) {
    aws::CurlHttpClient shared;
    int calls = 0;
    connections = 0;
    const double start = MonotonicSeconds();
    while (MonotonicSeconds() - start < seconds) {
      std::unique_ptr<aws::CurlHttpClient> fresh;
      if (!reuse) fresh = std::make_unique<aws::CurlHttpClient>();
      aws::CurlHttpClient& http = reuse ? shared : *fresh;
      aws::batch::BatchClient batch(std::make_unique<aws::AwsClient>(config, http, &credentials));
      auto described = batch.DescribeJobs({ids});
      if (!described.ok() || described->jobs.size() != ids.size()) Die("DescribeJobs failed");
      ++calls;
      if (!reuse) connections += fresh->connections_opened();
    }
    if (reuse) connections = shared.connections_opened();
    return calls / (MonotonicSeconds() - start);
  };
  long reused_connections = 0, fresh_connections = 0;
  const double with_reuse = rate(true, reused_connections);
  const double without_reuse = rate(false, fresh_connections);
  std::printf("Batch DescribeJobs (10 jobs) in process, %.0f s each\n", seconds);
  std::printf("  one CurlHttpClient (reuse)      %7.1f calls/s  (%ld connections)\n", with_reuse,
              reused_connections);
  std::printf("  new client per call (no reuse)  %7.1f calls/s  (%ld connections)\n", without_reuse,
              fresh_connections);
  std::printf("  ratio                           %.2fx\n", with_reuse / without_reuse);
  return 0;
}
