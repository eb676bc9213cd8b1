// File: read_resources.cpp
// SpecReader: `resources` (values and limits), `variants`, `architectures` and `containers`.
#include "spec_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "awshpc/core/text.hpp"
#include "awshpc/spec/param_types.hpp"
#include "awshpc/spec/template.hpp"
#include "suggest.hpp"

namespace awshpc::spec::internal {

template <typename T, typename ReadOne>
Bounded<T> SpecReader::ReadBounded(const YamlNode& node, const std::string& path,
                                   ReadOne read_one) {
  Bounded<T> out;
  if (!node.IsMapping()) {
    if (auto v = read_one(node, path)) out.value = static_cast<T>(*v);
    return out;
  }
  if (!r_.CheckMapping(node, path, kBoundsKeys)) return out;
  if (const YamlNode* n = FieldReader::Find(node, "default")) {
    if (auto v = read_one(*n, SubPath(path, "default"))) out.value = static_cast<T>(*v);
  }
  if (const YamlNode* n = FieldReader::Find(node, "min")) {
    if (auto v = read_one(*n, SubPath(path, "min"))) out.min = static_cast<T>(*v);
  }
  if (const YamlNode* n = FieldReader::Find(node, "max")) {
    if (auto v = read_one(*n, SubPath(path, "max"))) out.max = static_cast<T>(*v);
  }
  if (out.min && out.max && *out.min > *out.max) {
    r_.Error(*FieldReader::Find(node, "max"), SubPath(path, "max"),
             fmt::format("max {} is below min {}", *out.max, *out.min));
  } else if (out.value && out.min && *out.value < *out.min) {
    r_.Error(*FieldReader::Find(node, "default"), SubPath(path, "default"), "default is below min");
  } else if (out.value && out.max && *out.value > *out.max) {
    r_.Error(*FieldReader::Find(node, "default"), SubPath(path, "default"), "default is above max");
  }
  return out;
}

ResourceSpec SpecReader::ReadResources(const YamlNode& node, const std::string& path) {
  ResourceSpec out;
  if (!r_.CheckMapping(node, path, kResourcesKeys)) return out;
  const auto count = [this](std::int64_t min) {
    return [this, min](const YamlNode& n, const std::string& p) {
      return r_.Int(n, p, min, kMaxCount);
    };
  };
  const auto memory = [this](const YamlNode& n, const std::string& p) { return r_.Memory(n, p); };
  const auto duration = [this](const YamlNode& n, const std::string& p) {
    return r_.Duration(n, p);
  };
  if (const YamlNode* n = FieldReader::Find(node, "vcpus")) {
    out.vcpus = ReadBounded<int>(*n, SubPath(path, "vcpus"), count(1));
  }
  if (const YamlNode* n = FieldReader::Find(node, "memory")) {
    out.memory_mib = ReadBounded<std::int64_t>(*n, SubPath(path, "memory"), memory);
  }
  if (const YamlNode* n = FieldReader::Find(node, "gpus")) {
    out.gpus = ReadBounded<int>(*n, SubPath(path, "gpus"), count(0));
  }
  if (const YamlNode* n = FieldReader::Find(node, "nodes")) {
    out.nodes = ReadBounded<int>(*n, SubPath(path, "nodes"), count(1));
  }
  if (const YamlNode* n = FieldReader::Find(node, "walltime")) {
    out.walltime_seconds = ReadBounded<std::int64_t>(*n, SubPath(path, "walltime"), duration);
  }
  return out;
}

std::vector<std::string> SpecReader::ReadArchitectures(const YamlNode& node,
                                                       const std::string& path,
                                                       const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  if (!r_.CheckSequence(node, path)) return out;
  if (node.children.empty()) r_.Error(node, path, "expected at least one architecture");
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const YamlNode& item = node.children[i];
    const std::string item_path = IndexPath(path, i);
    const auto index = r_.Choice(item, item_path, KnownArchitectures());
    if (!index) continue;
    const std::string& arch = KnownArchitectures()[*index];
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), arch) == allowed.end()) {
      r_.Error(
          item, item_path,
          fmt::format("\"{}\" is not among the app's architectures ({})", arch, JoinOr(allowed)));
    } else if (std::find(out.begin(), out.end(), arch) != out.end()) {
      r_.Error(item, item_path, fmt::format("duplicate architecture \"{}\"", arch));
    } else {
      out.push_back(arch);
    }
  }
  return out;
}

void SpecReader::ReadVariants(const YamlNode& root) {
  const YamlNode* node = FieldReader::Find(root, "variants");
  if (node != nullptr && r_.CheckSequence(*node, "variants")) {
    if (node->children.empty()) r_.Error(*node, "variants", "expected at least one variant");
    for (std::size_t i = 0; i < node->children.size(); ++i) {
      ReadVariant(node->children[i], IndexPath("variants", i));
    }
  }
  if (node == nullptr) {
    Variant implicit;
    implicit.name = "default";
    spec_.variants.push_back(std::move(implicit));
    if (FieldReader::Find(root, "command") == nullptr) {
      r_.Error(root, "command", "missing required key");
    }
  }
  if (const YamlNode* n = FieldReader::Find(root, "defaultVariant")) {
    if (auto v = r_.String(*n, "defaultVariant")) {
      if (spec_.FindVariant(*v) != nullptr) {
        spec_.default_variant = *v;
      } else if (!spec_.variants.empty()) {
        std::string message =
            fmt::format("expected one of {}; got {}", JoinOr(spec_.VariantNames()), Quote(*v));
        r_.Error(*n, "defaultVariant", std::move(message));
      }
    }
  } else if (!spec_.variants.empty()) {
    spec_.default_variant = spec_.variants.front().name;
  }
  for (std::size_t i = 0; i < spec_.variants.size(); ++i) CheckVariantResources(root, i);
}

