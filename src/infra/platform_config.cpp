// File: platform_config.cpp
// aws-hpc.yaml -> PlatformConfig with spec's YAML tree and field reader, so the diagnostics read
// exactly like app.yaml's (file:line:column: field.path: expected ...; got ...).
#include "awshpc/infra/platform_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "../spec/field_reader.hpp"
#include "../spec/yaml_tree.hpp"

namespace awshpc::infra {
namespace {

using spec::Diagnostic;
using spec::internal::FieldReader;
using spec::internal::SubPath;
using spec::internal::YamlNode;

constexpr std::size_t kMaxConfigBytes = 256 * 1024;

// CloudWatch Logs accepts only these retention periods.
const std::vector<std::string> kRetentionDays = {
    "1",   "3",   "5",   "7",   "14",   "30",   "60",   "90",   "120",  "150",  "180",
    "365", "400", "545", "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653"};

// Newest generations first: what a family gets when the config names no microarchitectures.
const std::map<std::string, std::vector<std::string>>& DefaultMicroarchitectures() {
  static const std::map<std::string, std::vector<std::string>> kDefaults = {
      {"x86_64-amd", {"zen4", "zen3"}},
      {"x86_64-intel", {"sapphirerapids", "icelake"}},
      {"arm64-graviton", {"graviton4", "graviton3"}},
      {"gpu", {"cuda"}},
  };
  return kDefaults;
}

class ConfigReader {
 public:
  explicit ConfigReader(std::string file) : file_(file), reader_(std::move(file)) {}

  ConfigLoadResult Read(const YamlNode& root) {
    PlatformConfig config;
    config.file = file_;
    if (reader_.CheckMapping(
            root, "", {"name", "region", "tags", "network", "compute", "storage", "logs", "apps"},
            {"region", "compute"})) {
      if (const YamlNode* n = FieldReader::Find(root, "name")) {
        if (auto v = reader_.Name(*n, "name")) {
          if (v->size() > 32) {
            reader_.Error(*n, "name", "expected at most 32 characters (it prefixes stack names)");
          } else {
            config.name = *v;
          }
        }
      }
      if (const YamlNode* n = FieldReader::Find(root, "region")) ReadRegion(*n, config);
      if (const YamlNode* n = FieldReader::Find(root, "tags")) ReadTags(*n, config);
      if (const YamlNode* n = FieldReader::Find(root, "network")) ReadNetwork(*n, config.network);
      if (const YamlNode* n = FieldReader::Find(root, "compute")) ReadCompute(*n, config.compute);
      if (const YamlNode* n = FieldReader::Find(root, "storage")) ReadStorage(*n, config.storage);
      if (const YamlNode* n = FieldReader::Find(root, "logs")) ReadLogs(*n, config);
      if (const YamlNode* n = FieldReader::Find(root, "apps")) ReadApps(*n, config);
    }
    ConfigLoadResult result;
    result.diagnostics = reader_.TakeDiagnostics();
    if (result.diagnostics.empty()) result.config = std::move(config);
    return result;
  }

 private:
  void ReadRegion(const YamlNode& node, PlatformConfig& config) {
    auto v = reader_.Line(node, "region", 32);
    if (!v) return;
    static const std::regex kRegion("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+");
    if (!std::regex_match(*v, kRegion)) {
      reader_.Error(node, "region",
                    fmt::format("expected an AWS region such as us-east-1; got \"{}\"", *v));
      return;
    }
    config.region = *v;
  }

  void ReadTags(const YamlNode& node, PlatformConfig& config) {
    if (!reader_.CheckFreeMapping(node, "tags")) return;
    for (std::size_t i = 0; i < node.MapSize(); ++i) {
      const std::string key = node.Key(i).scalar;
      const std::string path = SubPath("tags", key);
      if (key.empty() || key.size() > 128 || key.starts_with("aws:")) {
        reader_.Error(node.Key(i), path,
                      "expected a tag key of 1 to 128 characters not starting with aws:");
        continue;
      }
      if (key.starts_with("aws-hpc:")) {
        reader_.Error(node.Key(i), path, "the aws-hpc: prefix is reserved for aws-hpc's own tags");
        continue;
      }
      if (auto v = reader_.String(node.Value(i), path)) {
        if (v->size() > 256) {
          reader_.Error(node.Value(i), path, "expected a tag value of at most 256 characters");
        } else {
          config.tags[key] = *v;
        }
      }
    }
  }

