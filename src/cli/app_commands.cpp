// File: app_commands.cpp
// `aws-hpc app list|info|validate|schema`.
#include <unistd.h>

#include <fmt/format.h>
#include <iostream>

#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"
#include "awshpc/spec/loader.hpp"
#include "awshpc/spec/render.hpp"
#include "awshpc/spec/schema.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

using nlohmann::ordered_json;

std::string CommandText(const std::vector<spec::CommandElement>& command) {
  std::string out;
  for (const auto& element : command) {
    std::string part;
    for (const auto& arg : element.args) part += (part.empty() ? "" : " ") + arg.source;
    if (!element.condition.empty()) part = "[" + part + " if " + element.condition + "]";
    out += (out.empty() ? "" : " ") + part;
  }
  return out;
}

ordered_json AppToJson(const spec::AppSpec& app) {
  ordered_json out;
  out["name"] = app.name;
  out["version"] = app.version;
  out["description"] = app.description;
  out["homepage"] = app.homepage;
  out["file"] = app.file;
  out["default_variant"] = app.default_variant;
  out["parameters"] = ordered_json::array();
  for (const spec::Parameter& p : app.parameters) {
    out["parameters"].push_back(
        {{"name", p.name},
         {"type", spec::ParamTypeName(p.type)},
         {"required", p.required},
         {"default", p.default_value ? ordered_json(*p.default_value) : ordered_json(nullptr)},
         {"constraints", spec::ConstraintsText(p)},
         {"description", p.description}});
  }
  out["variants"] = ordered_json::array();
  for (const spec::Variant& v : app.variants) {
    const sched::Resources r = spec::DefaultResources(app, v);
    out["variants"].push_back(
        {{"name", v.name},
         {"parallelism", spec::ParallelismName(v.parallelism)},
         {"description", v.description},
         {"command", CommandText(v.command.empty() ? app.command : v.command)},
         {"resources",
          {{"vcpus", r.vcpus},
           {"memory_mib", r.memory_mib},
           {"gpus", r.gpus},
           {"nodes", r.nodes},
           {"walltime_seconds", r.walltime_seconds}}}});
  }
  out["architectures"] = app.architectures;
  out["containers"] = ordered_json::array();
  for (const auto& c : app.containers) {
    out["containers"].push_back({{"architecture", c.architecture}, {"image", c.image}});
  }
  out["inputs"] = ordered_json::array();
  for (const auto& i : app.inputs) {
    out["inputs"].push_back({{"name", i.name},
                             {"source", i.source.source},
                             {"destination", i.destination.source},
                             {"description", i.description}});
  }
  out["outputs"] = ordered_json::array();
  for (const auto& o : app.outputs) {
    out["outputs"].push_back({{"name", o.name}, {"path", o.path}, {"description", o.description}});
  }
  out["performance_parser"] = app.performance_parser;
  out["checkpoint"] = {{"supported", app.checkpoint.supported},
                       {"interval_seconds", app.checkpoint.interval_seconds
                                                ? ordered_json(*app.checkpoint.interval_seconds)
                                                : ordered_json(nullptr)},
                       {"directory", app.checkpoint.directory},
                       {"signal", app.checkpoint.signal},
                       {"resume", CommandText(app.checkpoint.resume)}};
  out["licenses"] = ordered_json::array();
  for (const auto& l : app.licenses) {
    out["licenses"].push_back({{"name", l.name},
                               {"type", spec::LicenseTypeName(l.type)},
                               {"feature", l.feature},
                               {"count", l.count},
                               {"server", l.server}});
  }
  out["retries"] = {{"attempts", app.retries.attempts},
                    {"on_exit_codes", app.retries.on_exit_codes}};
  return out;
}

std::string AppInfoText(const spec::AppSpec& app) {
  std::string text = fmt::format("{} {}\n", app.name, app.version);
  if (!app.description.empty()) text += app.description + "\n";
  if (!app.homepage.empty()) text += app.homepage + "\n";
  text += fmt::format("Defined in {}\n\n", app.file);
  std::vector<std::vector<std::string>> params;
  for (const spec::Parameter& p : app.parameters) {
    params.push_back({p.name, std::string(spec::ParamTypeName(p.type)),
                      p.required ? "(required)" : p.default_value.value_or("(unset)"),
                      spec::ConstraintsText(p), p.description});
  }
  if (!params.empty()) {
    text += "Parameters (--param NAME=VALUE)\n";
    text += RenderTable({"  NAME", "TYPE", "DEFAULT", "CONSTRAINTS", "DESCRIPTION"}, [&] {
      for (auto& row : params) row[0] = "  " + row[0];
      return params;
    }());
    text += "\n";
  }
  text += "Variants (--variant NAME)\n";
  std::vector<std::vector<std::string>> variants;
  for (const spec::Variant& v : app.variants) {
    const sched::Resources r = spec::DefaultResources(app, v);
    variants.push_back({"  " + v.name + (v.name == app.default_variant ? " *" : ""),
                        std::string(spec::ParallelismName(v.parallelism)),
                        fmt::format("{} vCPU, {}, {}", r.vcpus, FormatMemoryMiB(r.memory_mib),
                                    FormatDuration(r.walltime_seconds)),
                        CommandText(v.command.empty() ? app.command : v.command)});
  }
  text += RenderTable({"  NAME", "PARALLELISM", "RESOURCES", "COMMAND"}, variants);
  if (!app.architectures.empty()) {
    text += "\nArchitectures: " + Join(app.architectures, ", ") + "\n";
  }
  if (!app.inputs.empty()) {
    text += "Inputs:";
    for (const auto& i : app.inputs) text += " " + i.name + " (" + i.source.source + ")";
    text += "\n";
  }
  if (!app.outputs.empty()) {
    text += "Outputs:";
    for (const auto& o : app.outputs) text += " " + o.path;
    text += "\n";
  }
  if (!app.performance_parser.empty()) {
    text += "Performance parser: " + app.performance_parser + "\n";
  }
  text += std::string("Checkpoint/restart: ") +
          (app.checkpoint.supported ? "supported" : "not supported") + "\n";
  for (const auto& l : app.licenses) {
    text += fmt::format("Licence: {} ({}, feature {}, {} per job)\n", l.name,
                        spec::LicenseTypeName(l.type), l.feature, l.count);
  }
  return text;
}

