// File: cost_ingest_bench.cpp
// The cost engine's two performance figures (docs/performance.md, "Cost engine"):
//  1. Ingest of a generated, real-format AWS Price List EC2 offer file (default 320 MB, written
//     to a temporary directory and removed): throughput and peak RSS of IngestOfferFile, beside
//     Python's json module loading the same file and extracting the same prices.
//  2. `aws-hpc cost estimate APP --compare --top 0` over every catalog instance type: the whole
//     process, repeated.
// Usage: cost_ingest_bench [MB] [BIN_DIR]   (BIN_DIR holds aws-hpc; default: beside this bench)
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "awshpc/core/clock.hpp"
#include "awshpc/cost/offer_ingest.hpp"

extern char** environ;

namespace {

using awshpc::MonotonicSeconds;

constexpr const char* kFamilies[] = {"c5",   "c5n", "c6a", "c6g", "c6i", "c6in", "c7a", "c7g",
                                     "c7gn", "c7i", "c8g", "m5",  "m6a", "m6g",  "m6i", "m7a",
                                     "m7g",  "m7i", "r6i", "r7g", "r7i", "r8g",  "i4i", "x2idn"};
constexpr const char* kSizes[] = {"large",    "xlarge",   "2xlarge",  "4xlarge",  "8xlarge",
                                  "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal"};
constexpr const char* kSystems[] = {
    "Linux", "Windows", "RHEL", "SUSE", "Red Hat Enterprise Linux with HA", "Ubuntu Pro"};
constexpr const char* kTenancies[] = {"Shared", "Dedicated", "Host"};
constexpr const char* kSoftware[] = {"NA", "SQL Std", "SQL Web"};
constexpr const char* kCapacity[] = {"Used", "UnusedCapacityReservation",
                                     "AllocatedCapacityReservation"};
constexpr int kVariantsPerType = 6 * 3 * 3 * 3;

std::string Sku(long n) {
  static const char kAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  std::string sku(16, 'A');
  for (int i = 15; i >= 0; --i) {
    sku[static_cast<std::size_t>(i)] = kAlphabet[n % 31];
    n /= 31;
  }
  return sku;
}

struct Generated {
  std::uint64_t bytes = 0;
  long types = 0;
  long skus = 0;
};

// Writes an offer file in the Price List layout (products, then terms.OnDemand and
// terms.Reserved, then attributesList) of at least `target` bytes. Each instance type has one
// SKU per OS x tenancy x software x capacity status; exactly one of them (Linux, Shared, NA,
// Used) is what the catalog keeps.
Generated Generate(const std::string& path, std::uint64_t target) {
  // About 16.6 KB per SKU in this layout (product, one on-demand and 12 reserved terms); aim a
  // little over the target.
  const long skus_wanted = static_cast<long>(target / 16000) + 1;
  const long types = (skus_wanted + kVariantsPerType - 1) / kVariantsPerType;
  FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::perror(path.c_str());
    std::exit(2);
  }
  std::vector<char> buffer(1 << 20);
  std::setvbuf(out, buffer.data(), _IOFBF, buffer.size());
  std::string text;
  const auto flush = [&] {
    std::fwrite(text.data(), 1, text.size(), out);
    text.clear();
  };
  text += R"({
  "formatVersion" : "v1.0",
  "disclaimer" : "This pricing list is for informational purposes only. All prices are subject to the additional terms included in the pricing pages on http:\/\/aws.amazon.com.",
  "offerCode" : "AmazonEC2",
  "version" : "20260119132324",
  "publicationDate" : "2026-01-19T13:23:24Z",
  "products" : {
)";
  const auto type_name = [](long t) {
    const long per_family = static_cast<long>(std::size(kSizes));
    const long family = t % static_cast<long>(std::size(kFamilies));
    const long size = (t / static_cast<long>(std::size(kFamilies))) % per_family;
    const long generation = t / (static_cast<long>(std::size(kFamilies)) * per_family);
    return fmt::format("{}{}.{}", kFamilies[family],
                       generation == 0 ? "" : fmt::format("x{}", generation), kSizes[size]);
  };
  long sku = 0;
  for (long t = 0; t < types; ++t) {
    const std::string type = type_name(t);
    const int vcpus = 2 << (t / static_cast<long>(std::size(kFamilies)) % 7);
    for (int v = 0; v < kVariantsPerType; ++v, ++sku) {
      const char* os = kSystems[v % 6];
      const char* tenancy = kTenancies[v / 6 % 3];
      const char* software = kSoftware[v / 18 % 3];
      const char* capacity = kCapacity[v / 54 % 3];
      const std::string id = Sku(sku);
      fmt::format_to(std::back_inserter(text), R"json({}    "{}" : {{
      "sku" : "{}",
      "productFamily" : "Compute Instance",
      "attributes" : {{
        "enhancedNetworkingSupported" : "Yes",
        "intelTurboAvailable" : "Yes",
        "memory" : "{} GiB",
        "dedicatedEbsThroughput" : "Up to 4750 Mbps",
        "vcpu" : "{}",
        "classicnetworkingsupport" : "false",
        "capacitystatus" : "{}",
        "locationType" : "AWS Region",
        "storage" : "EBS only",
        "instanceFamily" : "Compute optimized",
        "operatingSystem" : "{}",
        "intelAvx2Available" : "Yes",
        "regionCode" : "us-east-1",
        "physicalProcessor" : "{}",
        "clockSpeed" : "3.4 GHz",
        "ecu" : "68",
        "networkPerformance" : "Up to 10 Gigabit",
        "servicename" : "Amazon Elastic Compute Cloud",
        "gpuMemory" : "NA",
        "vpcnetworkingsupport" : "true",
        "instanceType" : "{}",
        "tenancy" : "{}",
        "usagetype" : "{}:{}",
        "normalizationSizeFactor" : "32",
        "intelAvxAvailable" : "Yes",
        "processorFeatures" : "Intel AVX; Intel AVX2; Intel AVX512; Intel Turbo",
        "servicecode" : "AmazonEC2",
        "licenseModel" : "No License required",
        "currentGeneration" : "Yes",
        "preInstalledSw" : "{}",
        "location" : "US East (N. Virginia)",
        "processorArchitecture" : "64-bit",
        "marketoption" : "OnDemand",
        "operation" : "RunInstances:{:04d}",
        "availabilityzone" : "NA"
      }}
    }})json",
                     sku == 0 ? "" : ",\n", id, id, vcpus * 2, vcpus, capacity, os,
                     type.find('g') != std::string::npos ? "AWS Graviton3 Processor"
                                                         : "Intel Xeon Platinum 8375C",
                     type, tenancy,
                     std::string(tenancy) == "Shared" ? "BoxUsage" : "DedicatedUsage", type,
                     software, v);
      if (text.size() > (1 << 20)) flush();
    }
  }
  text += "\n  },\n  \"terms\" : {\n    \"OnDemand\" : {\n";
  for (long s = 0; s < sku; ++s) {
    const std::string id = Sku(s);
    const double price = 0.0425 * static_cast<double>(1 + s % 97) *
                         (1 + static_cast<double>((s % kVariantsPerType) % 6) * 0.4);
    fmt::format_to(std::back_inserter(text), R"({}      "{}" : {{
        "{}.JRTCKXETXF" : {{
          "offerTermCode" : "JRTCKXETXF",
          "sku" : "{}",
          "effectiveDate" : "2026-01-01T00:00:00Z",
          "priceDimensions" : {{
            "{}.JRTCKXETXF.6YS6EN2CT7" : {{
              "unit" : "Hrs",
              "endRange" : "Inf",
              "description" : "${:.4f} per On Demand Linux Instance Hour",
              "appliesTo" : [ ],
              "rateCode" : "{}.JRTCKXETXF.6YS6EN2CT7",
              "beginRange" : "0",
              "pricePerUnit" : {{
                "USD" : "{:.10f}"
              }}
            }}
          }},
          "termAttributes" : {{ }}
        }}
      }})",
                   s == 0 ? "" : ",\n", id, id, id, id, price, id, price);
    if (text.size() > (1 << 20)) flush();
  }
  text += "\n    },\n    \"Reserved\" : {\n";
  static const char* const kTerms[] = {"38NPMPTW36", "4NA7Y494T4", "6QCMYABX3D", "7NE97W5U4E",
                                       "BPH4J8HBKS", "CUZHX8X6JH", "HU7G6KETJZ", "MZU6U2429S",
                                       "NQ3QZPMQV9", "R5XV2EPZQZ", "VJWZNREJX2", "Z2E3P23VKM"};
  static const char* const kOptions[] = {"No Upfront", "Partial Upfront", "All Upfront"};
  for (long s = 0; s < sku; ++s) {
    const std::string id = Sku(s);
    fmt::format_to(std::back_inserter(text), "{}      \"{}\" : {{\n", s == 0 ? "" : ",\n", id);
    for (int r = 0; r < 12; ++r) {
      fmt::format_to(std::back_inserter(text), R"({}        "{}.{}" : {{
          "offerTermCode" : "{}",
          "sku" : "{}",
          "effectiveDate" : "2026-01-01T00:00:00Z",
          "priceDimensions" : {{
            "{}.{}.2TG2D8R56U" : {{
              "unit" : "Quantity",
              "description" : "Upfront Fee",
              "appliesTo" : [ ],
              "rateCode" : "{}.{}.2TG2D8R56U",
              "pricePerUnit" : {{
                "USD" : "{}"
              }}
            }},
            "{}.{}.6YS6EN2CT7" : {{
              "unit" : "Hrs",
              "endRange" : "Inf",
              "description" : "Linux/UNIX (Amazon VPC), reserved instance applied",
              "appliesTo" : [ ],
              "rateCode" : "{}.{}.6YS6EN2CT7",
              "beginRange" : "0",
              "pricePerUnit" : {{
                "USD" : "0.{:010d}"
              }}
            }}
          }},
          "termAttributes" : {{
            "LeaseContractLength" : "{}yr",
            "OfferingClass" : "{}",
            "PurchaseOption" : "{}"
          }}
        }})",
                     r == 0 ? "" : ",\n", id, kTerms[r], kTerms[r], id, id, kTerms[r], id,
                     kTerms[r], 1000 + s % 5000, id, kTerms[r], id, kTerms[r],
                     (s * 7 + r) % 1'000'000'000, r % 2 == 0 ? 1 : 3,
                     r < 6 ? "standard" : "convertible", kOptions[r % 3]);
    }
    text += "\n      }";
    if (text.size() > (1 << 20)) flush();
  }
  text += "\n    }\n  },\n  \"attributesList\" : { }\n}\n";
  flush();
  std::fclose(out);
  return Generated{std::filesystem::file_size(path), types, sku};
}

