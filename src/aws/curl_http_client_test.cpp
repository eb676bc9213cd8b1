// File: curl_http_client_test.cpp
// CurlHttpClient against tests/tools/loopback_http_server.py on 127.0.0.1 (started here, stopped
// by PID): connection reuse, streaming 64 MiB both ways, timeouts, proxies, TLS verification.
#include "awshpc/aws/curl_http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "awshpc/aws/crypto.hpp"
#include "awshpc/aws/process.hpp"
#include "awshpc/core/clock.hpp"
#include "test_util.hpp"

namespace awshpc::aws {
namespace {

constexpr std::uint64_t k64MiB = 64ull << 20;

class CurlHttpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    server_ = testing::StartLoopbackHttpServer(port_, error);
    ASSERT_TRUE(server_) << error;
  }
  static void TearDownTestSuite() { server_.reset(); }

  static std::string Url(const std::string& target) {
    return "http://127.0.0.1:" + std::to_string(port_) + target;
  }
  static nlohmann::json Json(const HttpResponse& response) {
    return nlohmann::json::parse(response.body);
  }

  static int port_;
  static std::unique_ptr<testing::ChildProcess> server_;
};

int CurlHttpClientTest::port_ = 0;
std::unique_ptr<testing::ChildProcess> CurlHttpClientTest::server_;

TEST_F(CurlHttpClientTest, SendsMethodHeadersAndNoCurlExtras) {
  CurlHttpClient client;
  HttpRequest request;
  request.method = "DELETE";
  request.url = Url("/echo/a%20b?x=1");
  request.headers = {{"X-Amz-Target", "Svc.Op"}, {"Empty", ""}};
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(FindHeader(response->headers, "x-amzn-requestid").value_or("").starts_with("req-"));
  const auto json = Json(*response);
  EXPECT_EQ(json["method"], "DELETE");
  EXPECT_EQ(json["target"], "/echo/a%20b?x=1");
  bool saw_target = false, saw_empty = false;
  for (const auto& header : json["headers"]) {
    const std::string name = header[0];
    EXPECT_FALSE(EqualsIgnoreCase(name, "Expect") || EqualsIgnoreCase(name, "Accept")) << name;
    saw_target |= name == "X-Amz-Target" && header[1] == "Svc.Op";
    saw_empty |= name == "Empty";
  }
  EXPECT_TRUE(saw_target);
  EXPECT_TRUE(saw_empty);
}

TEST_F(CurlHttpClientTest, ReusesOneConnection) {
  CurlHttpClient client;
  int first_connection = -1;
  for (int i = 0; i < 5; ++i) {
    HttpRequest request;
    request.method = i % 2 ? "POST" : "GET";
    request.body = i % 2 ? "Action=X" : "";
    request.url = Url("/echo");
    auto response = client.Send(request);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    const int connection = Json(*response)["connection"];
    if (i == 0) first_connection = connection;
    EXPECT_EQ(connection, first_connection);
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(CurlHttpClientTest, ConcurrentRequestsShareTheConnectionCache) {
  CurlHttpClient client;
  constexpr int kThreads = 4, kRequests = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRequests; ++i) {
        HttpRequest request;
        request.method = "POST";
        request.url = Url("/upload");
        request.body = std::string(1000, 'x');
        auto response = client.Send(request);
        if (response.ok() && response->status == 200 && Json(*response)["bytes"] == 1000) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, kThreads * kRequests);
  // At most one connection per concurrent handle, reused for the rest.
  EXPECT_LE(client.connections_opened(), kThreads);
}

TEST_F(CurlHttpClientTest, InMemoryBodyAndEmptyPut) {
  CurlHttpClient client;
  HttpRequest request;
  request.method = "POST";
  request.url = Url("/upload");
  request.body = "hello";
  request.headers = {{"Content-Length", "5"}};
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(Json(*response)["bytes"], 5);
  EXPECT_EQ(Json(*response)["sha256"], Sha256Hex("hello"));
  request.method = "PUT";
  request.body.clear();
  response = client.Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(Json(*response)["bytes"], 0);
}

bool UnderSanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

TEST_F(CurlHttpClientTest, StreamsA64MiBUploadWithoutHoldingIt) {
  CurlHttpClient client;
  std::uint64_t produced = 0;
  std::size_t largest_chunk = 0;
  Sha256Hasher hasher;
  HttpRequest request;
  request.method = "PUT";
  request.url = Url("/upload");
  request.content_length = k64MiB;
  request.body_source = [&](char* buffer, std::size_t size) -> Result<std::size_t> {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(size, k64MiB - produced));
    for (std::size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>((produced + i) % 251);
    hasher.Update(std::string_view(buffer, n));
    produced += n;
    largest_chunk = std::max(largest_chunk, size);
    return n;
  };
  const long rss_before = testing::PeakRssKib();
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(Json(*response)["bytes"], k64MiB);
  EXPECT_EQ(Json(*response)["sha256"], hasher.FinishHex());
  EXPECT_LE(largest_chunk, 1u << 20);  // libcurl asks for buffer-sized pieces
  if (!UnderSanitizer()) {
    EXPECT_LT(testing::PeakRssKib() - rss_before, 16 * 1024);
  }
}

TEST_F(CurlHttpClientTest, StreamsA64MiBDownloadIntoASink) {
  CurlHttpClient client;
  std::uint64_t received = 0;
  bool pattern_ok = true;
  HttpRequest request;
  request.url = Url("/download?bytes=" + std::to_string(k64MiB));
  request.response_sink = [&](std::string_view chunk) {
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      pattern_ok &= static_cast<unsigned char>(chunk[i]) == (received + i) % 251;
    }
    received += chunk.size();
    return Status::Ok();
  };
  const long rss_before = testing::PeakRssKib();
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(received, k64MiB);
  EXPECT_TRUE(pattern_ok);
  EXPECT_TRUE(response->body.empty());
  if (!UnderSanitizer()) {
    EXPECT_LT(testing::PeakRssKib() - rss_before, 16 * 1024);
  }
}

