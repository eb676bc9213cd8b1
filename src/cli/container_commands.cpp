// File: container_commands.cpp
// `aws-hpc base list|info|build` and `aws-hpc app build`: base images per microarchitecture and
// application images per app variant and architecture (docs/containers.md).
#include <sys/stat.h>

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/ecr.hpp"
#include "awshpc/container/app_image.hpp"
#include "awshpc/container/base_image.hpp"
#include "awshpc/container/build_driver.hpp"
#include "awshpc/container/content_hash.hpp"
#include "awshpc/container/dockerfile.hpp"
#include "awshpc/container/registry.hpp"
#include "awshpc/container/stager_bundle.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/units.hpp"
#include "awshpc/infra/naming.hpp"
#include "awshpc/infra/platform_config.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

namespace fs = std::filesystem;
namespace ctr = awshpc::container;
using nlohmann::ordered_json;

// Options every build command shares.
struct BuildOptions {
  std::string tool;  // --tool, else AWS_HPC_BUILD_TOOL, else auto
  bool dry_run = false;
  bool force = false;
  std::string push;  // registry host[:port][/prefix], or "ecr"
  std::string region;
  std::string profile;
  std::string source = "https://github.com/aws-hpc/aws-hpc";
  std::string revision;
};

void AddBuildOptions(CLI::App* command, BuildOptions& options) {
  command
      ->add_option("--tool", options.tool,
                   "Build tool: podman, buildah or docker (default: "
                   "the first present)")
      ->envname("AWS_HPC_BUILD_TOOL");
  command->add_flag("--dry-run", options.dry_run,
                    "Print the Dockerfiles and the plan (tool commands) without building");
  command->add_flag("--force", options.force,
                    "Build even when an image with the same content hash exists");
  command->add_option(
      "--push", options.push,
      "After building, push to REGISTRY (host[:port][/prefix]; plain HTTP only "
      "for loopback) or to `ecr` (repository aws-hpc/<platform>/<app>, the platform "
      "named by $AWS_HPC_CONFIG or ./aws-hpc.yaml; created with scan-on-push; "
      "AWS_HPC_ECR_REGISTRY names a registry standing in for ECR's endpoint); an "
      "app build of x86_64 and arm64 also pushes a manifest list of both as <version>-<variant>");
  command->add_option("--region", options.region, "AWS region for --push ecr");
  command->add_option("--profile", options.profile, "AWS profile for --push ecr");
  command->add_option("--source", options.source,
                      "org.opencontainers.image.source label (default: the aws-hpc repository)");
  command
      ->add_option("--revision", options.revision,
                   "org.opencontainers.image.revision label (default: the aws-hpc version)")
      ->envname("AWS_HPC_REVISION");
}

std::string HumanBytes(std::int64_t bytes) {
  if (bytes <= 0) return "-";
  const double b = static_cast<double>(bytes);
  if (b >= 1e9) return fmt::format("{:.2f} GB", b / 1e9);
  if (b >= 1e6) return fmt::format("{:.1f} MB", b / 1e6);
  return fmt::format("{:.1f} kB", b / 1e3);
}

std::string ShortHash(const std::string& hash) {
  return hash.size() > 19 ? hash.substr(7, 12) : hash;
}

std::string JoinArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

constexpr std::string_view kElfMagic = "\177ELF";  // ELF files start with 0x7f E L F

// Writes the build context: Dockerfile plus files (scripts executable).
Status WriteContext(const std::string& dir, const ctr::RenderedImage& image) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  RETURN_IF_ERROR(MakeDirs(dir));
  RETURN_IF_ERROR(WriteFileAtomically(dir + "/Dockerfile", image.dockerfile));
  for (const auto& [name, content] : image.files) {
    const std::string path = dir + "/" + name;
    RETURN_IF_ERROR(MakeDirs(fs::path(path).parent_path().string()));
    RETURN_IF_ERROR(WriteFileAtomically(path, content));
    // Scripts, and the stager's programs and loader (run as programs by the launcher).
    if (content.starts_with("#!") || content.starts_with(kElfMagic)) {
      if (chmod(path.c_str(), 0755) != 0) return ErrnoError("chmod " + path, errno);
    }
  }
  return Status::Ok();
}

std::string LogName(const std::string& name) {
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return fmt::format("{}-{}.log", out, std::time(nullptr));
}

