// File: arch_filter.hpp
// Price rows by microarchitecture through the architecture catalog (data/arch): `--arch zen4`
// keeps the instance types that run code built for zen4, i.e. whose microarchitecture is zen4
// or a descendant of it; a generic level such as x86-64-v3 keeps every type at or above it;
// `cuda` keeps NVIDIA GPU families.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/cost/catalog.hpp"

namespace awshpc::cost {

// True for the ISA names the price tables filter on directly ("x86_64", "arm64").
bool IsIsaName(std::string_view arch);

// The price tables' ISA name for a uname machine ("x86_64" -> "x86_64", "aarch64" and "arm64" ->
// "arm64"); "" for any other machine.
std::string IsaOfMachine(std::string_view machine);
// IsaOfMachine of this host (uname): local jobs are priced on an instance of it.
std::string HostIsa();

// The rows whose instance type runs code built for `target`. NotFound (with the catalog's
// suggestion) for an unknown target.
Result<std::vector<PriceRow>> FilterByMicroarchitecture(const arch::Catalog& catalog,
                                                        std::string_view target,
                                                        std::vector<PriceRow> rows);

// The rows a job built for `arch` can run on: an ISA name compares the rows' architecture, any
// other name goes through the builtin catalog as above; "" keeps every row.
Result<std::vector<PriceRow>> FilterByArchitecture(std::string_view arch,
                                                   std::vector<PriceRow> rows);

}  // namespace awshpc::cost
