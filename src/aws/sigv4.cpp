// File: sigv4.cpp
// Tasks 2-4 of SigV4 (string to sign, signing key, signature) and where each value goes in the
// request; the canonical request itself is in canonical_request.cpp.
#include "awshpc/aws/sigv4.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <utility>
#include <vector>

#include "awshpc/aws/canonical_request.hpp"
#include "awshpc/aws/crypto.hpp"
#include "awshpc/aws/uri.hpp"

namespace awshpc::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
// Only correct when the difference is this large: small drift is harmless (AWS allows 15 min)
// and a noisy Date header must not make things worse.
constexpr std::int64_t kMinSkewCorrectionMs = 60'000;

std::string CredentialScope(std::string_view date, const SigningParams& params) {
  return fmt::format("{}/{}/{}/aws4_request", date, params.region, params.service);
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  return fmt::format("{}\n{}\n{}\n{}", kAlgorithm, amz_date, scope, Sha256Hex(canonical_request));
}

Status CheckCredentials(const Credentials& credentials) {
  if (credentials.empty()) return FailedPreconditionError("no AWS credentials to sign with");
  return Status::Ok();
}

}  // namespace

std::string FormatAmzDate(UnixMillis time) {
  std::time_t seconds = static_cast<std::time_t>(time / 1000);
  if (time % 1000 < 0) seconds -= 1;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04d}{:02d}{:02d}T{:02d}{:02d}{:02d}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  const std::string k_date = HmacSha256(fmt::format("AWS4{}", secret), date);
  const std::string k_region = HmacSha256(k_date, region);
  const std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, "aws4_request");
}

Result<UnixMillis> ParseHttpDate(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char weekday[4] = {}, month[4] = {}, zone[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", weekday, &day, month, &year, &hour,
                  &minute, &second, zone) != 8 ||
      std::string_view(zone) != "GMT") {
    return InvalidArgumentError(fmt::format("'{}' is not an HTTP date", text));
  }
  int month_index = -1;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == month) month_index = static_cast<int>(i);
  }
  if (month_index < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return InvalidArgumentError(fmt::format("'{}' is not an HTTP date", text));
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month_index;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<UnixMillis>(timegm(&tm)) * 1000;
}

bool IsClockSkewError(std::string_view code) {
  static constexpr std::string_view kCodes[] = {
      "RequestTimeTooSkewed",      "RequestExpired",        "RequestInTheFuture",
      "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"};
  for (auto known : kCodes) {
    if (code == known) return true;
  }
  return false;
}

SigV4Signer::SigV4Signer(SigningParams params, const Clock& clock)
    : params_(std::move(params)), clock_(clock) {}

std::string SigV4Signer::SignString(const Credentials& credentials, std::string_view date,
                                    std::string_view string_to_sign) const {
  const std::string key =
      DeriveSigningKey(credentials.secret_access_key, date, params_.region, params_.service);
  return HexEncode(HmacSha256(key, string_to_sign));
}

Result<SignatureParts> SigV4Signer::Sign(HttpRequest& request,
                                         const Credentials& credentials) const {
  RETURN_IF_ERROR(CheckCredentials(credentials));
  ASSIGN_OR_RETURN_CTX(Url url, ParseUrl(request.url), "signing request");
  const std::string amz_date = FormatAmzDate(Now());
  const std::string date = amz_date.substr(0, 8);

  RemoveHeader(request.headers, "Authorization");
  if (!FindHeader(request.headers, "Host")) SetHeader(request.headers, "Host", url.HostHeader());
  SetHeader(request.headers, "X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    SetHeader(request.headers, "X-Amz-Security-Token", credentials.session_token);
  }

  std::string payload_hash;
  if (auto given = FindHeader(request.headers, "X-Amz-Content-SHA256")) {
    payload_hash = *given;
  } else if (params_.unsigned_payload) {
    payload_hash = kUnsignedPayload;
  } else if (request.body_source) {
    return InvalidArgumentError(
        "a streamed body needs an X-Amz-Content-SHA256 header or an unsigned payload");
  } else {
    payload_hash = Sha256Hex(request.body);
  }
  if (params_.s3) SetHeader(request.headers, "X-Amz-Content-SHA256", payload_hash);

  SignatureParts parts;
  const CanonicalHeaders headers = BuildCanonicalHeaders(request.headers);
  parts.canonical_request =
      BuildCanonicalRequest(request.method, CanonicalUri(url.path, params_.s3),
                            CanonicalQuery(url.query), headers, payload_hash);
  const std::string scope = CredentialScope(date, params_);
  parts.string_to_sign = StringToSign(amz_date, scope, parts.canonical_request);
  parts.signature = SignString(credentials, date, parts.string_to_sign);
  parts.authorization =
      fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", kAlgorithm,
                  credentials.access_key_id, scope, headers.signed_names, parts.signature);
  request.headers.push_back({"Authorization", parts.authorization});
  return parts;
}

