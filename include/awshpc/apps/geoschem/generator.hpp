// File: generator.hpp
// GEOS-Chem's run-directory generator for the registry (awshpc/apps/generator.hpp): RunConfig,
// the run directory, the gcgrid manifest and the cap_restart/checkpoint verdict behind one
// PreparedRun.
#pragma once

#include "awshpc/apps/generator.hpp"

namespace awshpc::apps::geoschem {

RunGenerator MakeGenerator();

}  // namespace awshpc::apps::geoschem
