// File: base_image.hpp
// Base images: one per microarchitecture of the architecture catalog plus CUDA, all rendered
// from one template (data/containers/base.Dockerfile.in) with the settings of
// data/containers/bases.yaml and the catalog's compiler flags. Tags: hpc-base-<name>:<YYYYMMDD>
// (runtime) and hpc-base-<name>:<YYYYMMDD>-devel (compilers and headers).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::container {

// The OCI platform of a catalog ISA: x86_64 -> linux/amd64, aarch64 -> linux/arm64.
Result<std::string> PlatformForIsa(std::string_view isa);
// The platform of this machine (uname).
std::string HostPlatform();

struct MathLibrary {
  std::string library;  // AOCL-BLIS, oneMKL, OpenBLAS
  std::vector<std::string> devel_packages;
  std::vector<std::string> runtime_packages;
  std::string components = "main";  // Debian archive components the packages need
  std::string note;
};

struct BaseImage {
  std::string name;       // zen4, graviton3, x86_64, cuda-x86_64
  std::string microarch;  // catalog target whose flags apply (cuda-x86_64 -> x86_64)
  std::string isa;        // x86_64 | aarch64
  std::string platform;   // linux/amd64 | linux/arm64
  std::string vendor;
  std::string description;
  std::string compiler;
  std::string compiler_version;
  std::string flags;  // for compiler_version, from the catalog (may be a fallback)
  bool flags_fallback = false;
  std::string flags_note;
  bool cuda = false;
  MathLibrary math;
  std::vector<std::string> devel_packages;  // OS + MPI + HDF5/netCDF + math (+ CUDA)
  std::vector<std::string> runtime_packages;
  std::string devel_image;  // the OS image each stage starts from
  std::string runtime_image;
  std::string os;

  // "hpc-base-zen4"
  std::string Repository() const { return "hpc-base-" + name; }
  std::string RuntimeTag(std::string_view date) const;  // hpc-base-zen4:20261129
  std::string DevelTag(std::string_view date) const;    // hpc-base-zen4:20261129-devel
};

// Labels shared by every image aws-hpc builds (org.opencontainers.image.source/revision).
struct ImageProvenance {
  std::string source = "https://github.com/aws-hpc/aws-hpc";
  std::string revision;  // "" -> the aws-hpc version
  std::string date;      // YYYYMMDD, the tag's date
};

class BaseCatalog {
 public:
  // Parses bases.yaml (`origin` names it in messages) against the architecture catalog.
  static Result<BaseCatalog> Parse(std::string_view yaml_text, std::string_view origin,
                                   const arch::Catalog& catalog);
  // The embedded data/containers/bases.yaml with the embedded architecture catalog.
  static Result<const BaseCatalog*> Builtin();

  const std::vector<BaseImage>& Images() const { return images_; }
  // By base name, or by any catalog name/alias of its microarchitecture (neoverse-v1 ->
  // graviton3); NotFound suggests the closest name.
  Result<const BaseImage*> Find(std::string_view name) const;
  // The base an app image for architecture `arch` (app.yaml's name: x86_64, arm64, zen4, cuda)
  // builds on; cuda picks the CUDA base of `isa`.
  Result<const BaseImage*> ForArchitecture(std::string_view arch, std::string_view isa) const;

 private:
  std::vector<BaseImage> images_;
  const arch::Catalog* catalog_ = nullptr;
};

// A base image's build context: the Dockerfile plus the files it COPYs.
struct RenderedImage {
  std::string dockerfile;
  std::map<std::string, std::string> files;  // context-relative name -> content
  std::string content_hash;                  // "sha256:..." (also in the labels)
  std::map<std::string, std::string> labels;
};

// Renders the shared template for `base`. Deterministic for fixed inputs (golden tests).
Result<RenderedImage> RenderBaseImage(const BaseImage& base, const ImageProvenance& provenance);

// The newest date D for which `listing` (lines "repository:tag" as the build tools print them,
// "localhost/" or "docker.io/library/" prefixes ignored) holds both <repository>:D and
// <repository>:D-devel; "" when none. `app build` without --base-date builds on it.
std::string NewestBaseDate(std::string_view listing, std::string_view repository);

// Today's date as YYYYMMDD (UTC).
std::string TodayTag();
// InvalidArgument unless `date` is 8 digits forming a calendar date.
Status CheckDateTag(std::string_view date);

}  // namespace awshpc::container
