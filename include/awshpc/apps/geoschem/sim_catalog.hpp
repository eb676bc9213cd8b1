// File: sim_catalog.hpp
// What GEOS-Chem's simulations need, read from <app dir>/simulations.yaml: which GCHP offers,
// default HISTORY collections and their fields, HEMCO switches and extensions, and the key
// prefixes of their input data under the gcgrid bucket.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::apps::geoschem {

struct HemcoExtension {
  int number = 0;
  std::string name;
  bool on = false;
  std::string species;
};

struct Simulation {
  std::string name;
  bool gchp = false;
  std::vector<std::string> collections;
  std::vector<std::pair<std::string, bool>> switches;  // in file order
  std::vector<HemcoExtension> extensions;
  std::vector<std::string> data;  // key prefixes with $YYYY and $MET
};

struct SimCatalog {
  std::map<std::string, Simulation> simulations;
  std::map<std::string, std::vector<std::string>> collection_fields;

  const Simulation* Find(const std::string& name) const;
};

// Reads <app_dir>/simulations.yaml; errors name file, line and field.
Result<SimCatalog> LoadSimCatalog(const std::string& app_dir);

}  // namespace awshpc::apps::geoschem
