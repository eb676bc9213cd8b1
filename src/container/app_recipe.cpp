// File: app_recipe.cpp
// Container recipes: parsing (common and per-variant sections, sources with checksums) with
// errors that name file:line:column and the field, and their Dockerfile steps.
#include "awshpc/container/app_recipe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "awshpc/container/dockerfile.hpp"
#include "awshpc/container/template.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"
#include "yaml_fields.hpp"

namespace awshpc::container {
namespace {

constexpr std::size_t kMaxRecipeFileBytes = 1 << 20;
constexpr std::string_view kFlagsPlaceholder = "{{ flags }}";
constexpr std::string_view kSourceRoot = "/opt/aws-hpc/src";
constexpr std::string_view kInstallPackages = "/usr/local/bin/aws-hpc-install-packages";

// Only `{{ flags }}` may appear in recipe strings: anything else with `{{` is a mistake that
// would otherwise reach the image verbatim.
bool OnlyFlagsPlaceholders(std::string_view text) {
  std::size_t at = 0;
  while ((at = text.find("{{", at)) != std::string_view::npos) {
    if (text.substr(at, kFlagsPlaceholder.size()) != kFlagsPlaceholder) return false;
    at += kFlagsPlaceholder.size();
  }
  return true;
}

std::string WithFlags(std::string text, std::string_view flags) {
  std::size_t at = 0;
  while ((at = text.find(kFlagsPlaceholder, at)) != std::string::npos) {
    text.replace(at, kFlagsPlaceholder.size(), flags);
    at += flags.size();
  }
  return text;
}

std::string RecipeWhere(const YAML::Node& node, std::string_view origin) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return std::string(origin);
  return fmt::format("{}:{}:{}", origin, mark.line + 1, mark.column + 1);
}

Result<std::vector<std::string>> RecipeArgv(const internal::YamlFields& y, const YAML::Node& node,
                                            const std::string& field) {
  if (!node.IsSequence() || node.size() == 0) {
    return y.Error(node, field, "expected a non-empty list (an argv, run without a shell)");
  }
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item = fmt::format("{}[{}]", field, i);
    if (!node[i].IsScalar()) return y.Error(node[i], item, "expected a string");
    argv.push_back(node[i].as<std::string>());
    if (!OnlyFlagsPlaceholders(argv.back())) {
      return y.Error(node[i], item, "only {{ flags }} may be substituted");
    }
  }
  if (argv.front().empty()) return y.Error(node, field, "the program name is empty");
  return argv;
}

bool IsPackageName(const std::string& name) {
  // Debian package names: lower-case letters, digits, + - . (and no option-like names).
  return !name.empty() && std::isalnum(static_cast<unsigned char>(name.front())) &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
         });
}

Result<std::vector<std::string>> RecipePackages(const internal::YamlFields& y,
                                                const YAML::Node& map, const std::string& field) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, y.Strings(map, "packages", field));
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!IsPackageName(names[i])) {
      return y.Error(map["packages"][i], fmt::format("{}.packages[{}]", field, i),
                     QuoteForMessage(names[i]) + " is not a Debian package name");
    }
  }
  return names;
}

Result<std::vector<std::pair<std::string, std::string>>> RecipeEnv(const internal::YamlFields& y,
                                                                   const YAML::Node& map,
                                                                   const std::string& field) {
  std::vector<std::pair<std::string, std::string>> env;
  const YAML::Node node = map["env"];
  if (!node) return env;
  const std::string where = field + ".env";
  if (!node.IsMap()) return y.Error(node, where, "expected a mapping NAME: value");
  for (const auto& item : node) {
    const std::string name = item.first.as<std::string>();
    const bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name.front())) &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                    });
    if (!ok) return y.Error(item.first, where, QuoteForMessage(name) + " is not a variable name");
    if (!item.second.IsScalar())
      return y.Error(item.second, where + "." + name, "expected a string");
    const std::string value = item.second.as<std::string>();
    if (!OnlyFlagsPlaceholders(value)) {
      return y.Error(item.second, where + "." + name, "only {{ flags }} may be substituted");
    }
    env.emplace_back(name, value);
  }
  return env;
}

