// File: base_image.cpp
// bases.yaml + the architecture catalog -> the list of base images, and the rendering of the
// shared base template for one of them.
#include "awshpc/container/base_image.hpp"

#include <sys/utsname.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include "awshpc/container/content_hash.hpp"
#include "awshpc/container/dockerfile.hpp"
#include "awshpc/container/template.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/core/version.hpp"
#include "yaml_fields.hpp"

namespace awshpc::container {
namespace {

using internal::YamlFields;

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  for (const auto& item : b) {
    if (std::find(a.begin(), a.end(), item) == a.end()) a.push_back(item);
  }
  return a;
}

std::string JoinSpace(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

struct OsSettings {
  std::string name, devel_image, runtime_image, compiler, compiler_version;
  std::vector<std::string> devel, runtime;
};

Result<MathLibrary> ReadMath(const YamlFields& y, const YAML::Node& node,
                             const std::string& field) {
  RETURN_IF_ERROR(y.CheckKeys(node, field, {"library", "devel", "runtime", "components", "note"}));
  MathLibrary math;
  ASSIGN_OR_RETURN(math.library, y.String(node, "library", field, true));
  ASSIGN_OR_RETURN(math.devel_packages, y.Strings(node, "devel", field));
  ASSIGN_OR_RETURN(math.runtime_packages, y.Strings(node, "runtime", field));
  ASSIGN_OR_RETURN(std::string components, y.String(node, "components", field, false));
  if (!components.empty()) math.components = "main " + components;
  ASSIGN_OR_RETURN(math.note, y.String(node, "note", field, false));
  return math;
}

Result<BaseImage> MakeBase(const YamlFields& y, const YAML::Node& where, const std::string& field,
                           const arch::Catalog& catalog, const OsSettings& os,
                           const std::map<std::string, MathLibrary>& math, const std::string& name,
                           const std::string& cpu) {
  auto target = catalog.Find(cpu);
  if (!target.ok()) return y.Error(where, field, target.status().message());
  const arch::Microarchitecture& t = **target;
  if (t.kind == arch::TargetKind::kGpu) {
    return y.Error(where, field, fmt::format("\"{}\" is not a CPU target", cpu));
  }
  BaseImage base;
  base.name = name;
  base.microarch = t.name;
  base.isa = t.isa;
  ASSIGN_OR_RETURN(base.platform, PlatformForIsa(t.isa));
  base.vendor = t.vendor;
  base.description = OneLine(t.description);
  base.os = os.name;
  base.devel_image = os.devel_image;
  base.runtime_image = os.runtime_image;
  base.compiler = os.compiler;
  base.compiler_version = os.compiler_version;
  auto flags = catalog.FlagsFor(t.name, os.compiler, os.compiler_version);
  if (!flags.ok()) return y.Error(where, field, flags.status().message());
  base.flags = flags->flags;
  base.flags_fallback = flags->fallback;
  base.flags_note = flags->note;
  const auto m = math.find(t.vendor);
  if (m == math.end()) {
    return y.Error(where, field, fmt::format("no math library for vendor \"{}\"", t.vendor));
  }
  base.math = m->second;
  base.devel_packages = Concat(os.devel, base.math.devel_packages);
  base.runtime_packages = Concat(os.runtime, base.math.runtime_packages);
  return base;
}

// Everything that decides a base image's bytes, one fact per line (its content hash input).
std::string CanonicalText(const BaseImage& b, const ImageProvenance& p) {
  return fmt::format(
      "name={}\nmicroarch={}\nisa={}\nplatform={}\nos={}\ndevel_image={}\nruntime_image={}\n"
      "compiler={} {}\nflags={}\nmath={}\ncomponents={}\ndevel={}\nruntime={}\nsource={}\n"
      "revision={}\n",
      b.name, b.microarch, b.isa, b.platform, b.os, b.devel_image, b.runtime_image, b.compiler,
      b.compiler_version, b.flags, b.math.library, b.math.components, JoinSpace(b.devel_packages),
      JoinSpace(b.runtime_packages), p.source, p.revision);
}

}  // namespace

Result<std::string> PlatformForIsa(std::string_view isa) {
  if (isa == "x86_64" || isa == "amd64") return std::string("linux/amd64");
  if (isa == "aarch64" || isa == "arm64") return std::string("linux/arm64");
  return InvalidArgumentError(fmt::format("no container platform for ISA \"{}\"", isa));
}

std::string HostPlatform() {
  utsname name{};
  if (uname(&name) != 0) return "linux/amd64";
  auto platform = PlatformForIsa(name.machine);
  return platform.ok() ? *platform : std::string("linux/") + name.machine;
}

std::string BaseImage::RuntimeTag(std::string_view date) const {
  return fmt::format("{}:{}", Repository(), date);
}
std::string BaseImage::DevelTag(std::string_view date) const {
  return fmt::format("{}:{}-devel", Repository(), date);
}

Result<BaseCatalog> BaseCatalog::Parse(std::string_view yaml_text, std::string_view origin,
                                       const arch::Catalog& catalog) {
  const YamlFields y(origin);
  ASSIGN_OR_RETURN(YAML::Node root, y.Load(yaml_text));
  RETURN_IF_ERROR(y.CheckKeys(root, "bases.yaml", {"os", "packages", "math", "targets", "cuda"}));
  OsSettings os;
  const YAML::Node os_node = root["os"];
  if (!os_node) return y.Error(root, "bases.yaml", "missing \"os\"");
  RETURN_IF_ERROR(y.CheckKeys(
      os_node, "os", {"name", "devel_image", "runtime_image", "compiler", "compiler_version"}));
  ASSIGN_OR_RETURN(os.name, y.String(os_node, "name", "os", true));
  ASSIGN_OR_RETURN(os.devel_image, y.String(os_node, "devel_image", "os", true));
  ASSIGN_OR_RETURN(os.runtime_image, y.String(os_node, "runtime_image", "os", true));
  ASSIGN_OR_RETURN(os.compiler, y.String(os_node, "compiler", "os", true));
  ASSIGN_OR_RETURN(os.compiler_version, y.String(os_node, "compiler_version", "os", true));
  const YAML::Node packages = root["packages"];
  if (packages) {
    RETURN_IF_ERROR(y.CheckKeys(packages, "packages", {"devel", "runtime"}));
    ASSIGN_OR_RETURN(os.devel, y.Strings(packages, "devel", "packages"));
    ASSIGN_OR_RETURN(os.runtime, y.Strings(packages, "runtime", "packages"));
  }
  std::map<std::string, MathLibrary> math;
  const YAML::Node math_node = root["math"];
  if (!math_node || !math_node.IsMap()) return y.Error(root, "math", "expected a mapping");
  for (const auto& item : math_node) {
    const std::string vendor = item.first.as<std::string>();
    ASSIGN_OR_RETURN(math[vendor], ReadMath(y, item.second, "math." + vendor));
  }

  BaseCatalog out;
  out.catalog_ = &catalog;
  ASSIGN_OR_RETURN(std::vector<std::string> targets, y.Strings(root, "targets", "bases.yaml"));
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::string field = fmt::format("targets[{}]", i);
    ASSIGN_OR_RETURN(BaseImage base, MakeBase(y, root["targets"][i], field, catalog, os, math,
                                              targets[i], targets[i]));
    base.name = base.microarch;  // canonical name even when an alias was written
    out.images_.push_back(std::move(base));
  }
  const YAML::Node cuda = root["cuda"];
  if (cuda) {
    if (!cuda.IsSequence()) return y.Error(cuda, "cuda", "expected a list");
    for (std::size_t i = 0; i < cuda.size(); ++i) {
      const std::string field = fmt::format("cuda[{}]", i);
      const YAML::Node node = cuda[i];
      RETURN_IF_ERROR(y.CheckKeys(node, field, {"name", "cpu", "devel", "runtime"}));
      ASSIGN_OR_RETURN(std::string name, y.String(node, "name", field, true));
      ASSIGN_OR_RETURN(std::string cpu, y.String(node, "cpu", field, true));
      ASSIGN_OR_RETURN(BaseImage base, MakeBase(y, node, field, catalog, os, math, name, cpu));
      ASSIGN_OR_RETURN(std::vector<std::string> devel, y.Strings(node, "devel", field));
      ASSIGN_OR_RETURN(std::vector<std::string> runtime, y.Strings(node, "runtime", field));
      base.cuda = true;
      base.description = fmt::format("CUDA on {} ({})", base.microarch, base.description);
      base.devel_packages = Concat(base.devel_packages, devel);
      base.runtime_packages = Concat(base.runtime_packages, runtime);
      // nvidia-cuda-toolkit lives in Debian's non-free component.
      if (base.math.components.find("non-free") == std::string::npos) {
        base.math.components += " non-free";
      }
      out.images_.push_back(std::move(base));
    }
  }
  for (std::size_t i = 0; i < out.images_.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (out.images_[i].name == out.images_[j].name) {
        return InvalidArgumentError(
            fmt::format("{}: base \"{}\" is listed twice", origin, out.images_[i].name));
      }
    }
  }
  return out;
}