  void ReadNetwork(const YamlNode& node, NetworkConfig& network) {
    if (!reader_.CheckMapping(
            node, "network",
            {"cidr", "availability_zones", "nat_gateway", "interface_endpoints"})) {
      return;
    }
    if (const YamlNode* n = FieldReader::Find(node, "cidr")) {
      if (auto v = reader_.Line(*n, "network.cidr", 32)) {
        static const std::regex kCidr(R"((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,2}))");
        std::smatch m;
        bool ok = std::regex_match(*v, m, kCidr);
        for (int i = 1; ok && i <= 4; ++i) ok = std::stoi(m[i].str()) <= 255;
        const int prefix = ok ? std::stoi(m[5].str()) : 0;
        if (!ok || prefix < 16 || prefix > 22) {
          reader_.Error(*n, "network.cidr",
                        fmt::format("expected an IPv4 CIDR block from /16 to /22 (it is split "
                                    "into subnets); got \"{}\"",
                                    *v));
        } else {
          network.cidr = *v;
        }
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "availability_zones")) {
      if (auto v = reader_.Int(*n, "network.availability_zones", 2, 6)) {
        network.availability_zones = static_cast<int>(*v);
      }
    }
    ReadBool(node, "nat_gateway", "network.nat_gateway", network.nat_gateway);
    ReadBool(node, "interface_endpoints", "network.interface_endpoints",
             network.interface_endpoints);
    if (!network.nat_gateway && !network.interface_endpoints) {
      // Instances in the private subnets would reach neither ECS (to join the compute
      // environment) nor ECR (to pull images): jobs would stay RUNNABLE for ever.
      const YamlNode* n = FieldReader::Find(node, "interface_endpoints");
      reader_.Error(n != nullptr ? *n : node, "network.interface_endpoints",
                    "expected true when network.nat_gateway is false: without either, compute "
                    "instances in the private subnets cannot reach ECS, ECR or CloudWatch Logs");
    }
  }

  void ReadCompute(const YamlNode& node, ComputeConfig& compute) {
    if (!reader_.CheckMapping(node, "compute",
                              {"families", "purchase", "max_vcpus", "ebs_gib", "efa",
                               "placement_group", "fair_share"},
                              {"families"})) {
      return;
    }
    if (const YamlNode* n = FieldReader::Find(node, "max_vcpus")) {
      if (auto v = reader_.Int(*n, "compute.max_vcpus", 1, 100'000)) {
        compute.max_vcpus = static_cast<int>(*v);
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "ebs_gib")) {
      if (auto v = reader_.Int(*n, "compute.ebs_gib", 30, 16'384)) {
        compute.ebs_gib = static_cast<int>(*v);
      }
    }
    ReadBool(node, "efa", "compute.efa", compute.efa);
    ReadBool(node, "placement_group", "compute.placement_group", compute.placement_group);
    ReadBool(node, "fair_share", "compute.fair_share", compute.fair_share);
    if (const YamlNode* n = FieldReader::Find(node, "purchase")) ReadPurchase(*n, compute);
    if (const YamlNode* n = FieldReader::Find(node, "families")) ReadFamilies(*n, compute);
  }

  void ReadPurchase(const YamlNode& node, ComputeConfig& compute) {
    if (!reader_.CheckSequence(node, "compute.purchase")) return;
    if (node.children.empty()) {
      reader_.Error(node, "compute.purchase", "expected at least one of spot or ondemand");
      return;
    }
    compute.spot = compute.ondemand = false;
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      const std::string path = spec::internal::IndexPath("compute.purchase", i);
      if (auto c = reader_.Choice(node.children[i], path, {"spot", "ondemand"})) {
        (*c == 0 ? compute.spot : compute.ondemand) = true;
      }
    }
  }

  void ReadFamilies(const YamlNode& node, ComputeConfig& compute) {
    // A list of names, or a mapping from name to settings (null for the defaults).
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        const std::string path = spec::internal::IndexPath("compute.families", i);
        if (auto c = reader_.Choice(node.children[i], path, KnownFamilies())) {
          AddFamily(node.children[i], path, KnownFamilies()[*c], nullptr, compute);
        }
      }
    } else if (node.IsMapping()) {
      if (!reader_.CheckFreeMapping(node, "compute.families")) return;
      for (std::size_t i = 0; i < node.MapSize(); ++i) {
        const std::string path = SubPath("compute.families", node.Key(i).scalar);
        if (auto c = reader_.Choice(node.Key(i), path, KnownFamilies())) {
          AddFamily(node.Key(i), path, KnownFamilies()[*c], &node.Value(i), compute);
        }
      }
    } else {
      reader_.Error(node, "compute.families",
                    fmt::format("expected a list or mapping of architecture families; got {}",
                                spec::internal::KindDescription(node)));
      return;
    }
    if (compute.families.empty() && reader_.ErrorCount() == 0) {
      reader_.Error(node, "compute.families", "expected at least one architecture family");
    }
  }

