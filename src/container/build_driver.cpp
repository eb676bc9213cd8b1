// File: build_driver.cpp
// podman / buildah / docker behind one interface, by argv only.
#include "awshpc/container/build_driver.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <filesystem>

#include "awshpc/aws/process.hpp"
#include "awshpc/container/base_image.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"
#include "stream_process.hpp"

namespace awshpc::container {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr auto kQueryTimeout = std::chrono::seconds(120);
constexpr std::size_t kMaxQueryOutput = 16 << 20;

// Settings measured to work in restricted sandboxes (gVisor): chroot isolation for builds;
// runc (crun fails) with explicit ulimits for runs.
const std::vector<std::string> kRunSandboxOptions = {
    "--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"};

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// "N/M" at the start of `s`.
bool StepFraction(std::string_view s) {
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  std::size_t end = slash + 1;
  while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
  return Digits(s.substr(0, slash)) && end > slash + 1;
}

// "2.13 MB" (buildah images) -> bytes.
std::int64_t ParseHumanSize(std::string_view text) {
  std::size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(std::string(text), &pos);
  } catch (...) {
    return 0;
  }
  std::string unit(text.substr(pos));
  unit.erase(0, unit.find_first_not_of(' '));
  double scale = 1;
  if (unit == "kB" || unit == "KB") scale = 1e3;
  if (unit == "MB") scale = 1e6;
  if (unit == "GB") scale = 1e9;
  return static_cast<std::int64_t>(value * scale);
}