bool IsHex64(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

bool IsArchive(const std::string& url) {
  for (const char* ext : {".tar.gz", ".tgz", ".tar.xz", ".tar.bz2"}) {
    if (url.ends_with(ext)) return true;
  }
  return false;
}

// A URL passed as one argv element to curl or git: https only, no whitespace or control bytes.
bool IsHttpsUrl(const std::string& url) {
  return url.starts_with("https://") && url.size() > 8 &&
         std::none_of(url.begin(), url.end(), [](char c) {
           return std::iscntrl(static_cast<unsigned char>(c)) || c == ' ';
         });
}

Result<RecipeSource> ParseSource(const internal::YamlFields& y, const YAML::Node& node,
                                 const std::string& field) {
  RETURN_IF_ERROR(y.CheckKeys(node, field, {"name", "url", "sha256", "git", "tag", "into"}));
  RecipeSource s;
  ASSIGN_OR_RETURN(s.name, y.String(node, "name", field, true));
  ASSIGN_OR_RETURN(s.url, y.String(node, "url", field, false));
  ASSIGN_OR_RETURN(s.sha256, y.String(node, "sha256", field, false));
  ASSIGN_OR_RETURN(s.git, y.String(node, "git", field, false));
  ASSIGN_OR_RETURN(s.tag, y.String(node, "tag", field, false));
  ASSIGN_OR_RETURN(s.into, y.String(node, "into", field, false));
  const bool name_ok = !s.name.empty() && std::isalnum(static_cast<unsigned char>(s.name[0])) &&
                       std::all_of(s.name.begin(), s.name.end(), [](char c) {
                         return std::islower(static_cast<unsigned char>(c)) ||
                                std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
                                c == '_' || c == '-';
                       });
  if (!name_ok) {
    return y.Error(node["name"], field + ".name", "expected lower-case letters, digits, . _ -");
  }
  if (s.url.empty() == s.git.empty()) {
    return y.Error(node, field, "give exactly one of url (a release archive) or git (with tag)");
  }
  if (!s.url.empty()) {
    if (!IsHttpsUrl(s.url) || !IsArchive(s.url)) {
      return y.Error(node["url"], field + ".url",
                     "expected an https:// .tar.gz, .tgz, .tar.xz or .tar.bz2 archive");
    }
    if (!s.tag.empty()) return y.Error(node["tag"], field + ".tag", "tag goes with git, not url");
    if (!s.sha256.empty() && !IsHex64(s.sha256)) {
      return y.Error(node["sha256"], field + ".sha256", "expected 64 lower-case hex digits");
    }
  } else {
    if (!IsHttpsUrl(s.git)) return y.Error(node["git"], field + ".git", "expected an https:// URL");
    if (s.tag.empty() || s.tag.front() == '-' ||
        std::any_of(s.tag.begin(), s.tag.end(), [](char c) {
          return std::iscntrl(static_cast<unsigned char>(c)) || c == ' ';
        })) {
      return y.Error(node["tag"] ? node["tag"] : node, field + ".tag",
                     "a git source needs its release tag");
    }
    if (!s.sha256.empty()) {
      return y.Error(node["sha256"], field + ".sha256",
                     "sha256 goes with url; a git tag is checked by its commit");
    }
  }
  if (s.into.empty()) s.into = fmt::format("{}/{}", kSourceRoot, s.name);
  const std::filesystem::path into(s.into);
  if (!into.is_absolute() || into.lexically_normal() != into ||
      s.into.find("..") != std::string::npos || s.into.back() == '/') {
    return y.Error(node["into"], field + ".into", "expected an absolute, normalised directory");
  }
  return s;
}

// The `build` section of the recipe or of a variant.
Status ParseBuild(const internal::YamlFields& y, const YAML::Node& build, const std::string& field,
                  std::vector<std::string>& packages,
                  std::vector<std::pair<std::string, std::string>>& env,
                  std::vector<RecipeSource>& sources,
                  std::vector<std::vector<std::string>>& steps) {
  RETURN_IF_ERROR(y.CheckKeys(build, field, {"packages", "env", "sources", "steps"}));
  ASSIGN_OR_RETURN(packages, RecipePackages(y, build, field));
  ASSIGN_OR_RETURN(env, RecipeEnv(y, build, field));
  if (const YAML::Node list = build["sources"]) {
    if (!list.IsSequence()) return y.Error(list, field + ".sources", "expected a list of sources");
    for (std::size_t i = 0; i < list.size(); ++i) {
      ASSIGN_OR_RETURN(RecipeSource source,
                       ParseSource(y, list[i], fmt::format("{}.sources[{}]", field, i)));
      sources.push_back(std::move(source));
    }
  }
  if (const YAML::Node list = build["steps"]) {
    if (!list.IsSequence()) return y.Error(list, field + ".steps", "expected a list of argv lists");
    for (std::size_t i = 0; i < list.size(); ++i) {
      ASSIGN_OR_RETURN(auto argv, RecipeArgv(y, list[i], fmt::format("{}.steps[{}]", field, i)));
      steps.push_back(std::move(argv));
    }
  }
  return Status::Ok();
}

Status ParseRuntime(const internal::YamlFields& y, const YAML::Node& runtime,
                    const std::string& field, std::vector<std::string>& packages,
                    std::vector<std::pair<std::string, std::string>>& env) {
  RETURN_IF_ERROR(y.CheckKeys(runtime, field, {"packages", "env"}));
  ASSIGN_OR_RETURN(packages, RecipePackages(y, runtime, field));
  ASSIGN_OR_RETURN(env, RecipeEnv(y, runtime, field));
  return Status::Ok();
}

std::string InstallPackagesStep(const std::vector<std::string>& packages) {
  std::vector<std::string> argv = {std::string(kInstallPackages)};
  argv.insert(argv.end(), packages.begin(), packages.end());
  return "RUN " + ExecForm(argv) + "\n";
}

Result<std::string> EnvStep(const std::vector<std::pair<std::string, std::string>>& env,
                            std::string_view flags) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& [name, value] : env) values.emplace_back(name, WithFlags(value, flags));
  ASSIGN_OR_RETURN(std::string text, KeyValues(values));
  return "ENV " + text + "\n";
}

