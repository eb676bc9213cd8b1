// File: catalog.hpp
// The price catalog's data: instance facts (from EC2 DescribeInstanceTypes) and on-demand Linux
// prices per region, as shipped in the dated snapshot data/prices/ec2-ondemand-linux-<date>.csv
// (embedded in the binary) and stored in the cost tables of the job store file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/money.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::cost {

// What an instance type is, independent of region and price.
struct InstanceFacts {
  std::string type;    // "c5.4xlarge"
  std::string family;  // "c5"
  int vcpus = 0;
  int cores = 0;  // physical cores (vcpus / threads per core)
  double memory_gib = 0;
  std::string arch;  // "x86_64" or "arm64"
  int gpus = 0;
  std::string gpu_model;  // "NVIDIA A10G"; empty without GPUs
  bool efa = false;

  friend bool operator==(const InstanceFacts&, const InstanceFacts&) = default;
};

// One published price: an instance type in a region.
struct PriceRow {
  InstanceFacts instance;
  std::string region;  // "us-east-1"
  Money per_hour;      // USD per instance-hour, on-demand Linux, shared tenancy
  std::string source;  // key of a `# source KEY: ...` header line
  std::string as_of;   // date of the snapshot or refresh the price came from

  friend bool operator==(const PriceRow&, const PriceRow&) = default;
};

// A dated snapshot: header metadata plus rows.
struct Snapshot {
  std::string date;                  // "2026-01-19"
  std::vector<std::string> sources;  // "KEY: description" lines, in file order
  std::vector<PriceRow> rows;
  // False when the facts are second-hand (an offer file's attributes): loading then keeps the
  // facts already stored for known types.
  bool facts_authoritative = true;
  // What identifies the snapshot among those loaded; empty: the date.
  std::string id;
  std::string Id() const { return id.empty() ? date : id; }
  // "on-demand" or "spot": which price table the rows go to.
  std::string purchase = "on-demand";
};

// Parses the snapshot CSV format (see data/prices/README in docs/cost.md): `# date: D` and
// `# source KEY: TEXT` comment lines, then a header line and one row per type and region.
// Errors name the line. Every row's source must be declared in the header.
Result<Snapshot> ParseSnapshotCsv(std::string_view text);

// The snapshot compiled into this binary (data/prices/ec2-ondemand-linux-*.csv).
std::string_view EmbeddedSnapshotCsv();

// Splits one CSV line (RFC 4180 quoting: "a ""b""" -> a "b"). InvalidArgument for an
// unterminated quote.
Result<std::vector<std::string>> SplitCsvLine(std::string_view line);

// Quotes a CSV field when it holds a comma, quote, CR or LF; doubles embedded quotes. A field
// that a spreadsheet would run as a formula (starting with =, +, @, a tab, or - not followed by
// a digit) gets a leading ' first.
std::string CsvField(std::string_view field);

// "x86_64" or "arm64" for an architecture name as app.yaml writes it ("zen4", "graviton3",
// "aarch64", ...); "" for names that are not CPU architectures ("cuda").
std::string IsaOf(std::string_view architecture);

}  // namespace awshpc::cost
