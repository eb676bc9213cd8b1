// File: offer_ingest.hpp
// Reading the AWS Price List bulk files: region_index.json (one offer file URL per region) and a
// region's EC2 offer file (hundreds of MB), stream-parsed in fixed-size chunks and never loaded
// whole. Only on-demand, Linux, shared-tenancy, no-pre-installed-software instance hours
// ("BoxUsage") are kept: products[sku].attributes joined with terms.OnDemand[sku]...
// priceDimensions[...].pricePerUnit.USD.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "awshpc/core/status.hpp"
#include "awshpc/cost/catalog.hpp"

namespace awshpc::cost {

// "32 GiB", "0.5 GiB", "1,024 GiB" -> GiB (0 when not a number).
double ParseOfferMemoryGib(const std::string& text);
// "0.6800000000" -> micro-dollars, rounded half up at the 7th decimal.
Result<Money> ParseOfferPrice(std::string_view usd);
// Facts from a product's attributes: family from the type, cores = vCPUs (not published), arm64
// for Graviton processors.
InstanceFacts OfferFacts(const std::string& instance_type, const std::string& vcpu,
                         const std::string& memory, const std::string& gpu,
                         const std::string& processor);

// regions[region code] = currentVersionUrl, from region_index.json.
Result<std::map<std::string, std::string>> ParseRegionIndex(std::string_view json);

struct IngestStats {
  std::uint64_t bytes = 0;
  std::uint64_t products = 0;           // products seen
  std::uint64_t matching_products = 0;  // Linux/shared/BoxUsage compute instances
  std::uint64_t on_demand_terms = 0;    // OnDemand terms seen
};

// Parses an offer file into a snapshot (date: the publicationDate's day; source "aws-price-list"
// naming the file). Instance facts come from the offer's attributes (vcpu, memory, GPUs; arch
// from the processor), so the snapshot is marked as not authoritative for facts: loading it never
// overwrites the DescribeInstanceTypes facts already stored. Errors name the byte offset.
Result<Snapshot> IngestOfferFile(const std::string& path, IngestStats* stats = nullptr,
                                 std::size_t chunk_bytes = 4 << 20);

}  // namespace awshpc::cost
