// File: curl_http_client.cpp
// libcurl easy handles in a small pool, sharing one connection cache, DNS cache and TLS session
// cache through a CURLSH, so sequential and concurrent requests reuse connections.
#include "awshpc/aws/curl_http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <mutex>
#include <vector>

#include "awshpc/aws/uri.hpp"

namespace awshpc::aws {

HttpClientOptions HttpClientOptionsFromEnvironment(const Environment& env) {
  HttpClientOptions options;
  const auto either = [&](const char* upper, const char* lower) {
    return env.Get(upper).value_or(env.Get(lower).value_or(""));
  };
  options.ca_bundle = env.Get("AWS_CA_BUNDLE").value_or("");
  options.https_proxy = either("HTTPS_PROXY", "https_proxy");
  options.http_proxy = either("HTTP_PROXY", "http_proxy");
  options.no_proxy = either("NO_PROXY", "no_proxy");
  return options;
}

std::string ProxyFor(const HttpClientOptions& options, std::string_view scheme) {
  return scheme == "https" ? options.https_proxy : options.http_proxy;
}

namespace {

std::once_flag g_curl_init;

// What one transfer accumulates; the callbacks get a pointer to it.
struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse response;
  Status callback_error;
  bool headers_done = false;
};

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t length = size * count;
  std::string_view line(data, length);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    // A new status line (after 100 Continue or a proxy CONNECT): forget earlier headers.
    transfer->response.headers.clear();
    const auto space = line.find(' ');
    transfer->response.status = space == std::string_view::npos
                                    ? 0
                                    : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    transfer->headers_done = false;
  } else if (line.empty()) {
    transfer->headers_done = true;
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    transfer->response.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  return length;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t length = size * count;
  const int status = transfer->response.status;
  if (transfer->request->response_sink && status >= 200 && status < 300) {
    Status status_of_sink = transfer->request->response_sink(std::string_view(data, length));
    if (!status_of_sink.ok()) {
      transfer->callback_error = std::move(status_of_sink);
      return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
    }
  } else {
    transfer->response.body.append(data, length);
  }
  return length;
}

std::size_t OnRead(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  Result<std::size_t> n = transfer->request->body_source(buffer, size * count);
  if (!n.ok()) {
    transfer->callback_error = std::move(n).status();
    return CURL_READFUNC_ABORT;
  }
  return *n;
}

// In-memory bodies go through the same read callback, from this cursor.
struct MemoryBody {
  std::string_view rest;
};

Status MapCurlError(CURLcode code, const char* detail, const std::string& url) {
  const std::string message =
      fmt::format("{}: {}", url, detail[0] != '\0' ? detail : curl_easy_strerror(code));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceededError(message);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    // A reused keep-alive connection died before the response; libcurl would resend on a fresh
    // one but cannot rewind the body callback. As transient as the reset itself.
    case CURLE_SEND_FAIL_REWIND:
      return UnavailableError(message);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      // A certificate that does not verify is not transient: retrying cannot help.
      return FailedPreconditionError(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgumentError(message);
    default:
      return InternalError(message);
  }
}

}  // namespace

struct CurlHttpClient::Impl {
  HttpClientOptions options;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex pool_mutex;
  std::vector<CURL*> idle;
  std::atomic<long> connections{0};

  CURL* Acquire() {
    {
      std::lock_guard lock(pool_mutex);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* handle) {
    std::lock_guard lock(pool_mutex);
    idle.push_back(handle);
  }

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[static_cast<std::size_t>(data)].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[static_cast<std::size_t>(data)].unlock();
  }
};

CurlHttpClient::CurlHttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>()) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->options = std::move(options);
  impl_->share = curl_share_init();
  curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
  curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
  curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

CurlHttpClient::~CurlHttpClient() {
  for (CURL* handle : impl_->idle) curl_easy_cleanup(handle);
  curl_share_cleanup(impl_->share);
}

long CurlHttpClient::connections_opened() const { return impl_->connections.load(); }

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  ASSIGN_OR_RETURN(const Url url, ParseUrl(request.url));
  CURL* curl = impl_->Acquire();
  if (curl == nullptr) return ResourceExhaustedError("curl_easy_init failed");
  // Reset clears the options of the previous request but keeps the handle's caches; live
  // connections stay in the shared connection cache.
  curl_easy_reset(curl);
  const HttpClientOptions& options = impl_->options;
  Transfer transfer;
  transfer.request = &request;
  MemoryBody memory{request.body};
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(curl, CURLOPT_SHARE, impl_->share);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based DNS timeouts
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // redirects are answers, signed requests
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  if (options.request_timeout.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
  }
  // Read timeout: abort when under 1 byte/s for read_timeout (libcurl counts whole seconds).
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>((options.read_timeout.count() + 999) / 1000)));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle.c_str());
  const std::string proxy = ProxyFor(options, url.scheme);
  // An explicit "" stops libcurl from reading proxy variables itself: ProxyFor decided.
  curl_easy_setopt(curl, CURLOPT_PROXY, proxy.c_str());
  if (!options.no_proxy.empty()) curl_easy_setopt(curl, CURLOPT_NOPROXY, options.no_proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);

  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

  const bool has_body = request.body_source || !request.body.empty() || request.method == "PUT" ||
                        request.method == "POST" || request.method == "PATCH";
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (has_body) {
    const std::uint64_t length =
        request.body_source ? request.content_length.value_or(0) : request.body.size();
    if (request.body_source && !request.content_length) {
      impl_->Release(curl);
      return InvalidArgumentError("a streamed request body needs content_length");
    }
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
    if (request.body_source) {
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, &OnRead);
      curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    } else {
      curl_easy_setopt(
          curl, CURLOPT_READFUNCTION,
          +[](char* buffer, std::size_t size, std::size_t count, void* user) {
            auto* body = static_cast<MemoryBody*>(user);
            const std::size_t n = std::min(size * count, body->rest.size());
            body->rest.copy(buffer, n);
            body->rest.remove_prefix(n);
            return n;
          });
      curl_easy_setopt(curl, CURLOPT_READDATA, &memory);
    }
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& header : request.headers) {
    // libcurl writes Content-Length from INFILESIZE itself; a second copy would be invalid.
    if (EqualsIgnoreCase(header.name, "Content-Length")) continue;
    const std::string line =
        header.value.empty() ? header.name + ";" : header.name + ": " + header.value;
    headers = curl_slist_append(headers, line.c_str());
  }
  // Headers libcurl would add on its own: "Expect: 100-continue" costs a round trip per upload,
  // and "Accept: */*" is noise. Empty values remove them.
  if (!FindHeader(request.headers, "Expect")) headers = curl_slist_append(headers, "Expect:");
  if (!FindHeader(request.headers, "Accept")) headers = curl_slist_append(headers, "Accept:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  const CURLcode code = curl_easy_perform(curl);
  long new_connections = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &new_connections);
  impl_->connections += new_connections;
  curl_slist_free_all(headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  impl_->Release(curl);

  if (!transfer.callback_error.ok()) return transfer.callback_error;
  if (code != CURLE_OK) return MapCurlError(code, error_buffer, request.url);
  return std::move(transfer.response);
}

}  // namespace awshpc::aws