// Progress on stderr: "  [3/14] 1.2s STEP 3/4: RUN ...".
ctr::ProgressFn Printer(const std::string& what) {
  return [what](const ctr::BuildProgress& p) {
    std::cerr << fmt::format("  {} step {} of {} ({:.1f}s): {}\n", what, p.step, p.total,
                             p.elapsed_seconds, p.line.substr(0, 100));
  };
}

// The result of one image: built, up to date, pushed.
struct ImageRow {
  std::string image;
  std::string platform;
  std::string status;  // built | up to date | planned | failed
  std::int64_t size = 0;
  std::string hash;
  double seconds = 0;
  std::string pushed;  // destination@digest
  std::string log;
  std::string error;
};

ordered_json RowJson(const ImageRow& row) {
  return {{"image", row.image},
          {"platform", row.platform},
          {"status", row.status},
          {"size_bytes", row.size},
          {"content_hash", row.hash},
          {"seconds", row.seconds},
          {"pushed", row.pushed.empty() ? ordered_json(nullptr) : ordered_json(row.pushed)},
          {"log", row.log},
          {"error", row.error.empty() ? ordered_json(nullptr) : ordered_json(row.error)}};
}

void PrintRows(CliContext& context, const std::vector<ImageRow>& rows) {
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out = ordered_json::array();
    for (const auto& row : rows) out.push_back(RowJson(row));
    PrintStructured(out, context.Format());
    return;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& row : rows) {
    table.push_back({row.image, row.platform, row.status, HumanBytes(row.size), ShortHash(row.hash),
                     row.seconds > 0 ? FormatSeconds(row.seconds) : "-",
                     row.pushed.empty() ? "-" : row.pushed});
  }
  std::cout << RenderTable({"IMAGE", "PLATFORM", "STATUS", "SIZE", "HASH", "TIME", "PUSHED"},
                           table);
  for (const auto& row : rows) {
    if (!row.error.empty()) std::cout << row.image << ": " << row.error << "\n";
  }
}

// Pushing after a build: a registry or ECR, opened once per command.
class Pusher {
 public:
  static Result<std::unique_ptr<Pusher>> Open(const BuildOptions& options) {
    std::unique_ptr<Pusher> pusher(new Pusher());
    aws::AwsContextOptions context_options;
    context_options.cli_profile = options.profile;
    context_options.cli_region = options.region;
    ASSIGN_OR_RETURN(pusher->context_, aws::AwsContext::Create(context_options));
    if (options.push == "ecr") {
      ASSIGN_OR_RETURN(aws::ecr::EcrClient client, aws::ecr::EcrClient::Create(*pusher->context_));
      pusher->ecr_ = std::make_unique<aws::ecr::EcrClient>(std::move(client));
      const char* stand_in = std::getenv("AWS_HPC_ECR_REGISTRY");
      pusher->ecr_registry_ = stand_in ? stand_in : "";
    } else {
      ASSIGN_OR_RETURN(pusher->registry_, ctr::ParseRegistry(options.push));
    }
    return pusher;
  }

  ctr::EcrPushOptions EcrOptions(const std::string& repository, const std::string& tag,
                                 const std::string& work_dir, const std::string& log) const {
    ctr::EcrPushOptions options;
    options.repository = repository;
    options.tag = tag;
    options.registry_override = ecr_registry_;
    options.work_dir = work_dir;
    options.log_path = log;
    return options;
  }

  // "destination@digest".
  Result<std::string> Push(const ctr::BuildDriver& driver, const std::string& local_ref,
                           const std::string& repository, const std::string& tag,
                           const std::string& work_dir, const std::string& log) {
    if (ecr_) {
      const ctr::EcrPushOptions options = EcrOptions(repository, tag, work_dir, log);
      ASSIGN_OR_RETURN(ctr::EcrPushResult result,
                       ctr::PushToEcr(*ecr_, driver, context_->http(), local_ref, options));
      std::cerr << fmt::format("  ECR {}{}{}: {}:{} {}{}\n", result.repository_uri,
                               result.repository_created ? " (created, scan on push)" : "",
                               result.lifecycle_policy_set ? " (lifecycle policy set)" : "",
                               repository, tag, result.digest,
                               result.registered_with_put_image
                                   ? " (layers on " + result.pushed_to + ", manifest via PutImage)"
                                   : "");
      return fmt::format("{}:{}@{}", result.repository_uri, tag, result.digest);
    }
    ASSIGN_OR_RETURN(
        ctr::PushResult result,
        ctr::PushToRegistry(driver, context_->http(), local_ref, registry_, repository, tag, log));
    return result.destination + "@" + result.digest;
  }

