// File: template.hpp
// The container templates (data/containers/*.in, embedded at build time) and their one-pass
// `{{ name }}` substitution: values are inserted as given and never expanded again.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "awshpc/core/status.hpp"

namespace awshpc::container {

// Replaces every `{{ name }}` with vars[name]. An unknown name, an unclosed `{{` or a variable
// the template never uses is InvalidArgument naming `origin` and the line.
Result<std::string> RenderTemplate(std::string_view text, std::string_view origin,
                                   const std::map<std::string, std::string>& vars);

// The embedded data files, byte for byte (data/containers/<name>).
std::string_view BaseDockerfileTemplate();  // base.Dockerfile.in
std::string_view AppDockerfileTemplate();   // app.Dockerfile.in
std::string_view BasesYaml();               // bases.yaml
std::string_view EntrypointScript();        // entrypoint.sh
std::string_view InstallPackagesScript();   // install-packages.sh
// The bundled container recipe of app `name` (data/containers/apps/<name>.yaml); "" if none.
std::string_view BuiltinRecipe(std::string_view name);

}  // namespace awshpc::container
