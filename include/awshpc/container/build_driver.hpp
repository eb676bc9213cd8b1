// File: build_driver.hpp
// Runs podman, buildah or docker (whichever is present, or the one configured) by argv, never a
// shell, with the options that work in restricted sandboxes (buildah/podman `--isolation
// chroot`; `podman run --runtime runc` with explicit ulimits). Builds report progress (step n
// of m, elapsed) and keep the full log.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::container {

enum class BuildTool { kPodman, kBuildah, kDocker };
std::string_view BuildToolName(BuildTool tool);
Result<BuildTool> ParseBuildTool(std::string_view name);

struct BuildRequest {
  std::string context_dir;
  std::string dockerfile;  // path; "" -> context_dir/Dockerfile
  std::string tag;
  std::string target;    // --target stage; "" for the last
  std::string platform;  // linux/amd64, linux/arm64; "" for the host's
  std::string log_path;  // the full output goes here (appended)
  int total_steps = 0;   // m of "step n of m"; 0 if unknown
};

struct BuildProgress {
  int step = 0;
  int total = 0;
  double elapsed_seconds = 0;
  std::string line;  // the tool's step line
};
using ProgressFn = std::function<void(const BuildProgress&)>;

struct BuildOutcome {
  int steps_seen = 0;
  double elapsed_seconds = 0;
};

struct ImageInfo {
  std::string id;
  std::int64_t size_bytes = 0;
  std::string architecture;
  std::map<std::string, std::string> labels;
};

struct RunRequest {
  std::string image;
  std::vector<std::string> command;  // after the entrypoint; empty: the image's CMD
  std::map<std::string, std::string> env;
  std::vector<std::pair<std::string, std::string>> volumes;  // host dir -> container dir
};

struct CommandOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The step number in a line of build output ("[2/2] STEP 3/4: COPY ...", "Step 3/8 : RUN ...",
// "#7 [build 2/3] RUN ..."), or nullopt for other lines.
std::optional<std::string> StepLine(std::string_view line);

class BuildDriver {
 public:
  // `preferred`: "" or "auto" picks the first present of podman, buildah, docker (docker only
  // when its daemon answers); a name insists on that tool. Env AWS_HPC_BUILD_TOOL is read by the
  // CLI, not here.
  static Result<BuildDriver> Detect(std::string_view preferred);
  BuildDriver(BuildTool tool, std::string program) : tool_(tool), program_(std::move(program)) {}

  BuildTool tool() const { return tool_; }
  const std::string& program() const { return program_; }

  // The argv of a build, for --dry-run plans and the build itself.
  std::vector<std::string> BuildArgv(const BuildRequest& request) const;
  // Runs the build, streaming the tool's output to the log and step lines to `progress`.
  Result<BuildOutcome> Build(const BuildRequest& request, const ProgressFn& progress) const;

  // Image facts, or nullopt when no such image exists locally.
  Result<std::optional<ImageInfo>> Inspect(const std::string& ref) const;
  // Every local image as "repository:tag", one a line, spelled as the tool prints it (podman
  // and buildah prefix "localhost/").
  Result<std::string> ListImages() const;
  // Runs a container (podman/docker; buildah cannot run images: FailedPrecondition).
  std::vector<std::string> RunArgv(const RunRequest& request) const;
  Result<CommandOutput> Run(const RunRequest& request, std::chrono::seconds timeout) const;

  // Pushes a local image to `destination` ("host:port/repo:tag"). tls_verify=false is for
  // loopback registries only; authfile is a containers-auth.json (0600). Returns the manifest
  // digest the registry stored.
  Result<std::string> Push(const std::string& ref, const std::string& destination, bool tls_verify,
                           const std::string& authfile, const std::string& log_path) const;

  // Multi-arch: a manifest list `list` of `images`, pushed with all its images.
  Result<std::string> PushManifestList(const std::string& list,
                                       const std::vector<std::string>& images,
                                       const std::string& destination, bool tls_verify,
                                       const std::string& authfile,
                                       const std::string& log_path) const;

 private:
  BuildTool tool_;
  std::string program_;
};

// Cross-architecture builds: OK when `platform` is the host's or qemu-user-static is registered
// with binfmt_misc for it; else FailedPrecondition that says what to install.
Status CheckCanBuildPlatform(std::string_view platform);

}  // namespace awshpc::container