  // ECR: the manifest list (OCI image index) of `images`, pushed before under their own tags,
  // as repository:tag. "uri:tag@digest".
  Result<std::string> PushIndex(const ctr::BuildDriver& driver,
                                const std::vector<ctr::IndexImage>& images,
                                const std::string& repository, const std::string& tag,
                                const std::string& work_dir, const std::string& log) {
    const ctr::EcrPushOptions options = EcrOptions(repository, tag, work_dir, log);
    ASSIGN_OR_RETURN(ctr::EcrIndexResult result,
                     ctr::PushIndexToEcr(*ecr_, driver, context_->http(), images, options));
    std::cerr << fmt::format(
        "Manifest list {}:{}@{} ({} images{})\n", result.repository_uri, tag, result.digest,
        result.manifests,
        result.registered_with_put_image ? ", " + result.media_type + " via PutImage" : "");
    return fmt::format("{}:{}@{}", result.repository_uri, tag, result.digest);
  }

  // The registry of a plain --push (nullptr for ECR).
  const ctr::RegistryRef* registry() const { return ecr_ ? nullptr : &registry_; }

 private:
  Pusher() = default;
  std::unique_ptr<aws::AwsContext> context_;
  std::unique_ptr<aws::ecr::EcrClient> ecr_;
  std::string ecr_registry_;
  ctr::RegistryRef registry_;
};

Result<std::string> BuildsDir(CliContext& context) {
  ASSIGN_OR_RETURN(std::string home, context.Home());
  const std::string dir = home + "/builds";
  RETURN_IF_ERROR(MakeDirs(dir));
  return dir;
}

// ---- base ----------------------------------------------------------------------------------

ordered_json BaseJson(const ctr::BaseImage& b, const std::string& date) {
  return {{"name", b.name},
          {"image", b.RuntimeTag(date)},
          {"devel_image", b.DevelTag(date)},
          {"microarch", b.microarch},
          {"isa", b.isa},
          {"platform", b.platform},
          {"vendor", b.vendor},
          {"cuda", b.cuda},
          {"os", b.os},
          {"compiler", b.compiler + " " + b.compiler_version},
          {"flags", b.flags},
          {"flags_fallback", b.flags_fallback},
          {"flags_note", b.flags_note},
          {"math", b.math.library},
          {"devel_packages", b.devel_packages},
          {"runtime_packages", b.runtime_packages}};
}

Status BaseList(CliContext& context, const std::string& date) {
  RETURN_IF_ERROR(ctr::CheckDateTag(date));
  ASSIGN_OR_RETURN(const ctr::BaseCatalog* bases, ctr::BaseCatalog::Builtin());
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out = ordered_json::array();
    for (const auto& b : bases->Images()) out.push_back(BaseJson(b, date));
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : bases->Images()) {
    rows.push_back({b.RuntimeTag(date), b.platform, b.math.library,
                    b.flags + (b.flags_fallback ? " (fallback)" : "")});
  }
  std::cout << RenderTable({"IMAGE", "PLATFORM", "MATH", "FLAGS (GCC 12.2)"}, rows);
  return Status::Ok();
}

ctr::ImageProvenance Provenance(const BuildOptions& options, const std::string& date) {
  ctr::ImageProvenance p;
  p.source = options.source;
  p.revision = options.revision;
  p.date = date;
  return p;
}

Status BaseInfo(CliContext& context, const std::string& name, const std::string& date) {
  ASSIGN_OR_RETURN(const ctr::BaseCatalog* bases, ctr::BaseCatalog::Builtin());
  ASSIGN_OR_RETURN(const ctr::BaseImage* base, bases->Find(name));
  ASSIGN_OR_RETURN(ctr::RenderedImage image, ctr::RenderBaseImage(*base, Provenance({}, date)));
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out = BaseJson(*base, date);
    out["content_hash"] = image.content_hash;
    out["dockerfile"] = image.dockerfile;
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> facts = {
      {"Image:", base->RuntimeTag(date) + " (build stage: " + base->DevelTag(date) + ")"},
      {"Platform:", base->platform + " (" + base->vendor + ")"},
      {"Microarch:", base->microarch + (base->cuda ? " + CUDA" : "")},
      {"OS:", base->os + " (" + base->devel_image + ", " + base->runtime_image + ")"},
      {"Compiler:", base->compiler + " " + base->compiler_version},
      {"Flags:", base->flags},
      {"Math:", base->math.library + (base->math.note.empty() ? "" : " (" + base->math.note + ")")},
      {"Content hash:", image.content_hash}};
  if (base->flags_fallback) facts.push_back({"Flag note:", base->flags_note});
  std::cout << RenderTable({"", ""}, facts).substr(1) << "\n" << image.dockerfile;
  return Status::Ok();
}

