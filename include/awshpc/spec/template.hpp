// File: template.hpp
// `{{ reference }}` templates in command, environment and inputs: parsing and the single-pass
// substitution used by rendering.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::spec {

// Splits "-var steps {{ params.steps }}" into parts. A reference is a dotted path of identifiers
// (params.NAME, resources.vcpus, app.name, ...); "{{" without "}}" or an empty or malformed
// reference is an error. Does not check that references exist (the loader does).
Result<Template> ParseTemplate(std::string_view text);

// Replaces every reference with lookup(reference). Values are inserted verbatim and never scanned
// for further references. A lookup returning nullopt is an error naming the reference.
Result<std::string> ExpandTemplate(
    const Template& tmpl,
    const std::function<std::optional<std::string>(std::string_view)>& lookup);

// References the templates may use besides params.NAME.
const std::vector<std::string>& BuiltinReferences();

}  // namespace awshpc::spec