  void AddFamily(const YamlNode& at, const std::string& path, const std::string& name,
                 const YamlNode* settings, ComputeConfig& compute) {
    for (const FamilyConfig& f : compute.families) {
      if (f.name == name) {
        reader_.Error(at, path, fmt::format("family {} is listed twice", name));
        return;
      }
    }
    FamilyConfig family;
    family.name = name;
    family.max_vcpus = 0;  // 0: compute.max_vcpus, filled in after the whole file is read
    family.microarchitectures = DefaultMicroarchitectures().at(name);
    if (settings != nullptr && !settings->IsNull() &&
        reader_.CheckMapping(*settings, path,
                             {"max_vcpus", "microarchitectures", "instance_types"})) {
      if (const YamlNode* n = FieldReader::Find(*settings, "max_vcpus")) {
        if (auto v = reader_.Int(*n, SubPath(path, "max_vcpus"), 1, 100'000)) {
          family.max_vcpus = static_cast<int>(*v);
        }
      }
      if (const YamlNode* n = FieldReader::Find(*settings, "microarchitectures")) {
        family.microarchitectures = ReadStrings(*n, SubPath(path, "microarchitectures"));
      }
      if (const YamlNode* n = FieldReader::Find(*settings, "instance_types")) {
        static const std::regex kType(R"([a-z][a-z0-9-]*(\.[a-z0-9]+)?)");
        const std::string list_path = SubPath(path, "instance_types");
        if (reader_.CheckSequence(*n, list_path)) {
          for (std::size_t i = 0; i < n->children.size(); ++i) {
            const std::string item_path = spec::internal::IndexPath(list_path, i);
            auto v = reader_.Line(n->children[i], item_path, 64);
            if (!v) continue;
            if (!std::regex_match(*v, kType)) {
              reader_.Error(n->children[i], item_path,
                            fmt::format("expected an instance type or family such as c7a or "
                                        "c7a.16xlarge; got \"{}\"",
                                        *v));
              continue;
            }
            family.instance_types.push_back(*v);
          }
        }
      }
    }
    compute.families.push_back(std::move(family));
  }

  std::vector<std::string> ReadStrings(const YamlNode& node, const std::string& path) {
    std::vector<std::string> out;
    if (!reader_.CheckSequence(node, path)) return out;
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      if (auto v = reader_.Line(node.children[i], spec::internal::IndexPath(path, i), 64)) {
        out.push_back(*v);
      }
    }
    if (out.empty() && node.children.empty())
      reader_.Error(node, path, "expected a non-empty list");
    return out;
  }

  void ReadStorage(const YamlNode& node, StorageConfig& storage) {
    if (!reader_.CheckMapping(node, "storage", {"bucket", "fsx", "efs"})) return;
    if (const YamlNode* n = FieldReader::Find(node, "bucket")) {
      if (reader_.CheckMapping(*n, "storage.bucket",
                               {"retain", "scratch_expiry_days", "results_tiering_days"})) {
        ReadBool(*n, "retain", "storage.bucket.retain", storage.bucket.retain);
        ReadDays(*n, "scratch_expiry_days", "storage.bucket.scratch_expiry_days",
                 storage.bucket.scratch_expiry_days);
        ReadDays(*n, "results_tiering_days", "storage.bucket.results_tiering_days",
                 storage.bucket.results_tiering_days);
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "fsx")) ReadFsx(*n, storage.fsx);
    if (const YamlNode* n = FieldReader::Find(node, "efs")) {
      if (auto v = reader_.Bool(*n, "storage.efs")) storage.efs = *v;
    }
  }

  void ReadFsx(const YamlNode& node, FsxConfig& fsx) {
    if (!reader_.CheckMapping(node, "storage.fsx",
                              {"enabled", "capacity_gib", "deployment", "throughput_per_tib"})) {
      return;
    }
    fsx.enabled = true;
    ReadBool(node, "enabled", "storage.fsx.enabled", fsx.enabled);
    const std::vector<std::string> kDeployments = {"SCRATCH_2", "PERSISTENT_2"};
    if (const YamlNode* n = FieldReader::Find(node, "deployment")) {
      if (auto c = reader_.Choice(*n, "storage.fsx.deployment", kDeployments)) {
        fsx.deployment = kDeployments[*c];
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "capacity_gib")) {
      // Lustre SSD capacity: 1200, 2400, then steps of 2400 GiB.
      if (auto v = reader_.Int(*n, "storage.fsx.capacity_gib", 1200, 1'000'000)) {
        if (*v != 1200 && *v % 2400 != 0) {
          reader_.Error(*n, "storage.fsx.capacity_gib",
                        fmt::format("expected 1200, 2400 or a multiple of 2400 GiB; got {}", *v));
        } else {
          fsx.capacity_gib = static_cast<int>(*v);
        }
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "throughput_per_tib")) {
      const std::vector<std::string> kThroughputs = {"125", "250", "500", "1000"};
      if (auto c = reader_.Choice(*n, "storage.fsx.throughput_per_tib", kThroughputs)) {
        fsx.throughput_per_tib = std::stoi(kThroughputs[*c]);
      }
    }
  }