Status BaseBuild(CliContext& context, std::vector<std::string> names, bool all,
                 const std::string& date, const BuildOptions& options) {
  RETURN_IF_ERROR(ctr::CheckDateTag(date));
  ASSIGN_OR_RETURN(const ctr::BaseCatalog* bases, ctr::BaseCatalog::Builtin());
  if (all) {
    names.clear();
    for (const auto& b : bases->Images()) names.push_back(b.name);
  }
  if (names.empty()) return InvalidArgumentError("name a base (see `aws-hpc base list`) or --all");
  std::vector<const ctr::BaseImage*> chosen;
  for (const auto& name : names) {
    ASSIGN_OR_RETURN(const ctr::BaseImage* base, bases->Find(name));
    chosen.push_back(base);
  }
  auto driver = ctr::BuildDriver::Detect(options.tool);
  if (!driver.ok() && !options.dry_run) return driver.status();
  const ctr::BuildDriver shown =
      driver.ok() ? *driver : ctr::BuildDriver(ctr::BuildTool::kBuildah, "buildah");
  ASSIGN_OR_RETURN(std::string builds, BuildsDir(context));
  std::unique_ptr<Pusher> pusher;
  if (!options.push.empty() && !options.dry_run) {
    ASSIGN_OR_RETURN(pusher, Pusher::Open(options));
  }

  std::vector<ImageRow> rows;
  Status first_error;
  for (const ctr::BaseImage* base : chosen) {
    ASSIGN_OR_RETURN(ctr::RenderedImage image,
                     ctr::RenderBaseImage(*base, Provenance(options, date)));
    const std::string dir = builds + "/base-" + base->name;
    ctr::BuildRequest devel{dir, "", base->DevelTag(date), "devel", base->platform, "", 0};
    ctr::BuildRequest runtime{dir, "", base->RuntimeTag(date), "", base->platform, "", 0};
    ImageRow row;
    row.image = base->RuntimeTag(date);
    row.platform = base->platform;
    row.status = "planned";
    row.hash = image.content_hash;
    if (options.dry_run) {
      if (context.Format() == OutputFormat::kTable) {
        std::cout << fmt::format("== {} ({}) ==\n$ {}\n$ {}\n{}\n", row.image, base->platform,
                                 JoinArgv(shown.BuildArgv(devel)),
                                 JoinArgv(shown.BuildArgv(runtime)), image.dockerfile);
      }
      rows.push_back(row);
      continue;
    }
    auto run = [&]() -> Status {
      RETURN_IF_ERROR(ctr::CheckCanBuildPlatform(base->platform));
      ASSIGN_OR_RETURN(auto existing, driver->Inspect(row.image));
      if (existing && !options.force &&
          existing->labels[std::string(ctr::kContentHashLabel)] == image.content_hash) {
        row.status = "up to date";
        row.size = existing->size_bytes;
        return Status::Ok();
      }
      RETURN_IF_ERROR(WriteContext(dir, image));
      row.log = builds + "/" + LogName(base->Repository());
      devel.log_path = runtime.log_path = row.log;
      const int steps = ctr::CountInstructions(image.dockerfile);
      devel.total_steps = runtime.total_steps = steps;
      std::cerr << fmt::format("Building {} and {} with {} (log: {})\n", devel.tag, runtime.tag,
                               ctr::BuildToolName(driver->tool()), row.log);
      ASSIGN_OR_RETURN(ctr::BuildOutcome a, driver->Build(devel, Printer(devel.tag)));
      ASSIGN_OR_RETURN(ctr::BuildOutcome b, driver->Build(runtime, Printer(runtime.tag)));
      row.seconds = a.elapsed_seconds + b.elapsed_seconds;
      row.status = "built";
      ASSIGN_OR_RETURN(auto built, driver->Inspect(row.image));
      if (built) row.size = built->size_bytes;
      return Status::Ok();
    };
    Status status = run();
    if (status.ok() && pusher) {
      auto pushed = pusher->Push(*driver, row.image, base->Repository(), date, builds,
                                 row.log.empty() ? builds + "/" + LogName("push") : row.log);
      if (pushed.ok()) row.pushed = *pushed;
      status = pushed.status();
    }
    if (!status.ok()) {
      row.status = "failed";
      row.error = status.message();
      if (first_error.ok()) first_error = status;
    }
    rows.push_back(row);
  }
  if (!options.dry_run || context.Format() != OutputFormat::kTable) PrintRows(context, rows);
  return first_error;
}

