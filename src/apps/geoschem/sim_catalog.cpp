// File: sim_catalog.cpp
#include "awshpc/apps/geoschem/sim_catalog.hpp"

#include <fmt/format.h>

#include "../yaml_util.hpp"

namespace awshpc::apps::geoschem {
namespace {

Result<std::vector<std::string>> StringList(const std::string& file, const YAML::Node& node,
                                            const std::string& field) {
  if (!node.IsSequence()) return YamlError(file, node, field, "expected a list");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    ASSIGN_OR_RETURN(std::string value, ScalarAt(file, node[i], fmt::format("{}[{}]", field, i)));
    out.push_back(std::move(value));
  }
  return out;
}

Result<bool> Bool(const std::string& file, const YAML::Node& node, const std::string& field) {
  ASSIGN_OR_RETURN(std::string text, ScalarAt(file, node, field));
  if (text == "true") return true;
  if (text == "false") return false;
  return YamlError(file, node, field, "expected true or false; got \"" + text + "\"");
}

Result<Simulation> ReadSimulation(const std::string& file, const std::string& name,
                                  const YAML::Node& node) {
  const std::string at = "simulations." + name;
  if (!node.IsMap()) return YamlError(file, node, at, "expected a mapping");
  Simulation sim;
  sim.name = name;
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>("");
    const std::string field = at + "." + key;
    if (key == "gchp") {
      ASSIGN_OR_RETURN(sim.gchp, Bool(file, entry.second, field));
    } else if (key == "collections") {
      ASSIGN_OR_RETURN(sim.collections, StringList(file, entry.second, field));
    } else if (key == "data") {
      ASSIGN_OR_RETURN(sim.data, StringList(file, entry.second, field));
    } else if (key == "switches") {
      if (!entry.second.IsMap()) return YamlError(file, entry.second, field, "expected a mapping");
      for (const auto& s : entry.second) {
        const std::string sw = s.first.as<std::string>("");
        ASSIGN_OR_RETURN(bool on, Bool(file, s.second, field + "." + sw));
        sim.switches.emplace_back(sw, on);
      }
    } else if (key == "extensions") {
      if (!entry.second.IsSequence())
        return YamlError(file, entry.second, field, "expected a list");
      for (std::size_t i = 0; i < entry.second.size(); ++i) {
        const YAML::Node ext = entry.second[i];
        const std::string ef = fmt::format("{}[{}]", field, i);
        HemcoExtension out;
        ASSIGN_OR_RETURN(std::string nr, ScalarAt(file, ext["nr"], ef + ".nr"));
        out.number = std::atoi(nr.c_str());
        if (out.number <= 0) return YamlError(file, ext["nr"], ef + ".nr", "expected a number");
        ASSIGN_OR_RETURN(out.name, ScalarAt(file, ext["name"], ef + ".name"));
        ASSIGN_OR_RETURN(out.on, Bool(file, ext["on"], ef + ".on"));
        ASSIGN_OR_RETURN(out.species, ScalarAt(file, ext["species"], ef + ".species"));
        sim.extensions.push_back(std::move(out));
      }
    } else {
      return YamlError(file, entry.first, field, "unknown key");
    }
  }
  return sim;
}

}  // namespace

const Simulation* SimCatalog::Find(const std::string& name) const {
  auto it = simulations.find(name);
  return it == simulations.end() ? nullptr : &it->second;
}

Result<SimCatalog> LoadSimCatalog(const std::string& app_dir) {
  const std::string file = app_dir + "/simulations.yaml";
  ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(file));
  SimCatalog catalog;
  const YAML::Node sims = root["simulations"];
  if (!sims.IsMap()) return YamlError(file, root, "simulations", "expected a mapping");
  for (const auto& entry : sims) {
    const std::string name = entry.first.as<std::string>("");
    ASSIGN_OR_RETURN(Simulation sim, ReadSimulation(file, name, entry.second));
    catalog.simulations.emplace(name, std::move(sim));
  }
  const YAML::Node collections = root["collections"];
  if (!collections.IsMap()) return YamlError(file, root, "collections", "expected a mapping");
  for (const auto& entry : collections) {
    const std::string name = entry.first.as<std::string>("");
    ASSIGN_OR_RETURN(catalog.collection_fields[name],
                     StringList(file, entry.second, "collections." + name));
  }
  for (const auto& [name, sim] : catalog.simulations) {
    for (const std::string& collection : sim.collections) {
      if (catalog.collection_fields.count(collection) == 0) {
        return InvalidArgumentError(fmt::format(
            "{}: simulations.{}.collections: {} is not under collections", file, name, collection));
      }
    }
  }
  return catalog;
}

}  // namespace awshpc::apps::geoschem