// Fetch (and check or print the checksum of) one source into its directory.
std::string SourceSteps(const RecipeSource& s, std::map<std::string, std::string>& files) {
  std::string out;
  if (!s.git.empty()) {
    out += "RUN " +
           ExecForm({"git", "clone", "--depth", "1", "--branch", s.tag, "--recurse-submodules",
                     "--", s.git, s.into}) +
           "\n";
    // The commit of the tag and of every submodule, into the build log.
    out += "RUN " + ExecForm({"git", "-C", s.into, "rev-parse", "HEAD"}) + "\n";
    out += "RUN " + ExecForm({"git", "-C", s.into, "submodule", "status", "--recursive"}) + "\n";
    return out;
  }
  std::string ext;
  for (const char* e : {".tar.gz", ".tgz", ".tar.xz", ".tar.bz2"}) {
    if (s.url.ends_with(e)) ext = e;
  }
  const std::string archive = fmt::format("{}/{}{}", kSourceRoot, s.name, ext);
  out += "RUN " + ExecForm({"mkdir", "-p", std::string(kSourceRoot), s.into}) + "\n";
  out += "RUN " + ExecForm({"curl", "-fsSL", "--retry", "3", "-o", archive, "--", s.url}) + "\n";
  if (s.sha256.empty()) {
    // No published checksum: print it so the log shows what was built (docs/containers.md).
    out += "RUN " + ExecForm({"sha256sum", archive}) + "\n";
  } else {
    const std::string sums = fmt::format("sources/{}.sha256", s.name);
    files[sums] = fmt::format("{}  {}\n", s.sha256, archive);
    out += fmt::format("COPY {} {}/{}.sha256\n", sums, kSourceRoot, s.name);
    out += "RUN " +
           ExecForm({"sha256sum", "--check", "--strict",
                     fmt::format("{}/{}.sha256", kSourceRoot, s.name)}) +
           "\n";
  }
  out += "RUN " + ExecForm({"tar", "-xf", archive, "-C", s.into, "--strip-components=1"}) + "\n";
  return out;
}