struct Measured {
  double seconds = 0;
  long max_rss_kib = 0;
  std::string output;
  int status = 0;
};

// Runs `argv` with stdout captured; wall time and the child's peak RSS (wait4).
Measured RunProcess(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) std::exit(2);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const double start = MonotonicSeconds();
  if (::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
    std::perror(args[0]);
    std::exit(2);
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  Measured measured;
  char chunk[65536];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], chunk, sizeof(chunk))) > 0) {
    measured.output.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  struct rusage usage {};
  ::wait4(pid, &measured.status, 0, &usage);
  measured.seconds = MonotonicSeconds() - start;
  measured.max_rss_kib = usage.ru_maxrss;
  return measured;
}

// The ingest, in a forked child so that its peak RSS is its own.
Measured IngestInChild(const std::string& path) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) std::exit(2);
  const double start = MonotonicSeconds();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    awshpc::cost::IngestStats stats;
    const double begin = MonotonicSeconds();
    auto snapshot = awshpc::cost::IngestOfferFile(path, &stats);
    const double seconds = MonotonicSeconds() - begin;
    std::string line = snapshot.ok() ? fmt::format("{} {} {} {:.6f}", snapshot->rows.size(),
                                                   stats.products, stats.bytes, seconds)
                                     : "error " + snapshot.status().ToString();
    [[maybe_unused]] ssize_t written = ::write(pipe_fds[1], line.data(), line.size());
    ::_exit(snapshot.ok() ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  Measured measured;
  char chunk[4096];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], chunk, sizeof(chunk))) > 0) {
    measured.output.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  struct rusage usage {};
  ::wait4(pid, &measured.status, 0, &usage);
  measured.seconds = MonotonicSeconds() - start;
  measured.max_rss_kib = usage.ru_maxrss;
  return measured;
}

