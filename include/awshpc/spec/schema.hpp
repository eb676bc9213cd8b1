// File: schema.hpp
// The JSON Schema of app.yaml (schema/app.schema.json), embedded at build time.
#pragma once

#include <string_view>

namespace awshpc::spec {

// The committed schema/app.schema.json, byte for byte (JSON Schema draft 2020-12).
std::string_view AppSchemaJson();

}  // namespace awshpc::spec
