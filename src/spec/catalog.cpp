// File: catalog.cpp
#include "awshpc/spec/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "awshpc/core/text.hpp"
#include "awshpc/spec/loader.hpp"
#include "suggest.hpp"

namespace awshpc::spec {

AppCatalog AppCatalog::Discover(const std::vector<std::string>& search_dirs) {
  namespace fs = std::filesystem;
  AppCatalog catalog;
  std::set<std::string, std::less<>> claimed;  // names owned by an earlier search dir
  for (const std::string& dir : search_dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> app_dirs;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.empty() || name.front() == '.') continue;
      std::error_code file_ec;
      if (fs::is_regular_file(it->path() / "app.yaml", file_ec)) app_dirs.push_back(it->path());
    }
    std::sort(app_dirs.begin(), app_dirs.end());
    for (const fs::path& app_dir : app_dirs) {
      const std::string dir_name = app_dir.filename().string();
      if (!claimed.insert(dir_name).second) continue;  // shadowed by an earlier search dir
      LoadResult loaded = LoadAppSpecFile((app_dir / "app.yaml").string());
      if (loaded.ok() && loaded.spec->name != dir_name) {
        loaded.diagnostics.push_back(
            Diagnostic{loaded.spec->file, 0, 0, "name",
                       fmt::format("app name \"{}\" does not match its directory \"{}\"",
                                   loaded.spec->name, dir_name)});
      }
      if (!loaded.diagnostics.empty()) {
        catalog.broken_[dir_name] = loaded.diagnostics.front().ToString();
        for (Diagnostic& d : loaded.diagnostics) catalog.problems_.push_back(std::move(d));
        continue;
      }
      catalog.apps_.emplace(dir_name, *std::move(loaded.spec));
    }
  }
  return catalog;
}

std::vector<const AppSpec*> AppCatalog::Apps() const {
  std::vector<const AppSpec*> out;
  for (const auto& [name, app] : apps_) out.push_back(&app);
  return out;
}

Result<const AppSpec*> AppCatalog::Find(std::string_view name) const {
  if (const auto it = apps_.find(name); it != apps_.end()) return &it->second;
  if (const auto it = broken_.find(name); it != broken_.end()) {
    return FailedPreconditionError(
        fmt::format("app {} has errors in its app.yaml: {}", name, it->second));
  }
  std::vector<std::string> names;
  for (const auto& [known, app] : apps_) names.push_back(known);
  std::string message = fmt::format("no app named {}", QuoteForMessage(name));
  const std::string guess = internal::Suggest(name, names);
  if (!guess.empty()) {
    message += fmt::format(" (did you mean {}?)", guess);
  } else if (!names.empty()) {
    message += fmt::format("; available: {}", JoinOr(names));
  }
  return NotFoundError(std::move(message));
}

}  // namespace awshpc::spec