constexpr const char* kPythonPeer = R"(
import json, sys, time
start = time.perf_counter()
with open(sys.argv[1]) as f:
    offer = json.load(f)
rows = 0
on_demand = offer["terms"]["OnDemand"]
for sku, product in offer["products"].items():
    a = product.get("attributes", {})
    if (product.get("productFamily") == "Compute Instance" and a.get("operatingSystem") == "Linux"
            and a.get("tenancy") == "Shared" and a.get("preInstalledSw") == "NA"
            and a.get("capacitystatus") == "Used" and "BoxUsage" in a.get("usagetype", "")):
        for term in on_demand.get(sku, {}).values():
            for dim in term["priceDimensions"].values():
                if dim["unit"] == "Hrs":
                    rows += 1
print(rows, time.perf_counter() - start)
)";

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t megabytes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 320;
  std::string bin_dir = argc > 2 ? argv[2] : "";
  if (bin_dir.empty()) {
    bin_dir = std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() / "bin";
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string dir_pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/awshpc-ingest-XXXXXX";
  if (::mkdtemp(dir_pattern.data()) == nullptr) return 2;
  const std::string dir = dir_pattern;
  const std::string file = dir + "/index.json";

  double start = MonotonicSeconds();
  const Generated generated = Generate(file, megabytes * 1'000'000);
  std::printf("Generated %s: %.1f MB, %ld instance types x %d SKUs = %ld SKUs (%.1f s)\n\n",
              file.c_str(), static_cast<double>(generated.bytes) / 1e6, generated.types,
              kVariantsPerType, generated.skus, MonotonicSeconds() - start);

  // Warm the page cache once so both readers see the same conditions.
  RunProcess({"cat", file}).output.clear();

  const Measured ours = IngestInChild(file);
  long rows = 0, products = 0;
  unsigned long long bytes = 0;
  double parse_seconds = 0;
  if (ours.status != 0 || std::sscanf(ours.output.c_str(), "%ld %ld %llu %lf", &rows, &products,
                                      &bytes, &parse_seconds) != 4) {
    std::fprintf(stderr, "ingest failed: %s\n", ours.output.c_str());
    return 1;
  }
  const Measured python = RunProcess({"python3", "-c", kPythonPeer, file});
  long python_rows = 0;
  double python_seconds = 0;
  std::sscanf(python.output.c_str(), "%ld %lf", &python_rows, &python_seconds);

  const double mb = static_cast<double>(generated.bytes) / 1e6;
  std::printf("%-34s %10s %10s %12s %8s\n", "offer file ingest", "seconds", "MB/s", "peak RSS",
              "prices");
  std::printf("%-34s %10.2f %10.0f %9ld MB %8ld\n", "aws-hpc IngestOfferFile", parse_seconds,
              mb / parse_seconds, ours.max_rss_kib / 1024, rows);
  std::printf("%-34s %10.2f %10.0f %9ld MB %8ld\n", "python3 json.load + extraction",
              python_seconds, mb / python_seconds, python.max_rss_kib / 1024, python_rows);
  std::printf(
      "ratio: %.1fx the throughput, %.1fx less memory; targets >= 100 MB/s: %s, "
      "peak RSS < 200 MB: %s\n\n",
      python_seconds / parse_seconds,
      static_cast<double>(python.max_rss_kib) / static_cast<double>(ours.max_rss_kib),
      mb / parse_seconds >= 100 ? "met" : "MISSED",
      ours.max_rss_kib < 200 * 1024 ? "met" : "MISSED");
  if (rows != generated.types || python_rows != generated.types) {
    std::fprintf(stderr, "wrong number of prices: %ld (python %ld), expected %ld\n", rows,
                 python_rows, generated.types);
    return 1;
  }
  std::filesystem::remove_all(dir);

  // `cost estimate --compare` over every catalog type: whole process, fresh home with the
  // snapshot loaded once (first run), then timed runs.
  const std::string aws_hpc = bin_dir + "/aws-hpc";
  std::string home_pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/awshpc-compare-XXXXXX";
  if (::mkdtemp(home_pattern.data()) == nullptr) return 2;
  ::setenv("AWS_HPC_HOME", home_pattern.c_str(), 1);
  const std::vector<std::string> command = {aws_hpc, "cost", "estimate", "lammps", "--compare",
                                            "--top", "0",    "--output", "json"};
  const Measured first = RunProcess(command);
  if (first.status != 0) {
    std::fprintf(stderr, "%s failed\n", aws_hpc.c_str());
    return 1;
  }
  std::vector<double> times;
  for (int i = 0; i < 30; ++i) times.push_back(RunProcess(command).seconds * 1000);
  const std::size_t at = first.output.find("\"candidates\": ");
  const long candidates = at == std::string::npos ? 0 : std::atol(first.output.c_str() + at + 14);
  std::printf(
      "aws-hpc cost estimate lammps --compare --top 0 (%ld instance types, whole "
      "process): first run %.1f ms (creates the store, loads the snapshot); then "
      "median %.1f ms, p90 %.1f ms, max %.1f ms over 30 runs; target < 50 ms: %s\n",
      candidates, first.seconds * 1000, Percentile(times, 0.5), Percentile(times, 0.9),
      Percentile(times, 1.0), Percentile(times, 0.5) < 50 ? "met" : "MISSED");
  std::filesystem::remove_all(home_pattern);
  return 0;
}
