// File: spec.hpp
// Everything of the spec module: app.yaml model, loading, rendering, catalog and schema.
#pragma once

#include "awshpc/spec/app_spec.hpp"     // IWYU pragma: export
#include "awshpc/spec/catalog.hpp"      // IWYU pragma: export
#include "awshpc/spec/diagnostic.hpp"   // IWYU pragma: export
#include "awshpc/spec/loader.hpp"       // IWYU pragma: export
#include "awshpc/spec/param_types.hpp"  // IWYU pragma: export
#include "awshpc/spec/render.hpp"       // IWYU pragma: export
#include "awshpc/spec/schema.hpp"       // IWYU pragma: export
#include "awshpc/spec/template.hpp"     // IWYU pragma: export