Result<const BaseCatalog*> BaseCatalog::Builtin() {
  static const Result<BaseCatalog>* const kCatalog = [] {
    auto arch_catalog = arch::Catalog::Builtin();
    if (!arch_catalog.ok()) return new Result<BaseCatalog>(arch_catalog.status());
    return new Result<BaseCatalog>(
        Parse(BasesYaml(), "data/containers/bases.yaml", **arch_catalog));
  }();
  if (!kCatalog->ok()) return kCatalog->status();
  return &kCatalog->value();
}

Result<const BaseImage*> BaseCatalog::Find(std::string_view name) const {
  std::vector<std::string> names;
  for (const BaseImage& base : images_) {
    if (base.name == name || base.Repository() == name) return &base;
    names.push_back(base.name);
  }
  // A catalog name or alias of a target that has a base (neoverse-v1 -> graviton3).
  auto target = catalog_->Find(name);
  if (target.ok()) {
    for (const BaseImage& base : images_) {
      if (!base.cuda && base.microarch == (*target)->name) return &base;
    }
  }
  const std::string near = ClosestMatch(name, names);
  return NotFoundError(
      fmt::format("no base image \"{}\"{}", name,
                  near.empty() ? " (see `aws-hpc base list`)" : " (did you mean " + near + "?)"));
}