// ---- app build -----------------------------------------------------------------------------

struct AppBuildOptions {
  std::string app;
  std::string variant;
  std::vector<std::string> archs;
  bool all_arch = false;
  std::string base;       // --base IMAGE
  std::string base_date;  // --base-date
  std::string recipe;
  std::string stager;  // --stager PATH
  BuildOptions build;
};

// aws-hpc-stage for each image platform, bundled once per command: --stager PATH, else the one
// beside this aws-hpc binary, else the one on PATH.
class StagerBundles {
 public:
  explicit StagerBundles(std::string option) : option_(std::move(option)) {}

  Result<const ctr::StagerBundle*> For(const std::string& platform) {
    if (auto it = bundles_.find(platform); it != bundles_.end()) return &it->second;
    std::string program = option_;
    if (program.empty()) {
      program = ExecutableDir() + "/aws-hpc-stage";
      std::error_code ec;
      if (!fs::exists(program, ec)) {
        auto on_path = FindExecutable("aws-hpc-stage");
        if (!on_path.ok()) {
          return FailedPreconditionError(fmt::format(
              "aws-hpc-stage (which the image runs to stage data through S3) is neither beside "
              "aws-hpc ({}) nor on PATH: install it, or pass --stager PATH",
              ExecutableDir()));
        }
        program = *on_path;
      }
    }
    ASSIGN_OR_RETURN(ctr::StagerBundle bundle,
                     ctr::BundleStager(program, platform, !option_.empty()));
    return &bundles_.emplace(platform, std::move(bundle)).first->second;
  }

 private:
  std::string option_;
  std::map<std::string, ctr::StagerBundle> bundles_;
};

// The date of the newest local hpc-base-<m> image pair (runtime and devel). A dry run without a
// build tool, or with no such image, gets ""; a build with no such image is refused saying
// what to do.
Result<std::string> NewestLocalBaseDate(const Result<ctr::BuildDriver>& driver,
                                        const ctr::BaseImage& base, bool dry_run) {
  if (!driver.ok()) return std::string();
  ASSIGN_OR_RETURN(std::string listing, driver->ListImages());
  std::string date = ctr::NewestBaseDate(listing, base.Repository());
  if (date.empty() && !dry_run) {
    return FailedPreconditionError(fmt::format(
        "no {0}:<YYYYMMDD> image (with its -devel stage) here: build one with `aws-hpc base "
        "build {1}`, or pass --base-date YYYYMMDD (or --base IMAGE)",
        base.Repository(), base.name));
  }
  return date;
}