template <typename T>
void AppendAll(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

Result<AppRecipe> ParseRecipe(std::string_view yaml_text, std::string_view origin) {
  const internal::YamlFields y(origin);
  AppRecipe recipe;
  recipe.origin = std::string(origin);
  recipe.text = std::string(yaml_text);
  ASSIGN_OR_RETURN(YAML::Node root, y.Load(yaml_text));
  if (!root || root.IsNull()) return recipe;
  RETURN_IF_ERROR(y.CheckKeys(root, "recipe", {"app", "build", "runtime", "check", "variants"}));
  ASSIGN_OR_RETURN(recipe.app, y.String(root, "app", "recipe", false));
  if (const YAML::Node build = root["build"]) {
    RETURN_IF_ERROR(ParseBuild(y, build, "build", recipe.build_packages, recipe.build_env,
                               recipe.sources, recipe.build));
  }
  if (const YAML::Node runtime = root["runtime"]) {
    RETURN_IF_ERROR(
        ParseRuntime(y, runtime, "runtime", recipe.runtime_packages, recipe.runtime_env));
  }
  if (const YAML::Node check = root["check"]) {
    ASSIGN_OR_RETURN(recipe.check, RecipeArgv(y, check, "check"));
  }
  if (const YAML::Node variants = root["variants"]) {
    if (!variants.IsMap()) {
      return y.Error(variants, "variants", "expected a mapping of variant name to section");
    }
    for (const auto& item : variants) {
      RecipeVariant v;
      v.name = item.first.as<std::string>();
      v.where = RecipeWhere(item.first, origin);
      const std::string field = "variants." + v.name;
      RETURN_IF_ERROR(y.CheckKeys(item.second, field, {"build", "runtime", "check"}));
      if (const YAML::Node build = item.second["build"]) {
        RETURN_IF_ERROR(ParseBuild(y, build, field + ".build", v.build_packages, v.build_env,
                                   v.sources, v.build));
      }
      if (const YAML::Node runtime = item.second["runtime"]) {
        RETURN_IF_ERROR(
            ParseRuntime(y, runtime, field + ".runtime", v.runtime_packages, v.runtime_env));
      }
      if (const YAML::Node check = item.second["check"]) {
        ASSIGN_OR_RETURN(v.check, RecipeArgv(y, check, field + ".check"));
      }
      recipe.variants.push_back(std::move(v));
    }
  }
  // Source names and directories are unique within what one variant fetches.
  for (const RecipeVariant& v : recipe.variants) {
    std::set<std::string> names;
    std::set<std::string> dirs;
    for (const RecipeSource& s : RecipeForVariant(recipe, v.name).sources) {
      if (!names.insert(s.name).second || !dirs.insert(s.into).second) {
        return InvalidArgumentError(fmt::format(
            "{}: variants.{}: source \"{}\" repeats a name or directory of another source", v.where,
            v.name, s.name));
      }
    }
  }
  return recipe;
}

Result<AppRecipe> LoadRecipe(const spec::AppSpec& app, const std::string& recipe_file) {
  std::string path = recipe_file;
  if (path.empty() && !app.dir.empty()) {
    const std::string beside = (std::filesystem::path(app.dir) / "container.yaml").string();
    std::error_code ec;
    if (std::filesystem::exists(beside, ec)) path = beside;
  }
  AppRecipe recipe;
  if (!path.empty()) {
    ASSIGN_OR_RETURN_CTX(std::string text, ReadFileToString(path, kMaxRecipeFileBytes),
                         "container recipe");
    ASSIGN_OR_RETURN(recipe, ParseRecipe(text, path));
  } else if (std::string_view builtin = BuiltinRecipe(app.name); !builtin.empty()) {
    ASSIGN_OR_RETURN(recipe, ParseRecipe(builtin, "data/containers/apps/" + app.name + ".yaml"));
  } else {
    recipe.origin = "(no recipe: the base alone runs the app)";
  }
  if (!recipe.app.empty() && recipe.app != app.name) {
    return InvalidArgumentError(fmt::format("{}: recipe is for app \"{}\", not \"{}\"",
                                            recipe.origin, recipe.app, app.name));
  }
  for (const RecipeVariant& v : recipe.variants) {
    if (app.FindVariant(v.name) == nullptr) {
      return InvalidArgumentError(
          fmt::format("{}: variants.{}: app {} has no variant \"{}\" (variants: {})", v.where,
                      v.name, app.name, v.name, JoinOr(app.VariantNames())));
    }
  }
  return recipe;
}

AppRecipe RecipeForVariant(const AppRecipe& recipe, std::string_view variant) {
  AppRecipe out = recipe;
  out.variants.clear();
  for (const RecipeVariant& v : recipe.variants) {
    if (v.name != variant) continue;
    AppendAll(out.build_packages, v.build_packages);
    AppendAll(out.build_env, v.build_env);
    AppendAll(out.sources, v.sources);
    AppendAll(out.build, v.build);
    AppendAll(out.runtime_packages, v.runtime_packages);
    AppendAll(out.runtime_env, v.runtime_env);
    if (!v.check.empty()) out.check = v.check;
  }
  return out;
}

Result<RecipeSteps> RenderRecipeSteps(const AppRecipe& recipe, std::string_view flags) {
  RecipeSteps steps;
  steps.build = "RUN " + ExecForm({"mkdir", "-p", "/opt/aws-hpc/app"}) + "\n";
  if (!recipe.build_packages.empty()) steps.build += InstallPackagesStep(recipe.build_packages);
  if (!recipe.build_env.empty()) {
    ASSIGN_OR_RETURN_CTX(std::string env, EnvStep(recipe.build_env, flags),
                         recipe.origin + ": build.env");
    steps.build += env;
  }
  for (const RecipeSource& source : recipe.sources) steps.build += SourceSteps(source, steps.files);
  for (const auto& step : recipe.build) {
    std::vector<std::string> argv;
    for (const std::string& arg : step) argv.push_back(WithFlags(arg, flags));
    steps.build += "RUN " + ExecForm(argv) + "\n";
  }
  if (!recipe.runtime_packages.empty()) {
    steps.runtime += InstallPackagesStep(recipe.runtime_packages);
  }
  if (!recipe.runtime_env.empty()) {
    ASSIGN_OR_RETURN_CTX(std::string env, EnvStep(recipe.runtime_env, flags),
                         recipe.origin + ": runtime.env");
    steps.runtime += env;
  }
  if (steps.runtime.empty()) steps.runtime = "# (the recipe adds no runtime packages)\n";
  // After the COPY of /opt/aws-hpc/app (app.Dockerfile.in), so a check can run what the build
  // stage installed there, with the runtime stage's libraries.
  steps.check =
      recipe.check.empty() ? "# (the recipe has no check)" : "RUN " + ExecForm(recipe.check);
  steps.runtime.pop_back();
  steps.build.pop_back();
  return steps;
}

}  // namespace awshpc::container
