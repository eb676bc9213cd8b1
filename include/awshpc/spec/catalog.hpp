// File: catalog.hpp
// Finding apps: every <search dir>/<name>/app.yaml, earlier search dirs shadowing later ones.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"
#include "awshpc/spec/app_spec.hpp"
#include "awshpc/spec/diagnostic.hpp"

namespace awshpc::spec {

class AppCatalog {
 public:
  // Loads <dir>/<name>/app.yaml for every dir (missing dirs are skipped). For a name found in
  // several dirs the first dir wins, even when its app.yaml is broken.
  static AppCatalog Discover(const std::vector<std::string>& search_dirs);

  // Valid apps, sorted by name.
  std::vector<const AppSpec*> Apps() const;
  // Diagnostics of app.yaml files that failed to load.
  const std::vector<Diagnostic>& Problems() const { return problems_; }
  // NotFound ("no app named \"lamps\" (did you mean lammps?)"), or FailedPrecondition when the
  // app exists but its app.yaml has errors.
  Result<const AppSpec*> Find(std::string_view name) const;

 private:
  std::map<std::string, AppSpec, std::less<>> apps_;
  std::map<std::string, std::string, std::less<>> broken_;  // name -> first diagnostic
  std::vector<Diagnostic> problems_;
};

}  // namespace awshpc::spec