std::map<std::string, std::string> Labels(const json& node) {
  std::map<std::string, std::string> out;
  if (!node.is_object()) return out;
  for (const auto& [key, value] : node.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

bool LooksNotFound(std::string_view err) {
  for (std::string_view marker : {"image not known", "No such image", "No such object", "not found",
                                  "does not exist", "unknown image"}) {
    if (err.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

Result<aws::ProcessResult> Query(const std::vector<std::string>& argv) {
  return aws::RunProcess(argv, kQueryTimeout, kMaxQueryOutput);
}

Status ToolFailed(const std::vector<std::string>& argv, int code, std::string_view output,
                  const std::string& log_path) {
  const std::string_view tail =
      TrimTrailingWhitespace(output.substr(output.size() > 1500 ? output.size() - 1500 : 0));
  return InternalError(fmt::format("{} {} exited with {}{}:\n{}", argv[0],
                                   argv.size() > 1 ? argv[1] : "", code,
                                   log_path.empty() ? "" : " (full log: " + log_path + ")", tail));
}

std::string TempFile(const std::string& hint) {
  const char* dir = std::getenv("TMPDIR");
  return fmt::format("{}/aws-hpc-{}-{}-{}", dir && *dir ? dir : "/tmp", hint, getpid(),
                     std::chrono::steady_clock::now().time_since_epoch().count());
}

bool DockerDaemonAnswers(const std::string& program) {
  auto server = aws::RunProcess({program, "version", "--format", "{{.Server.Version}}"},
                                std::chrono::seconds(10));
  return server.ok() && server->exit_code == 0;
}

}  // namespace

std::string_view BuildToolName(BuildTool tool) {
  switch (tool) {
    case BuildTool::kPodman:
      return "podman";
    case BuildTool::kBuildah:
      return "buildah";
    case BuildTool::kDocker:
      return "docker";
  }
  return "?";
}

Result<BuildTool> ParseBuildTool(std::string_view name) {
  if (name == "podman") return BuildTool::kPodman;
  if (name == "buildah") return BuildTool::kBuildah;
  if (name == "docker") return BuildTool::kDocker;
  return InvalidArgumentError(
      fmt::format("unknown build tool {} (podman, buildah or docker)", QuoteForMessage(name)));
}

std::optional<std::string> StepLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  // buildah/podman: "STEP 3/4: RUN ..." optionally after "[1/2] ".
  std::string_view rest = line;
  if (rest.starts_with("[")) {
    const std::size_t close = rest.find("] ");
    if (close != std::string_view::npos && StepFraction(rest.substr(1)))
      rest.remove_prefix(close + 2);
  }
  if (rest.starts_with("STEP ") && StepFraction(rest.substr(5))) return std::string(line);
  // docker's classic builder: "Step 3/8 : RUN ...".
  if (line.starts_with("Step ") && StepFraction(line.substr(5))) return std::string(line);
  // BuildKit (--progress=plain): "#7 [build 2/3] RUN ..." (first line of each step).
  if (line.starts_with("#")) {
    const std::size_t space = line.find(' ');
    if (space != std::string_view::npos && Digits(line.substr(1, space - 1)) &&
        line.substr(space + 1).starts_with("[") && line.find("/") != std::string_view::npos &&
        line.find(" DONE") == std::string_view::npos) {
      return std::string(line);
    }
  }
  return std::nullopt;
}

Result<BuildDriver> BuildDriver::Detect(std::string_view preferred) {
  if (!preferred.empty() && preferred != "auto") {
    ASSIGN_OR_RETURN(BuildTool tool, ParseBuildTool(preferred));
    auto program = FindExecutable(std::string(preferred));
    if (!program.ok()) {
      return FailedPreconditionError(
          fmt::format("build tool {} is not installed (Debian package {})", preferred, preferred));
    }
    if (tool == BuildTool::kDocker && !DockerDaemonAnswers(*program)) {
      return FailedPreconditionError(
          "docker is installed but its daemon does not answer (`docker version` has no server): "
          "start dockerd, or use --tool podman or buildah");
    }
    return BuildDriver(tool, *program);
  }
  for (BuildTool tool : {BuildTool::kPodman, BuildTool::kBuildah, BuildTool::kDocker}) {
    auto program = FindExecutable(std::string(BuildToolName(tool)));
    if (!program.ok()) continue;
    // A docker client without a reachable daemon cannot build.
    if (tool == BuildTool::kDocker && !DockerDaemonAnswers(*program)) continue;
    return BuildDriver(tool, *program);
  }
  return FailedPreconditionError(
      "no image build tool found: install podman or buildah (Debian packages podman, buildah; "
      "also runc), or run a docker daemon; choose one with --tool or AWS_HPC_BUILD_TOOL");
}

std::vector<std::string> BuildDriver::BuildArgv(const BuildRequest& request) const {
  const std::string dockerfile = request.dockerfile.empty()
                                     ? (fs::path(request.context_dir) / "Dockerfile").string()
                                     : request.dockerfile;
  std::vector<std::string> argv = {program_};
  // The layer cache speeds up rebuilds, but buildah 1.28 reuses a cached layer of another
  // platform for the same instruction (an arm64 build got the amd64 image): cross builds skip it.
  const bool cache = request.platform.empty() || request.platform == HostPlatform();
  switch (tool_) {
    case BuildTool::kBuildah:
      argv.insert(argv.end(), {"bud", "--isolation", "chroot"});
      if (cache) argv.push_back("--layers");
      break;
    case BuildTool::kPodman:
      argv.insert(argv.end(),
                  {"build", "--isolation", "chroot", cache ? "--layers" : "--layers=false"});
      break;
    case BuildTool::kDocker:
      argv.insert(argv.end(), {"build", "--progress=plain"});
      break;
  }
  argv.insert(argv.end(), {"-f", dockerfile, "-t", request.tag});
  if (!request.target.empty()) argv.insert(argv.end(), {"--target", request.target});
  if (!request.platform.empty()) argv.insert(argv.end(), {"--platform", request.platform});
  argv.push_back(request.context_dir);
  return argv;
}

Result<BuildOutcome> BuildDriver::Build(const BuildRequest& request,
                                        const ProgressFn& progress) const {
  const auto start = std::chrono::steady_clock::now();
  BuildOutcome outcome;
  const std::vector<std::string> argv = BuildArgv(request);
  const auto on_line = [&](std::string_view line) {
    auto step = StepLine(line);
    if (!step) return;
    ++outcome.steps_seen;
    if (progress) {
      BuildProgress p;
      p.step = outcome.steps_seen;
      p.total = std::max(request.total_steps, outcome.steps_seen);
      p.elapsed_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      p.line = *step;
      progress(p);
    }
  };
  std::string tail;
  ASSIGN_OR_RETURN(int code, internal::RunStreaming(argv, request.log_path, on_line, &tail));
  outcome.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (code != 0) return ToolFailed(argv, code, tail, request.log_path);
  return outcome;
}

Result<std::optional<ImageInfo>> BuildDriver::Inspect(const std::string& ref) const {
  std::vector<std::string> argv;
  if (tool_ == BuildTool::kBuildah) {
    argv = {program_, "inspect", "--type", "image", ref};
  } else {
    argv = {program_, "image", "inspect", ref};
  }
  ASSIGN_OR_RETURN(aws::ProcessResult result, Query(argv));
  if (result.exit_code != 0) {
    if (LooksNotFound(result.err)) return std::optional<ImageInfo>();
    return ToolFailed(argv, result.exit_code, result.err, "");
  }
  const json doc = json::parse(result.out, nullptr, false);
  if (doc.is_discarded()) return InternalError(argv[0] + " inspect printed no JSON");
  ImageInfo info;
  if (tool_ == BuildTool::kBuildah) {
    info.id = doc.value("FromImageID", "");
    const json oci = doc.value("OCIv1", json::object());
    info.architecture = oci.value("architecture", "");
    info.labels = Labels(oci.value("config", json::object()).value("Labels", json()));
    // buildah reports sizes only in `images`, rounded for people.
    auto images = Query({program_, "images", "--json", ref});
    if (images.ok() && images->exit_code == 0) {
      const json list = json::parse(images->out, nullptr, false);
      if (list.is_array() && !list.empty() && list[0].contains("size")) {
        info.size_bytes = ParseHumanSize(list[0].value("size", ""));
      }
    }
  } else {
    if (!doc.is_array() || doc.empty()) return std::optional<ImageInfo>();
    const json& image = doc[0];
    info.id = image.value("Id", "");
    info.size_bytes = image.value("Size", std::int64_t{0});
    info.architecture = image.value("Architecture", "");
    info.labels = Labels(image.value("Config", json::object()).value("Labels", json()));
    if (info.labels.empty()) info.labels = Labels(image.value("Labels", json()));
  }
  if (info.id.starts_with("sha256:")) info.id.erase(0, 7);
  return std::optional<ImageInfo>(std::move(info));
}

Result<std::string> BuildDriver::ListImages() const {
  const std::vector<std::string> argv = {
      program_, "images", "--format",
      tool_ == BuildTool::kBuildah ? "{{.Name}}:{{.Tag}}" : "{{.Repository}}:{{.Tag}}"};
  ASSIGN_OR_RETURN(aws::ProcessResult result, Query(argv));
  if (result.exit_code != 0) return ToolFailed(argv, result.exit_code, result.err, "");
  return result.out;
}

std::vector<std::string> BuildDriver::RunArgv(const RunRequest& request) const {
  std::vector<std::string> argv = {program_, "run", "--rm"};
  if (tool_ == BuildTool::kPodman) {
    argv.insert(argv.end(), kRunSandboxOptions.begin(), kRunSandboxOptions.end());
  }
  for (const auto& [key, value] : request.env) argv.insert(argv.end(), {"-e", key + "=" + value});
  for (const auto& [host, inside] : request.volumes) {
    argv.insert(argv.end(), {"-v", host + ":" + inside});
  }
  argv.push_back(request.image);
  argv.insert(argv.end(), request.command.begin(), request.command.end());
  return argv;
}

Result<CommandOutput> BuildDriver::Run(const RunRequest& request,
                                       std::chrono::seconds timeout) const {
  if (tool_ == BuildTool::kBuildah) {
    return FailedPreconditionError(
        "buildah builds images but does not run them: install podman (Debian package podman)");
  }
  ASSIGN_OR_RETURN(aws::ProcessResult result,
                   aws::RunProcess(RunArgv(request), timeout, kMaxQueryOutput));
  return CommandOutput{result.exit_code, std::move(result.out), std::move(result.err)};
}

Result<std::string> BuildDriver::Push(const std::string& ref, const std::string& destination,
                                      bool tls_verify, const std::string& authfile,
                                      const std::string& log_path) const {
  std::vector<std::string> argv = {program_};
  std::string tail;
  if (tool_ == BuildTool::kDocker) {
    if (!authfile.empty()) {
      return FailedPreconditionError(
          "pushing with a registry token needs podman or buildah (docker reads its own "
          "login from `docker login`)");
    }
    ASSIGN_OR_RETURN(int tag_code, internal::RunStreaming({program_, "tag", ref, destination},
                                                          log_path, nullptr, &tail));
    if (tag_code != 0) return ToolFailed({program_, "tag"}, tag_code, tail, log_path);
    argv = {program_, "push", destination};
    std::string digest;
    ASSIGN_OR_RETURN(int code, internal::RunStreaming(
                                   argv, log_path,
                                   [&](std::string_view line) {
                                     const std::size_t at = line.find("digest: sha256:");
                                     if (at != std::string_view::npos) {
                                       digest = std::string(line.substr(at + 8, 71));
                                     }
                                   },
                                   &tail));
    if (code != 0) return ToolFailed(argv, code, tail, log_path);
    return digest;
  }
  const std::string digest_file = TempFile("digest");
  argv.push_back("push");
  if (!tls_verify) argv.push_back("--tls-verify=false");
  if (!authfile.empty()) argv.insert(argv.end(), {"--authfile", authfile});
  argv.insert(argv.end(), {"--digestfile", digest_file, ref, "docker://" + destination});
  auto code = internal::RunStreaming(argv, log_path, nullptr, &tail);
  auto digest = ReadFileToString(digest_file, 1024);
  std::error_code ec;
  fs::remove(digest_file, ec);
  if (!code.ok()) return code.status();
  if (*code != 0) return ToolFailed(argv, *code, tail, log_path);
  if (!digest.ok()) return digest.status().WithContext("reading the pushed digest");
  return *digest;
}

Result<std::string> BuildDriver::PushManifestList(const std::string& list,
                                                  const std::vector<std::string>& images,
                                                  const std::string& destination, bool tls_verify,
                                                  const std::string& authfile,
                                                  const std::string& log_path) const {
  if (tool_ == BuildTool::kDocker) {
    return FailedPreconditionError(
        "multi-arch manifest lists need podman or buildah (docker needs buildx for them)");
  }
  std::string tail;
  // A list left over from an earlier run would keep its old entries.
  auto removed = internal::RunStreaming({program_, "manifest", "rm", list}, log_path, nullptr);
  if (!removed.ok()) return removed.status();
  std::vector<std::string> argv = {program_, "manifest", "create", list};
  ASSIGN_OR_RETURN(int code, internal::RunStreaming(argv, log_path, nullptr, &tail));
  if (code != 0) return ToolFailed(argv, code, tail, log_path);
  for (const std::string& image : images) {
    argv = {program_, "manifest", "add", list, "containers-storage:" + image};
    ASSIGN_OR_RETURN(code, internal::RunStreaming(argv, log_path, nullptr, &tail));
    if (code != 0) return ToolFailed(argv, code, tail, log_path);
  }
  const std::string digest_file = TempFile("digest");
  argv = {program_, "manifest", "push", "--all"};
  if (!tls_verify) argv.push_back("--tls-verify=false");
  if (!authfile.empty()) argv.insert(argv.end(), {"--authfile", authfile});
  argv.insert(argv.end(), {"--digestfile", digest_file, list, "docker://" + destination});
  auto pushed = internal::RunStreaming(argv, log_path, nullptr, &tail);
  auto digest = ReadFileToString(digest_file, 1024);
  std::error_code ec;
  fs::remove(digest_file, ec);
  if (!pushed.ok()) return pushed.status();
  if (*pushed != 0) return ToolFailed(argv, *pushed, tail, log_path);
  if (!digest.ok()) return digest.status().WithContext("reading the pushed digest");
  return *digest;
}

Status CheckCanBuildPlatform(std::string_view platform) {
  const std::string host = HostPlatform();
  if (platform.empty() || platform == host) return Status::Ok();
  const std::string arch = platform == "linux/arm64"   ? "aarch64"
                           : platform == "linux/amd64" ? "x86_64"
                                                       : std::string(platform.substr(6));
  const std::string binfmt = "/proc/sys/fs/binfmt_misc/qemu-" + arch;
  std::error_code ec;
  if (fs::exists(binfmt, ec)) return Status::Ok();
  return FailedPreconditionError(fmt::format(
      "cannot build {} images on this {} machine: cross-architecture builds need qemu-user-static "
      "registered with binfmt_misc ({} is missing; Debian packages qemu-user-static and "
      "binfmt-support)",
      platform, host, binfmt));
}

}  // namespace awshpc::container