void SpecReader::ReadVariant(const YamlNode& node, const std::string& path) {
  if (!r_.CheckMapping(node, path, kVariantKeys, {"name", "parallelism"})) return;
  Variant v;
  if (const YamlNode* n = FieldReader::Find(node, "name")) {
    v.name = r_.Name(*n, SubPath(path, "name")).value_or("");
    if (!v.name.empty() && spec_.FindVariant(v.name) != nullptr) {
      r_.Error(*n, SubPath(path, "name"), fmt::format("duplicate variant name \"{}\"", v.name));
    }
  }
  if (const YamlNode* n = FieldReader::Find(node, "description")) {
    v.description = r_.String(*n, SubPath(path, "description")).value_or("");
  }
  if (const YamlNode* n = FieldReader::Find(node, "parallelism")) {
    if (auto index = r_.Choice(*n, SubPath(path, "parallelism"), kParallelismNames)) {
      v.parallelism = static_cast<Parallelism>(*index);
    }
  }
  if (const YamlNode* n = FieldReader::Find(node, "command")) {
    v.command = ReadCommand(*n, SubPath(path, "command"));
  } else if (!has_top_command_) {
    r_.Error(node, SubPath(path, "command"),
             "missing required key (there is no top-level command)");
  }
  if (const YamlNode* n = FieldReader::Find(node, "resources")) {
    v.resources = ReadResources(*n, SubPath(path, "resources"));
  }
  if (const YamlNode* n = FieldReader::Find(node, "environment")) {
    v.environment = ReadEnvironment(*n, SubPath(path, "environment"));
  }
  if (const YamlNode* n = FieldReader::Find(node, "architectures")) {
    v.architectures = ReadArchitectures(*n, SubPath(path, "architectures"), spec_.architectures);
  }
  variant_nodes_.push_back(&node);
  spec_.variants.push_back(std::move(v));
}

// Defaults must suit the variant's parallelism and lie within the limits.
void SpecReader::CheckVariantResources(const YamlNode& root, std::size_t index) {
  const Variant& v = spec_.variants[index];
  const bool implicit = index >= variant_nodes_.size();
  const YamlNode& at = implicit ? root : *variant_nodes_[index];
  const std::string path = implicit ? "resources" : IndexPath("variants", index);
  const auto pick = [](const auto& variant_value, const auto& top_value, auto fallback) {
    return variant_value ? *variant_value : top_value ? *top_value : fallback;
  };
  const int nodes = pick(v.resources.nodes.value, spec_.resources.nodes.value, 1);
  const int gpus = pick(v.resources.gpus.value, spec_.resources.gpus.value, 0);
  if ((v.parallelism == Parallelism::kSerial || v.parallelism == Parallelism::kOpenMp) &&
      nodes != 1) {
    r_.Error(at, path,
             fmt::format("a {} variant runs on one node; got nodes {}",
                         ParallelismName(v.parallelism), nodes));
  }
  if (v.parallelism == Parallelism::kGpu && gpus < 1) {
    r_.Error(at, path, "a gpu variant needs resources.gpus >= 1");
  }
}

void SpecReader::ReadContainers(const YamlNode& node) {
  if (!r_.CheckFreeMapping(node, "containers")) return;
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < node.MapSize(); ++i) {
    const YamlNode& key = node.Key(i);
    if (!key.IsScalar() || !seen.insert(key.scalar).second) continue;
    const std::string path = SubPath("containers", key.scalar);
    const auto& known = KnownArchitectures();
    if (std::find(known.begin(), known.end(), key.scalar) == known.end()) {
      r_.Error(key, "containers",
               fmt::format("expected an architecture (one of {}); got {}", JoinOr(known),
                           Quote(key.scalar)));
      continue;
    }
    if (!spec_.architectures.empty() &&
        std::find(spec_.architectures.begin(), spec_.architectures.end(), key.scalar) ==
            spec_.architectures.end()) {
      r_.Error(key, "containers",
               fmt::format("\"{}\" is not among the app's architectures ({})", key.scalar,
                           JoinOr(spec_.architectures)));
      continue;
    }
    auto image = r_.Line(node.Value(i), path, 512);
    if (!image) continue;
    if (image->find(' ') != std::string::npos) {
      r_.Error(node.Value(i), path,
               fmt::format("expected an image reference without spaces (e.g. "
                           "public.ecr.aws/hpc/lammps:2Aug2023); got {}",
                           Quote(*image)));
      continue;
    }
    spec_.containers.push_back(Container{key.scalar, *image});
  }
}

}  // namespace awshpc::spec::internal