Result<const BaseImage*> BaseCatalog::ForArchitecture(std::string_view arch,
                                                      std::string_view isa) const {
  if (arch == "cuda") {
    const std::string want = isa == "aarch64" || isa == "arm64" ? "cuda-arm64" : "cuda-x86_64";
    return Find(want);
  }
  return Find(arch);
}

std::string NewestBaseDate(std::string_view listing, std::string_view repository) {
  std::set<std::string> runtime;
  std::set<std::string> devel;
  std::size_t start = 0;
  while (start < listing.size()) {
    const std::size_t end = std::min(listing.find('\n', start), listing.size());
    std::string_view line = listing.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    for (std::string_view prefix : {"localhost/", "docker.io/library/", "docker.io/"}) {
      if (line.starts_with(prefix)) line.remove_prefix(prefix.size());
    }
    const std::size_t colon = line.rfind(':');
    if (colon == std::string_view::npos || line.substr(0, colon) != repository) continue;
    std::string_view tag = line.substr(colon + 1);
    const bool is_devel = tag.ends_with("-devel");
    if (is_devel) tag.remove_suffix(6);
    if (!CheckDateTag(tag).ok()) continue;
    (is_devel ? devel : runtime).insert(std::string(tag));
  }
  for (auto it = runtime.rbegin(); it != runtime.rend(); ++it) {
    if (devel.count(*it)) return *it;
  }
  return "";
}

std::string TodayTag() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