void PrintProblems(const spec::AppCatalog& catalog) {
  for (const spec::Diagnostic& problem : catalog.Problems()) {
    std::cerr << "aws-hpc: warning: " << problem.ToString() << "\n";
  }
}

Status ListApps(CliContext& context) {
  const spec::AppCatalog& catalog = context.Catalog();
  PrintProblems(catalog);
  if (context.Format() != OutputFormat::kTable) {
    ordered_json apps = ordered_json::array();
    for (const spec::AppSpec* app : catalog.Apps()) apps.push_back(AppToJson(*app));
    PrintStructured(apps, context.Format());
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const spec::AppSpec* app : catalog.Apps()) {
    rows.push_back({app->name, app->version, Join(app->VariantNames(), ", "), app->description});
  }
  std::cout << RenderTable({"NAME", "VERSION", "VARIANTS", "DESCRIPTION"}, rows);
  return Status::Ok();
}

Status Info(CliContext& context, const std::string& name) {
  ASSIGN_OR_RETURN(const spec::AppSpec* app, context.Catalog().Find(name));
  if (context.Format() == OutputFormat::kTable) {
    std::cout << AppInfoText(*app);
  } else {
    PrintStructured(AppToJson(*app), context.Format());
  }
  return Status::Ok();
}

// Validates files (or installed apps by name); every diagnostic goes to stderr, one per line.
Status Validate(CliContext& context, const std::vector<std::string>& targets) {
  std::size_t errors = 0;
  ordered_json report = ordered_json::array();
  for (const std::string& target : targets) {
    std::string path = target;
    if (::access(target.c_str(), F_OK) != 0 && target.find('/') == std::string::npos) {
      for (const std::string& dir : context.AppSearchPath()) {
        const std::string candidate = dir + "/" + target + "/app.yaml";
        if (::access(candidate.c_str(), F_OK) == 0) {
          path = candidate;
          break;
        }
      }
    }
    spec::LoadResult loaded = spec::LoadAppSpecFile(path);
    ordered_json entry = {{"file", path}, {"valid", loaded.ok()}};
    entry["diagnostics"] = ordered_json::array();
    for (const spec::Diagnostic& d : loaded.diagnostics) {
      entry["diagnostics"].push_back({{"file", d.file},
                                      {"line", d.line},
                                      {"column", d.column},
                                      {"field", d.field_path},
                                      {"message", d.message}});
      if (context.Format() == OutputFormat::kTable) std::cerr << d.ToString() << "\n";
    }
    if (loaded.ok() && context.Format() == OutputFormat::kTable) {
      std::cout << fmt::format("{}: ok ({} {}, {} parameters, {} variants)\n", path,
                               loaded.spec->name, loaded.spec->version,
                               loaded.spec->parameters.size(), loaded.spec->variants.size());
    }
    errors += loaded.diagnostics.size();
    report.push_back(entry);
  }
  if (context.Format() != OutputFormat::kTable) PrintStructured(report, context.Format());
  if (errors > 0) {
    return InvalidArgumentError(fmt::format("{} problem{} found", errors, errors == 1 ? "" : "s"));
  }
  return Status::Ok();
}

}  // namespace

void RegisterAppCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* app = root.add_subcommand("app", "Application specifications (app.yaml)");
  app->require_subcommand(1);

  app->add_subcommand("list", "List the applications found on the search path")
      ->callback([&context, &result] { result.status = ListApps(context); });

  auto name = std::make_shared<std::string>();
  CLI::App* info = app->add_subcommand(
      "info", "Show an application: parameters, variants, resources, inputs, licences");
  info->add_option("app", *name, "Application name")->required();
  info->callback([&context, &result, name] { result.status = Info(context, *name); });

  auto targets = std::make_shared<std::vector<std::string>>();
  CLI::App* validate = app->add_subcommand(
      "validate", "Check app.yaml files (or installed apps by name) and report every problem");
  validate->add_option("files", *targets, "app.yaml paths or application names")->required();
  validate->callback([&context, &result, targets] { result.status = Validate(context, *targets); });

  app->add_subcommand("schema",
                      "Print the JSON Schema of app.yaml (for editor completion and checks)")
      ->callback([&result] {
        std::cout << spec::AppSchemaJson();
        result.status = Status::Ok();
      });
}

}  // namespace awshpc::cli