Result<SignatureParts> SigV4Signer::Presign(const HttpRequest& request,
                                            const Credentials& credentials,
                                            std::chrono::seconds expires) const {
  RETURN_IF_ERROR(CheckCredentials(credentials));
  if (expires.count() < 1 || expires.count() > 7 * 24 * 3600) {
    return InvalidArgumentError("a presigned URL expires after 1 second to 7 days");
  }
  ASSIGN_OR_RETURN_CTX(Url url, ParseUrl(request.url), "presigning request");
  const std::string amz_date = FormatAmzDate(Now());
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = CredentialScope(date, params_);

  HttpHeaders signed_headers;
  for (const auto& header : request.headers) {
    if (!EqualsIgnoreCase(header.name, "Authorization") &&
        !EqualsIgnoreCase(header.name, "X-Amz-Date")) {
      signed_headers.push_back(header);
    }
  }
  if (!FindHeader(signed_headers, "Host")) signed_headers.push_back({"Host", url.HostHeader()});
  const CanonicalHeaders headers = BuildCanonicalHeaders(signed_headers);

  std::vector<std::pair<std::string, std::string>> auth = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential", fmt::format("{}/{}", credentials.access_key_id, scope)},
      {"X-Amz-Date", amz_date},
      {"X-Amz-Expires", std::to_string(expires.count())},
      {"X-Amz-SignedHeaders", headers.signed_names}};
  if (!credentials.session_token.empty()) {
    auth.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  // Operation parameters first, then the authentication ones (botocore's order; the order of
  // the URL does not change the signature, the canonical query is sorted).
  url.query = url.query.empty() ? EncodeQuery(auth) : url.query + "&" + EncodeQuery(auth);

  // A presigned URL is used later by someone else: S3 cannot know the body, other services sign
  // the (usually empty) body given now.
  const std::string payload_hash = params_.s3 || params_.unsigned_payload
                                       ? std::string(kUnsignedPayload)
                                       : Sha256Hex(request.body);
  SignatureParts parts;
  parts.canonical_request =
      BuildCanonicalRequest(request.method, CanonicalUri(url.path, params_.s3),
                            CanonicalQuery(url.query), headers, payload_hash);
  parts.string_to_sign = StringToSign(amz_date, scope, parts.canonical_request);
  parts.signature = SignString(credentials, date, parts.string_to_sign);
  url.query += "&X-Amz-Signature=" + parts.signature;
  parts.url = url.ToString();
  return parts;
}

bool SigV4Signer::AdjustClockSkew(std::string_view error_code, const HttpResponse& response) {
  if (!IsClockSkewError(error_code)) return false;
  const auto date = FindHeader(response.headers, "Date");
  if (!date) return false;
  const Result<UnixMillis> server_time = ParseHttpDate(*date);
  if (!server_time.ok()) return false;
  const std::int64_t skew = *server_time - clock_.NowMillis();
  const std::int64_t change = skew - skew_ms_.load();
  if (change > -kMinSkewCorrectionMs && change < kMinSkewCorrectionMs) return false;
  skew_ms_.store(skew);
  return true;
}

}  // namespace awshpc::aws