TEST_F(CurlHttpClientTest, ErrorBodiesBypassTheSinkAndSinkErrorsAbort) {
  CurlHttpClient client;
  HttpRequest request;
  request.url = Url("/status?code=503");
  int sink_calls = 0;
  request.response_sink = [&](std::string_view) {
    ++sink_calls;
    return Status::Ok();
  };
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_NE(response->body.find("<Code>Test</Code>"), std::string::npos);
  EXPECT_EQ(sink_calls, 0);

  request.url = Url("/download?bytes=1000000");
  request.response_sink = [](std::string_view) { return CancelledError("disk full"); };
  EXPECT_EQ(client.Send(request).status(), CancelledError("disk full"));
}

TEST_F(CurlHttpClientTest, ReadAndRequestTimeouts) {
  HttpClientOptions options;
  options.read_timeout = std::chrono::milliseconds(1000);
  CurlHttpClient client(options);
  HttpRequest request;
  request.url = Url("/slow?ms=4000");
  double start = MonotonicSeconds();
  EXPECT_EQ(client.Send(request).status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(MonotonicSeconds() - start, 3.0);

  options.request_timeout = std::chrono::milliseconds(300);
  CurlHttpClient strict(options);
  start = MonotonicSeconds();
  EXPECT_EQ(strict.Send(request).status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(MonotonicSeconds() - start, 1.5);
}

TEST_F(CurlHttpClientTest, RefusedConnectionIsUnavailable) {
  CurlHttpClient client;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort()) + "/";
  EXPECT_EQ(client.Send(request).status().code(), StatusCode::kUnavailable);
}

TEST_F(CurlHttpClientTest, UsesTheProxyAndHonoursNoProxy) {
  HttpClientOptions options;
  options.http_proxy = Url("");
  CurlHttpClient client(options);
  HttpRequest request;
  // Never resolved: with an HTTP proxy only the proxy (on loopback) is contacted.
  request.url = "http://awshpc-test.invalid/echo";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(Json(*response)["target"], "http://awshpc-test.invalid/echo");

  options.http_proxy = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  options.no_proxy = "localhost,127.0.0.1";
  CurlHttpClient bypass(options);
  request.url = Url("/echo");
  response = bypass.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(Json(*response)["target"], "/echo");
}

TEST(HttpClientOptionsTest, FromEnvironment) {
  MapEnvironment env({{"AWS_CA_BUNDLE", "/etc/ca.pem"},
                      {"https_proxy", "http://proxy:3128"},
                      {"HTTP_PROXY", "http://p2:8080"},
                      {"NO_PROXY", "169.254.169.254"}});
  const HttpClientOptions options = HttpClientOptionsFromEnvironment(env);
  EXPECT_TRUE(options.verify_tls);
  EXPECT_EQ(options.ca_bundle, "/etc/ca.pem");
  EXPECT_EQ(ProxyFor(options, "https"), "http://proxy:3128");
  EXPECT_EQ(ProxyFor(options, "http"), "http://p2:8080");
  EXPECT_EQ(options.no_proxy, "169.254.169.254");
  EXPECT_TRUE(HttpClientOptionsFromEnvironment(MapEnvironment()).verify_tls);
}

TEST(CurlTlsTest, VerifiesCertificatesAndAcceptsACaBundle) {
  ASSERT_TRUE(testing::HaveProgram("openssl")) << "openssl is missing: install Debian openssl";
  testing::TempDir dir;
  const std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  auto made =
      RunProcess({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days",
                  "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_TRUE(made.ok() && made->exit_code == 0) << (made.ok() ? made->err : "");
  const int port = testing::FreeLoopbackPort();
  testing::ChildProcess server({"python3",
                                testing::SourcePath("tests/tools/loopback_http_server.py"),
                                std::to_string(port), cert, key});
  ASSERT_TRUE(testing::WaitForPort(port, 10'000));
  HttpRequest request;
  request.url = "https://127.0.0.1:" + std::to_string(port) + "/echo";

  CurlHttpClient strict;  // the default: verification on, system CA store
  EXPECT_EQ(strict.Send(request).status().code(), StatusCode::kFailedPrecondition);

  HttpClientOptions options;
  options.ca_bundle = cert;
  CurlHttpClient trusting(options);
  auto response = trusting.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace awshpc::aws