Status CheckDateTag(std::string_view date) {
  const auto bad = [&] {
    return InvalidArgumentError(
        fmt::format("date {} is not YYYYMMDD (e.g. 20261129)", QuoteForMessage(date)));
  };
  if (date.size() != 8) return bad();
  for (char c : date) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad();
  }
  const int month = std::stoi(std::string(date.substr(4, 2)));
  const int day = std::stoi(std::string(date.substr(6, 2)));
  if (month < 1 || month > 12 || day < 1 || day > 31) return bad();
  return Status::Ok();
}

Result<RenderedImage> RenderBaseImage(const BaseImage& base, const ImageProvenance& provenance) {
  RETURN_IF_ERROR(CheckDateTag(provenance.date));
  ImageProvenance p = provenance;
  if (p.revision.empty()) p.revision = std::string(kVersion);

  RenderedImage out;
  out.files["aws-hpc-install-packages"] = std::string(InstallPackagesScript());
  ContentHash hash;
  hash.Add("template", BaseDockerfileTemplate());
  hash.Add("settings", CanonicalText(base, p));
  hash.Add("aws-hpc-install-packages", InstallPackagesScript());
  out.content_hash = hash.Finish();

  out.labels = {
      {"org.opencontainers.image.title", base.Repository()},
      {"org.opencontainers.image.description", base.description},
      {"org.opencontainers.image.source", p.source},
      {"org.opencontainers.image.revision", p.revision},
      {"org.opencontainers.image.version", p.date},
      {"io.aws-hpc.arch", base.isa},
      {"io.aws-hpc.microarch", base.microarch},
      {"io.aws-hpc.flags", base.flags},
      {"io.aws-hpc.compiler", base.compiler + " " + base.compiler_version},
      {"io.aws-hpc.math", base.math.library},
      {std::string(kContentHashLabel), out.content_hash},
  };
  std::vector<std::pair<std::string, std::string>> labels(out.labels.begin(), out.labels.end());
  std::vector<std::pair<std::string, std::string>> devel_labels = labels;
  devel_labels.emplace_back("org.opencontainers.image.base.name", base.devel_image);
  labels.emplace_back("org.opencontainers.image.base.name", base.runtime_image);

  // Single-node MPI needs no remote shell: Open MPI's singleton start-up still looks for one, so
  // point it at /bin/false (multi-node images install ssh and override this).
  const std::vector<std::pair<std::string, std::string>> env = {
      {"AWS_HPC_BASE", base.name},
      {"AWS_HPC_MICROARCH", base.microarch},
      {"AWS_HPC_ARCH_FLAGS", base.flags},
      {"CFLAGS", "-O2 " + base.flags},
      {"CXXFLAGS", "-O2 " + base.flags},
      {"FFLAGS", "-O2 " + base.flags},
      {"OMPI_MCA_plm_rsh_agent", "/bin/false"},
  };
  const auto install = [&](const std::vector<std::string>& packages) {
    std::vector<std::string> argv = {"/usr/local/bin/aws-hpc-install-packages", "--components",
                                     base.math.components};
    argv.insert(argv.end(), packages.begin(), packages.end());
    return ExecForm(argv);
  };
  std::map<std::string, std::string> vars;
  vars["name"] = base.Repository();
  vars["description"] = base.description;
  vars["devel_tag"] = base.DevelTag(p.date);
  vars["runtime_tag"] = base.RuntimeTag(p.date);
  vars["platform"] = base.platform;
  vars["devel_image"] = base.devel_image;
  vars["runtime_image"] = base.runtime_image;
  vars["devel_install"] = install(base.devel_packages);
  vars["runtime_install"] = install(base.runtime_packages);
  ASSIGN_OR_RETURN_CTX(vars["environment"], KeyValues(env), "base " + base.name + " environment");
  ASSIGN_OR_RETURN_CTX(vars["devel_labels"], KeyValues(devel_labels), "base " + base.name);
  ASSIGN_OR_RETURN_CTX(vars["runtime_labels"], KeyValues(labels), "base " + base.name);
  ASSIGN_OR_RETURN(out.dockerfile, RenderTemplate(BaseDockerfileTemplate(),
                                                  "data/containers/base.Dockerfile.in", vars));
  return out;
}

}  // namespace awshpc::container