  void ReadLogs(const YamlNode& node, PlatformConfig& config) {
    if (!reader_.CheckMapping(node, "logs", {"retention_days"})) return;
    if (const YamlNode* n = FieldReader::Find(node, "retention_days")) {
      if (auto c = reader_.Choice(*n, "logs.retention_days", kRetentionDays)) {
        config.log_retention_days = std::stoi(kRetentionDays[*c]);
      }
    }
  }

  void ReadApps(const YamlNode& node, PlatformConfig& config) {
    if (!reader_.CheckSequence(node, "apps")) return;
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      if (auto v = reader_.Name(node.children[i], spec::internal::IndexPath("apps", i))) {
        config.apps.push_back(*v);
      }
    }
  }

  void ReadBool(const YamlNode& mapping, std::string_view key, std::string_view path, bool& out) {
    if (const YamlNode* n = FieldReader::Find(mapping, key)) {
      if (auto v = reader_.Bool(*n, path)) out = *v;
    }
  }

  void ReadDays(const YamlNode& mapping, std::string_view key, std::string_view path, int& out) {
    if (const YamlNode* n = FieldReader::Find(mapping, key)) {
      if (auto v = reader_.Int(*n, path, 1, 3650)) out = static_cast<int>(*v);
    }
  }

  std::string file_;
  FieldReader reader_;
};

}  // namespace

const std::vector<std::string>& KnownFamilies() {
  static const std::vector<std::string> kFamilies = {"x86_64-amd", "x86_64-intel", "arm64-graviton",
                                                     "gpu"};
  return kFamilies;
}

const FamilyConfig* PlatformConfig::FindFamily(std::string_view family_name) const {
  for (const FamilyConfig& f : compute.families) {
    if (f.name == family_name) return &f;
  }
  return nullptr;
}

std::string ConfigLoadResult::DiagnosticsText() const {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.ToString();
  }
  return out;
}

ConfigLoadResult ParsePlatformConfig(std::string_view yaml_text, const std::string& file) {
  ConfigLoadResult result;
  const auto fail = [&](int line, int column, std::string message) {
    result.diagnostics.push_back(Diagnostic{file, line, column, "", std::move(message)});
    return result;
  };
  if (yaml_text.size() > kMaxConfigBytes) {
    return fail(0, 0,
                fmt::format("file is {} bytes; the platform config is limited to {} bytes",
                            yaml_text.size(), kMaxConfigBytes));
  }
  spec::internal::YamlParseResult parsed = spec::internal::ParseYamlDocument(yaml_text, 32, 20'000);
  if (!parsed.ok) return fail(parsed.line, parsed.column, parsed.error);
  if (parsed.empty || parsed.root.IsNull()) {
    return fail(1, 1, "file is empty; expected a mapping with region and compute");
  }
  ConfigReader reader(file);
  result = reader.Read(parsed.root);
  if (result.config) {
    for (FamilyConfig& f : result.config->compute.families) {
      if (f.max_vcpus == 0) f.max_vcpus = result.config->compute.max_vcpus;
    }
  }
  return result;
}

ConfigLoadResult LoadPlatformConfigFile(const std::string& path) {
  ConfigLoadResult result;
  const auto fail = [&](std::string message) {
    result.diagnostics.push_back(Diagnostic{path, 0, 0, "", std::move(message)});
    return result;
  };
  Result<std::string> text = spec::internal::ReadBoundedFile(path, kMaxConfigBytes);
  if (!text.ok()) return fail(text.status().message());
  return ParsePlatformConfig(*text, path);
}

Result<PlatformConfig> LoadPlatformConfig(const std::string& path) {
  ConfigLoadResult loaded = LoadPlatformConfigFile(path);
  if (!loaded.config) return InvalidArgumentError(loaded.DiagnosticsText());
  return std::move(*loaded.config);
}

std::string DefaultPlatformConfigPath() {
  const char* path = std::getenv("AWS_HPC_CONFIG");
  return path != nullptr && *path != '\0' ? path : "aws-hpc.yaml";
}

Result<std::string> PlatformNameAt(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  ASSIGN_OR_RETURN(const PlatformConfig config, LoadPlatformConfig(path));
  return config.name;
}

}  // namespace awshpc::infra
