// File: registry.cpp
// Pushing to an OCI registry and to Amazon ECR, and reading manifests back to check.
#include "awshpc/container/registry.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "awshpc/aws/crypto.hpp"
#include "awshpc/core/text.hpp"

namespace awshpc::container {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kManifestTypes =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// Untagged images (replaced tags) go after 14 days; at most 100 images are kept per repository.
constexpr std::string_view kLifecyclePolicy =
    R"({"rules":[{"rulePriority":1,"description":"aws-hpc: expire untagged images after 14 days",)"
    R"("selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days",)"
    R"("countNumber":14},"action":{"type":"expire"}},{"rulePriority":2,)"
    R"("description":"aws-hpc: keep the newest 100 images","selection":{"tagStatus":"any",)"
    R"("countType":"imageCountMoreThan","countNumber":100},"action":{"type":"expire"}}]})";

bool IsLoopbackHost(std::string_view host_port) {
  std::string_view host = host_port;
  if (host.starts_with("[")) {
    host = host.substr(0, host.find(']') + 1);
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

// Writes a containers-auth.json holding the ECR token, readable by the owner only.
Status WriteAuthFile(const std::string& path, const std::string& host, const std::string& token) {
  const std::string body = nlohmann::json{{"auths", {{host, {{"auth", token}}}}}}.dump();
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("create " + path, errno);
  const ssize_t n = write(fd, body.data(), body.size());
  const int saved = errno;
  close(fd);
  if (n != static_cast<ssize_t>(body.size())) return ErrnoError("write " + path, saved);
  return Status::Ok();
}

// Where the layers go and the auth file for them: ECR's registry endpoint with a token from
// GetAuthorizationToken, or the registry standing in for it (no auth file).
struct EcrLogin {
  RegistryRef target;
  std::string authfile;
};

Result<EcrLogin> LogInToEcr(aws::ecr::EcrClient& ecr, const EcrPushOptions& options) {
  ASSIGN_OR_RETURN_CTX(aws::ecr::GetAuthorizationTokenResult auth, ecr.GetAuthorizationToken(),
                       "ECR GetAuthorizationToken");
  if (auth.authorization_data.empty()) {
    return InternalError("ECR GetAuthorizationToken returned no authorization data");
  }
  const aws::ecr::AuthorizationData& token = auth.authorization_data.front();
  EcrLogin login;
  if (!options.registry_override.empty()) {
    ASSIGN_OR_RETURN(login.target, ParseRegistry(options.registry_override));
    return login;
  }
  ASSIGN_OR_RETURN_CTX(login.target, ParseRegistry(token.proxy_endpoint), "ECR proxy endpoint");
  login.authfile = (fs::path(options.work_dir.empty() ? "/tmp" : options.work_dir) /
                    fmt::format("ecr-auth-{}.json", getpid()))
                       .string();
  RETURN_IF_ERROR(WriteAuthFile(login.authfile, login.target.host, token.authorization_token));
  return login;
}

}  // namespace

std::string RegistryRef::Repository(std::string_view repository) const {
  return prefix.empty() ? fmt::format("{}/{}", host, repository)
                        : fmt::format("{}/{}/{}", host, prefix, repository);
}

Result<RegistryRef> ParseRegistry(std::string_view text) {
  std::string_view rest = text;
  for (std::string_view scheme : {"https://", "http://", "docker://"}) {
    if (rest.starts_with(scheme)) rest.remove_prefix(scheme.size());
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  RegistryRef ref;
  const std::size_t slash = rest.find('/');
  ref.host = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) ref.prefix = std::string(rest.substr(slash + 1));
  const bool host_like = ref.host == "localhost" || ref.host.find('.') != std::string::npos ||
                         ref.host.find(':') != std::string::npos;
  const bool clean = std::all_of(ref.host.begin(), ref.host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
  const bool clean_prefix = std::all_of(ref.prefix.begin(), ref.prefix.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
           c == '/';
  });
  if (ref.host.empty() || !host_like || !clean || !clean_prefix) {
    return InvalidArgumentError(
        fmt::format("--push {}: expected a registry as host[:port][/prefix] (e.g. 127.0.0.1:5000, "
                    "registry.example.com/team) or ecr",
                    QuoteForMessage(text)));
  }
  ref.loopback = IsLoopbackHost(ref.host);
  return ref;
}

Result<Manifest> FetchManifest(aws::HttpClient& http, const RegistryRef& registry,
                               std::string_view repository, std::string_view reference) {
  aws::HttpRequest request;
  request.method = "GET";
  const std::string path = registry.prefix.empty()
                               ? std::string(repository)
                               : registry.prefix + "/" + std::string(repository);
  request.url = fmt::format("{}://{}/v2/{}/manifests/{}", registry.loopback ? "http" : "https",
                            registry.host, path, reference);
  aws::SetHeader(request.headers, "Accept", std::string(kManifestTypes));
  ASSIGN_OR_RETURN_CTX(aws::HttpResponse response, http.Send(request), "GET " + request.url);
  if (response.status == 404) {
    return NotFoundError(fmt::format("{} has no manifest {}:{}", registry.host, path, reference));
  }
  if (response.status != 200) {
    return UnavailableError(fmt::format("GET {}: HTTP {}", request.url, response.status));
  }
  Manifest manifest;
  manifest.body = std::move(response.body);
  manifest.digest = "sha256:" + aws::Sha256Hex(manifest.body);
  manifest.media_type = aws::FindHeader(response.headers, "Content-Type").value_or("");
  if (const auto served = aws::FindHeader(response.headers, "Docker-Content-Digest");
      served && *served != manifest.digest) {
    return InternalError(fmt::format("{} says the manifest digest is {}, its bytes hash to {}",
                                     registry.host, *served, manifest.digest));
  }
  return manifest;
}

Result<PushResult> PushToRegistry(const BuildDriver& driver, aws::HttpClient& http,
                                  const std::string& local_ref, const RegistryRef& registry,
                                  std::string_view repository, std::string_view tag,
                                  const std::string& log_path) {
  PushResult result;
  result.destination = fmt::format("{}:{}", registry.Repository(repository), tag);
  ASSIGN_OR_RETURN_CTX(result.digest,
                       driver.Push(local_ref, result.destination, !registry.loopback, "", log_path),
                       "pushing " + local_ref);
  // The registry itself must now serve what the tool says it pushed.
  ASSIGN_OR_RETURN(Manifest manifest, FetchManifest(http, registry, repository, tag));
  if (manifest.digest != result.digest) {
    return InternalError(fmt::format("{} serves {} as {}, but the push reported {}", registry.host,
                                     result.destination, manifest.digest, result.digest));
  }
  return result;
}

Result<EcrPushResult> PushToEcr(aws::ecr::EcrClient& ecr, const BuildDriver& driver,
                                aws::HttpClient& http, const std::string& local_ref,
                                const EcrPushOptions& options) {
  EcrPushResult result;
  // The repository, created with scan-on-push when missing.
  aws::ecr::DescribeRepositoriesRequest describe;
  describe.repository_names = {options.repository};
  auto described = ecr.DescribeRepositories(describe);
  if (described.ok() && !described->repositories.empty()) {
    result.repository_uri = described->repositories.front().repository_uri;
  } else if (!described.ok() && described.status().code() != StatusCode::kNotFound) {
    return described.status().WithContext("ECR DescribeRepositories " + options.repository);
  } else {
    aws::ecr::CreateRepositoryRequest create;
    create.repository_name = options.repository;
    create.image_tag_mutability = "MUTABLE";
    create.scan_on_push = true;
    create.tags = {{"created-by", "aws-hpc"}};
    ASSIGN_OR_RETURN_CTX(aws::ecr::CreateRepositoryResult created, ecr.CreateRepository(create),
                         "ECR CreateRepository " + options.repository);
    result.repository_uri = created.repository.repository_uri;
    result.repository_created = true;
    result.scan_on_push = true;
  }

  if (!result.repository_created && !described->repositories.empty()) {
    result.scan_on_push = described->repositories.front().scan_on_push.value_or(false);
  }
  // The lifecycle policy, when the repository has none yet (one set by hand is kept).
  aws::ecr::GetLifecyclePolicyRequest get_policy;
  get_policy.repository_name = options.repository;
  auto policy = ecr.GetLifecyclePolicy(get_policy);
  if (!policy.ok() && policy.status().code() != StatusCode::kNotFound) {
    return policy.status().WithContext("ECR GetLifecyclePolicy " + options.repository);
  }
  if (!policy.ok()) {
    aws::ecr::PutLifecyclePolicyRequest put_policy;
    put_policy.repository_name = options.repository;
    put_policy.lifecycle_policy_text = std::string(kLifecyclePolicy);
    RETURN_IF_ERROR_CTX(ecr.PutLifecyclePolicy(put_policy).status(),
                        "ECR PutLifecyclePolicy " + options.repository);
    result.lifecycle_policy_set = true;
  }

  ASSIGN_OR_RETURN(EcrLogin login, LogInToEcr(ecr, options));
  const RegistryRef& target = login.target;
  const std::string& authfile = login.authfile;
  result.pushed_to = target.host;
  const std::string destination =
      fmt::format("{}:{}", target.Repository(options.repository), options.tag);
  auto digest = driver.Push(local_ref, destination, !target.loopback, authfile, options.log_path);
  if (!authfile.empty()) {
    std::error_code ec;
    fs::remove(authfile, ec);
  }
  if (!digest.ok()) return digest.status().WithContext("pushing " + local_ref);
  result.digest = *digest;

  if (!options.registry_override.empty()) {
    // The layers went to a registry standing in for ECR's: register the manifest with ECR.
    ASSIGN_OR_RETURN(Manifest manifest,
                     FetchManifest(http, target, options.repository, options.tag));
    if (manifest.digest != result.digest) {
      return InternalError(fmt::format("{} serves digest {}, the push reported {}", target.host,
                                       manifest.digest, result.digest));
    }
    aws::ecr::PutImageRequest put_request;
    put_request.repository_name = options.repository;
    put_request.image_manifest = manifest.body;
    put_request.image_manifest_media_type = manifest.media_type;
    put_request.image_tag = options.tag;
    auto put = ecr.PutImage(put_request);
    if (!put.ok() && put.status().code() != StatusCode::kAlreadyExists) {
      return put.status().WithContext("ECR PutImage " + options.repository);
    }
    result.registered_with_put_image = true;
  }

  // Check: ECR lists the tag.
  aws::ecr::DescribeImagesRequest describe_images;
  describe_images.repository_name = options.repository;
  describe_images.image_ids.push_back({"", options.tag});
  ASSIGN_OR_RETURN_CTX(aws::ecr::DescribeImagesResult images, ecr.DescribeImages(describe_images),
                       "ECR DescribeImages " + options.repository);
  if (images.image_details.empty()) {
    return InternalError(
        fmt::format("ECR does not list {}:{} after the push", options.repository, options.tag));
  }
  const aws::ecr::ImageDetail& detail = images.image_details.front();
  result.size_bytes = detail.image_size_in_bytes;
  // Real ECR computes the digest from the manifest bytes: it must match the push. A manifest
  // registered with PutImage gets the digest its server computes (moto's is not the manifest's
  // SHA-256), so there only the tag is checked.
  if (!result.registered_with_put_image && detail.image_digest != result.digest) {
    return InternalError(fmt::format("ECR lists {}:{} as {}, the push reported {}",
                                     options.repository, options.tag, detail.image_digest,
                                     result.digest));
  }
  return result;
}

std::string OciImageIndex(const std::vector<std::pair<Manifest, std::string>>& manifests) {
  nlohmann::ordered_json index = {{"schemaVersion", 2},
                                  {"mediaType", kOciIndexMediaType},
                                  {"manifests", nlohmann::ordered_json::array()}};
  for (const auto& [manifest, platform] : manifests) {
    // "os/arch[/variant]": arm64's variant is v8 by convention, left out as buildah does.
    std::vector<std::string> parts;
    for (std::size_t start = 0; start <= platform.size();) {
      const std::size_t slash = std::min(platform.find('/', start), platform.size());
      parts.push_back(platform.substr(start, slash - start));
      start = slash + 1;
    }
    nlohmann::ordered_json entry = {{"mediaType", manifest.media_type},
                                    {"digest", manifest.digest},
                                    {"size", manifest.body.size()}};
    nlohmann::ordered_json where = {{"architecture", parts.size() > 1 ? parts[1] : ""},
                                    {"os", parts.empty() ? "" : parts[0]}};
    if (parts.size() > 2) where["variant"] = parts[2];
    entry["platform"] = where;
    index["manifests"].push_back(entry);
  }
  return index.dump();
}

Result<EcrIndexResult> PushIndexToEcr(aws::ecr::EcrClient& ecr, const BuildDriver& driver,
                                      aws::HttpClient& http, const std::vector<IndexImage>& images,
                                      const EcrPushOptions& options) {
  if (images.size() < 2) {
    return InvalidArgumentError(
        fmt::format("a manifest list of {} needs two images or more, got {}", options.repository,
                    images.size()));
  }
  EcrIndexResult result;
  aws::ecr::DescribeRepositoriesRequest describe;
  describe.repository_names = {options.repository};
  ASSIGN_OR_RETURN_CTX(aws::ecr::DescribeRepositoriesResult described,
                       ecr.DescribeRepositories(describe),
                       "ECR DescribeRepositories " + options.repository);
  if (!described.repositories.empty()) {
    result.repository_uri = described.repositories.front().repository_uri;
  }
  ASSIGN_OR_RETURN(EcrLogin login, LogInToEcr(ecr, options));
  result.manifests = images.size();
  if (options.registry_override.empty()) {
    // ECR's own registry API: the build tool pushes the list (its images are there already).
    std::vector<std::string> refs;
    for (const IndexImage& image : images) refs.push_back(image.local_ref);
    const std::string destination =
        fmt::format("{}:{}", login.target.Repository(options.repository), options.tag);
    auto digest = driver.PushManifestList("aws-hpc-list/" + options.repository + ":" + options.tag,
                                          refs, destination, !login.target.loopback, login.authfile,
                                          options.log_path);
    std::error_code ec;
    fs::remove(login.authfile, ec);
    if (!digest.ok()) {
      return digest.status().WithContext("pushing the manifest list " + destination);
    }
    // Its media type is the tool's choice (OCI index or Docker manifest list): left empty.
    result.digest = *digest;
  } else {
    // No registry API at ECR's endpoint (moto): the index of the manifests the stand-in registry
    // serves for each per-architecture tag, registered with PutImage.
    std::vector<std::pair<Manifest, std::string>> manifests;
    for (const IndexImage& image : images) {
      ASSIGN_OR_RETURN_CTX(Manifest manifest,
                           FetchManifest(http, login.target, options.repository, image.tag),
                           "the manifest list's " + image.platform + " image");
      manifests.emplace_back(std::move(manifest), image.platform);
    }
    const std::string body = OciImageIndex(manifests);
    result.digest = "sha256:" + aws::Sha256Hex(body);
    result.media_type = std::string(kOciIndexMediaType);
    aws::ecr::PutImageRequest put_request;
    put_request.repository_name = options.repository;
    put_request.image_manifest = body;
    put_request.image_manifest_media_type = result.media_type;
    put_request.image_tag = options.tag;
    auto put = ecr.PutImage(put_request);
    if (!put.ok() && put.status().code() != StatusCode::kAlreadyExists) {
      return put.status().WithContext("ECR PutImage (image index) " + options.repository);
    }
    result.registered_with_put_image = true;
  }

  // Check: ECR lists the common tag; its own registry must list the index's digest.
  aws::ecr::DescribeImagesRequest describe_images;
  describe_images.repository_name = options.repository;
  describe_images.image_ids.push_back({"", options.tag});
  ASSIGN_OR_RETURN_CTX(aws::ecr::DescribeImagesResult listed, ecr.DescribeImages(describe_images),
                       "ECR DescribeImages " + options.repository);
  if (listed.image_details.empty()) {
    return InternalError(fmt::format("ECR does not list the manifest list {}:{} after the push",
                                     options.repository, options.tag));
  }
  if (!result.registered_with_put_image &&
      listed.image_details.front().image_digest != result.digest) {
    return InternalError(fmt::format("ECR lists {}:{} as {}, the manifest list pushed was {}",
                                     options.repository, options.tag,
                                     listed.image_details.front().image_digest, result.digest));
  }
  return result;
}

}  // namespace awshpc::container