Status AppBuild(CliContext& context, const AppBuildOptions& options) {
  ASSIGN_OR_RETURN(const spec::AppSpec* app, context.Catalog().Find(options.app));
  ASSIGN_OR_RETURN(const ctr::BaseCatalog* bases, ctr::BaseCatalog::Builtin());
  ASSIGN_OR_RETURN(ctr::AppRecipe recipe, ctr::LoadRecipe(*app, options.recipe));
  if (!options.base_date.empty()) {
    RETURN_IF_ERROR_CTX(ctr::CheckDateTag(options.base_date), "--base-date");
  }
  const std::string host_isa = ctr::HostPlatform() == "linux/arm64" ? "aarch64" : "x86_64";

  std::vector<std::string> archs = options.archs;
  if (options.all_arch) {
    archs = app->architectures;
    if (archs.empty()) archs = {host_isa == "aarch64" ? "arm64" : "x86_64"};
  } else if (archs.empty()) {
    // This machine's generic ISA when the app runs on it, else the app's first architecture.
    const std::string host = host_isa == "aarch64" ? "arm64" : "x86_64";
    const bool runs_here = app->architectures.empty() ||
                           std::find(app->architectures.begin(), app->architectures.end(), host) !=
                               app->architectures.end();
    archs = {runs_here ? host : app->architectures.front()};
  }

  auto driver = ctr::BuildDriver::Detect(options.build.tool);
  if (!driver.ok() && !options.build.dry_run) return driver.status();
  const ctr::BuildDriver shown =
      driver.ok() ? *driver : ctr::BuildDriver(ctr::BuildTool::kBuildah, "buildah");
  ASSIGN_OR_RETURN(std::string builds, BuildsDir(context));
  std::unique_ptr<Pusher> pusher;
  if (!options.build.push.empty() && !options.build.dry_run) {
    ASSIGN_OR_RETURN(pusher, Pusher::Open(options.build));
  }
  // ECR repositories are per platform, named as the app stack names them (infra/naming.hpp).
  std::string ecr_repository;
  if (options.build.push == "ecr") {
    const std::string config = infra::DefaultPlatformConfigPath();
    ASSIGN_OR_RETURN_CTX(const std::string platform, infra::PlatformNameAt(config),
                         "--push ecr: the platform config");
    ecr_repository = infra::EcrRepositoryName(platform, app->name);
    if (platform.empty()) {
      std::cerr << fmt::format(
          "note: no platform config ({}; set AWS_HPC_CONFIG): pushing to {}, not to a "
          "platform's aws-hpc/<platform>/{}\n",
          config, ecr_repository, app->name);
    }
  }

  std::vector<ImageRow> rows;
  ordered_json plans = ordered_json::array();
  Status first_error;
  StagerBundles stagers(options.stager);
  std::vector<ctr::IndexImage> ecr_pushed;  // for the multi-arch manifest list on ECR
  for (const std::string& arch : archs) {
    ASSIGN_OR_RETURN_CTX(const ctr::BaseImage* base, bases->ForArchitecture(arch, host_isa),
                         "--arch " + arch);
    ctr::AppImageRequest request;
    request.app = app;
    request.variant = options.variant;
    request.arch = arch;
    request.base = base;
    request.base_override = options.base;
    ImageRow row;
    row.platform = base->platform;
    auto run = [&]() -> Status {
      if (!options.build.dry_run) RETURN_IF_ERROR(ctr::CheckCanBuildPlatform(base->platform));
      std::string base_date = options.base_date;
      std::string base_date_note;
      if (base_date.empty() && options.base.empty()) {
        ASSIGN_OR_RETURN(base_date, NewestLocalBaseDate(driver, *base, options.build.dry_run));
        if (base_date.empty()) {
          base_date = ctr::TodayTag();
          base_date_note = fmt::format(
              "no {}:<YYYYMMDD> here: a build needs `aws-hpc base build {}` or --base-date",
              base->Repository(), base->name);
        }
      }
      if (base_date.empty()) base_date = ctr::TodayTag();  // --base IMAGE: the label's date
      request.base_date = base_date;
      request.provenance = Provenance(options.build, base_date);
      if (!options.build.dry_run) {
        // The base's id is part of the content hash: a rebuilt base rebuilds the app.
        const std::string base_ref =
            options.base.empty() ? base->RuntimeTag(base_date) : options.base;
        ASSIGN_OR_RETURN(auto base_info, driver->Inspect(base_ref));
        if (!base_info) {
          return FailedPreconditionError(fmt::format(
              "base image {} is not there: build it with `aws-hpc base build {} --date {}`, or "
              "name another with --base IMAGE / --base-date YYYYMMDD",
              base_ref, base->name, base_date));
        }
        request.base_id = base_info->id;
      }
      // The stager must run on the image's architecture; a dry run notes what a build needs.
      std::string stager_note;
      auto stager = stagers.For(base->platform);
      if (stager.ok()) {
        request.stager = *stager;
      } else if (options.build.dry_run) {
        stager_note = "a build needs an aws-hpc-stage for " + base->platform + ": " +
                      stager.status().message();
      } else {
        return stager.status();
      }
      ASSIGN_OR_RETURN(ctr::AppImagePlan plan, ctr::PlanAppImage(request, recipe));
      if (!stager_note.empty()) plan.notes.push_back(stager_note);
      if (!base_date_note.empty()) plan.notes.push_back(base_date_note);
      row.image = plan.Reference();
      row.hash = plan.image.content_hash;
      const std::string dir = builds + "/" + app->name + "-" + plan.tag;
      ctr::BuildRequest build{dir,
                              "",
                              plan.Reference(),
                              "",
                              plan.platform,
                              "",
                              ctr::CountInstructions(plan.image.dockerfile)};
      if (options.build.dry_run) {
        row.status = "planned";
        if (context.Format() == OutputFormat::kTable) {
          std::cout << fmt::format("== {} ({}) ==\nrecipe: {}\n", row.image, plan.platform,
                                   recipe.origin);
          for (const auto& note : plan.notes) std::cout << "note: " << note << "\n";
          std::cout << "$ " << JoinArgv(shown.BuildArgv(build)) << "\n";
          if (!options.build.push.empty()) {
            std::cout << "then push to " << options.build.push << " as "
                      << (ecr_repository.empty() ? plan.repository : ecr_repository) << ":"
                      << plan.tag << "\n";
          }
          std::cout << plan.image.dockerfile << "\n";
        }
        plans.push_back({{"image", row.image},
                         {"platform", plan.platform},
                         {"recipe", recipe.origin},
                         {"content_hash", row.hash},
                         {"notes", plan.notes},
                         {"build_argv", shown.BuildArgv(build)},
                         {"dockerfile", plan.image.dockerfile}});
        return Status::Ok();
      }
      ASSIGN_OR_RETURN(auto existing, driver->Inspect(row.image));
      if (existing && !options.build.force &&
          existing->labels[std::string(ctr::kContentHashLabel)] == row.hash) {
        row.status = "up to date";
        row.size = existing->size_bytes;
      } else {
        RETURN_IF_ERROR(WriteContext(dir, plan.image));
        row.log = builds + "/" + LogName(app->name + "-" + plan.tag);
        build.log_path = row.log;
        std::cerr << fmt::format("Building {} ({} steps) with {} (log: {})\n", row.image,
                                 build.total_steps, ctr::BuildToolName(driver->tool()), row.log);
        ASSIGN_OR_RETURN(ctr::BuildOutcome outcome, driver->Build(build, Printer(row.image)));
        row.seconds = outcome.elapsed_seconds;
        row.status = "built";
        ASSIGN_OR_RETURN(auto built, driver->Inspect(row.image));
        if (built) row.size = built->size_bytes;
      }
      if (pusher) {
        ASSIGN_OR_RETURN(
            row.pushed,
            pusher->Push(*driver, row.image,
                         ecr_repository.empty() ? plan.repository : ecr_repository, plan.tag,
                         builds, row.log.empty() ? builds + "/" + LogName("push") : row.log));
        if (!ecr_repository.empty()) ecr_pushed.push_back({row.image, plan.tag, plan.platform});
      }
      return Status::Ok();
    };
    Status status = run();
    if (!status.ok()) {
      if (row.image.empty()) row.image = fmt::format("aws-hpc/{} ({})", app->name, arch);
      row.status = "failed";
      row.error = status.message();
      if (first_error.ok()) first_error = status;
    }
    rows.push_back(row);
  }
  if (options.build.dry_run) {
    if (context.Format() != OutputFormat::kTable) PrintStructured(plans, context.Format());
    return first_error;
  }
  // Several platforms pushed to a registry: one manifest list names them all.
  std::vector<std::string> pushed_images;
  std::set<std::string> platforms;
  for (const auto& row : rows) {
    if (!row.pushed.empty() && platforms.insert(row.platform).second) {
      pushed_images.push_back(row.image);
    }
  }
  if (pusher && pusher->registry() != nullptr && pushed_images.size() > 1) {
    const std::string tag = ctr::SanitizeTag(
        app->version + "-" + (options.variant.empty() ? app->default_variant : options.variant));
    const std::string destination =
        pusher->registry()->Repository("aws-hpc/" + app->name) + ":" + tag;
    auto digest = driver->PushManifestList("aws-hpc-list/" + app->name + ":" + tag, pushed_images,
                                           destination, !pusher->registry()->loopback, "",
                                           builds + "/" + LogName("manifest-" + app->name));
    if (digest.ok()) {
      std::cerr << "Manifest list " << destination << "@" << *digest << "\n";
    } else if (first_error.ok()) {
      first_error = digest.status();
    }
  }
  // x86_64 and arm64 pushed to ECR: the OCI image index of both under the common tag.
  std::set<std::string> ecr_platforms;
  for (const auto& image : ecr_pushed) ecr_platforms.insert(image.platform);
  if (pusher && ecr_platforms.size() > 1 && ecr_platforms.size() == ecr_pushed.size()) {
    const std::string tag = ctr::SanitizeTag(
        app->version + "-" + (options.variant.empty() ? app->default_variant : options.variant));
    auto index = pusher->PushIndex(*driver, ecr_pushed, ecr_repository, tag, builds,
                                   builds + "/" + LogName("manifest-" + app->name));
    if (!index.ok() && first_error.ok()) first_error = index.status();
  }
  PrintRows(context, rows);
  return first_error;
}

}  // namespace

void RegisterContainerCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* base = root.add_subcommand(
      "base", "Base images: one per microarchitecture (and CUDA) from one template");
  base->require_subcommand(1);

  auto list_date = std::make_shared<std::string>(ctr::TodayTag());
  CLI::App* list = base->add_subcommand("list",
                                        "List the base images with platform, math "
                                        "library and compiler flags");
  list->add_option("--date", *list_date, "Tag date YYYYMMDD (default: today, UTC)");
  list->callback([&context, &result, list_date] { result.status = BaseList(context, *list_date); });

  auto info_name = std::make_shared<std::string>();
  auto info_date = std::make_shared<std::string>(ctr::TodayTag());
  CLI::App* info =
      base->add_subcommand("info", "Show a base image: settings, flags and its Dockerfile");
  info->add_option("name", *info_name,
                   "Base name or microarchitecture (zen4, graviton3, "
                   "cuda-x86_64, neoverse-v1, ...)")
      ->required();
  info->add_option("--date", *info_date, "Tag date YYYYMMDD (default: today, UTC)");
  info->callback([&context, &result, info_name, info_date] {
    result.status = BaseInfo(context, *info_name, *info_date);
  });

  auto build_names = std::make_shared<std::vector<std::string>>();
  auto build_all = std::make_shared<bool>(false);
  auto build_date = std::make_shared<std::string>(ctr::TodayTag());
  auto build_options = std::make_shared<BuildOptions>();
  CLI::App* build = base->add_subcommand(
      "build",
      "Build base images (tags hpc-base-<name>:<YYYYMMDD> and ...-devel); an image "
      "whose content hash label matches is not rebuilt");
  build->add_option("names", *build_names, "Base names (see `aws-hpc base list`)");
  build->add_flag("--all", *build_all, "Build every base image");
  build->add_option("--date", *build_date, "Tag date YYYYMMDD (default: today, UTC)");
  AddBuildOptions(build, *build_options);
  build->callback([&context, &result, build_names, build_all, build_date, build_options] {
    result.status = BaseBuild(context, *build_names, *build_all, *build_date, *build_options);
  });

  CLI::App* app = root.get_subcommand("app");
  auto app_options = std::make_shared<AppBuildOptions>();
  CLI::App* app_build = app->add_subcommand(
      "build",
      "Build the app's image per architecture: Dockerfile generated from app.yaml and its "
      "container recipe, FROM the matching base; rebuilt only when spec, recipe, template or "
      "base changed");
  app_build->add_option("app", app_options->app, "Application name")->required();
  app_build->add_option("--variant", app_options->variant, "Variant (default: the app's default)");
  auto* arch_option = app_build->add_option(
      "--arch", app_options->archs,
      "Architecture (x86_64, arm64, zen4, graviton3, cuda, ...); repeatable; default: this "
      "machine's");
  app_build->add_flag("--all-arch", app_options->all_arch, "Every architecture the app lists")
      ->excludes(arch_option);
  app_build->add_option("--base", app_options->base,
                        "Build FROM this image (both stages) instead of hpc-base-<arch>");
  app_build->add_option("--base-date", app_options->base_date,
                        "Date tag of the hpc-base images to use (default: the newest "
                        "hpc-base-<arch>:<YYYYMMDD> present locally)");
  app_build->add_option("--recipe", app_options->recipe,
                        "Container recipe file (default: <app dir>/container.yaml, then the "
                        "bundled data/containers/apps/<app>.yaml)");
  app_build->add_option("--stager", app_options->stager,
                        "aws-hpc-stage to ship in the image (default: the one beside aws-hpc); "
                        "needed for another architecture's image (arm64 on x86_64, ...): "
                        "bundled with its libraries and loader");
  AddBuildOptions(app_build, app_options->build);
  app_build->callback(
      [&context, &result, app_options] { result.status = AppBuild(context, *app_options); });
}

}  // namespace awshpc::cli
