// Golden estimate tables (testdata/estimates.golden) and the runtime model.
#include "awshpc/cost/estimator.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace awshpc::cost {
namespace {

PriceRow Row(const std::string& type, int vcpus, double memory_gib, int gpus,
             const std::string& price) {
  PriceRow row;
  row.instance.type = type;
  row.instance.family = type.substr(0, type.find('.'));
  row.instance.vcpus = vcpus;
  row.instance.cores = vcpus / 2;
  row.instance.memory_gib = memory_gib;
  row.instance.arch = "x86_64";
  row.instance.gpus = gpus;
  row.region = "us-east-1";
  row.per_hour = *Money::Parse(price);
  return row;
}

TEST(EstimatorTest, GoldenTable) {
  std::ifstream file(std::string(AWSHPC_SOURCE_DIR) + "/src/cost/testdata/estimates.golden");
  ASSERT_TRUE(file) << "missing golden file";
  std::string line;
  int cases = 0;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string name, type, price, storage_kind, display;
    int vcpus = 0, gpus = 0, nodes = 0, vcpus_per_node = 0, spot = 0;
    double memory = 0, memory_per_node = 0, runtime = 0, checkpoint = 0, storage_gib = 0,
           transfer = 0, share = 0;
    std::int64_t compute = 0, interruption = 0, storage = 0, transfer_micros = 0, total = 0;
    in >> name >> type >> vcpus >> memory >> gpus >> price >> nodes >> vcpus_per_node >>
        memory_per_node >> runtime >> spot >> checkpoint >> storage_kind >> storage_gib >>
        transfer >> share >> compute >> interruption >> storage >> transfer_micros >> total >>
        display;
    ASSERT_FALSE(in.fail()) << "bad golden line: " << line;
    SCOPED_TRACE(name);
    EstimateInput input;
    input.instance = Row(type, vcpus, memory, gpus, price);
    input.nodes = nodes;
    input.vcpus_per_node = vcpus_per_node;
    input.memory_gib_per_node = memory_per_node;
    input.gpus_per_node = name.starts_with("gpu") ? 1 : 0;
    input.runtime = FixedRuntime(runtime, "golden");
    input.spot = spot != 0;
    input.spot_options.interruptions_per_instance_hour =
        HourlyInterruptionRate(kDefaultSpotMonthlyInterruption);
    if (checkpoint > 0) input.spot_options.checkpoint_interval_seconds = checkpoint;
    if (storage_kind != "-")
      input.storage.push_back({*ParseStorageKind(storage_kind), storage_gib});
    input.transfer_out_gib = transfer;
    auto estimate = EstimateCost(input);
    ASSERT_TRUE(estimate.ok()) << estimate.status().ToString();
    EXPECT_DOUBLE_EQ(estimate->share, share);
    EXPECT_EQ(estimate->compute.micros(), compute);
    EXPECT_EQ(estimate->interruption.micros(), interruption);
    EXPECT_EQ(estimate->storage.micros(), storage);
    EXPECT_EQ(estimate->transfer.micros(), transfer_micros);
    EXPECT_EQ(estimate->total.micros(), total);
    EXPECT_EQ(estimate->total.ToString(), display);
    ++cases;
  }
  EXPECT_GE(cases, 9);
}

// The published GEOS-Chem Classic record fed through the runtime model: same instance, same
// cores, so the runtime is the record's and the estimate at $0.68/h is $1.07.
TEST(EstimatorTest, GeosChemRecordGivesOneDollarSeven) {
  const std::vector<PerfRecord> records = {{16, 1, 5656, "Zhuang et al. 2019, c5.4xlarge"}};
  RuntimeEstimate runtime = RuntimeFromRecords(records, 16, 1);
  EXPECT_DOUBLE_EQ(runtime.seconds, 5656);
  EXPECT_NEAR(runtime.low, 5656 * 0.9, 1e-6);
  EXPECT_NEAR(runtime.high, 5656 * 1.1, 1e-6);
  EstimateInput input;
  input.instance = Row("c5.4xlarge", 16, 32, 0, "0.68");
  input.vcpus_per_node = 16;
  input.memory_gib_per_node = 32;
  input.runtime = runtime;
  auto estimate = EstimateCost(input);
  ASSERT_TRUE(estimate.ok());
  EXPECT_EQ(estimate->total.ToString(), "$1.07");
  EXPECT_EQ(estimate->total_low.ToString(), "$0.96");
  EXPECT_EQ(estimate->total_high.ToString(), "$1.18");
  EXPECT_EQ(EstimateLine(*estimate, false),
            "Estimate: $1.07 ($0.96-$1.18) on c5.4xlarge (us-east-1, on-demand), runtime 1h34m16s "
            "(1h24m50s-1h43m42s) from 1 past run");
}

TEST(EstimatorTest, ScalingByCoresStatesItsUncertainty) {
  const std::vector<PerfRecord> records = {{16, 1, 5656, "c5.4xlarge"}};
  RuntimeEstimate runtime = RuntimeFromRecords(records, 36, 1);
  // Perfect scaling would give 5656*16/36 = 2513.8 s; a 5% serial fraction gives 3950.2 s.
  EXPECT_NEAR(runtime.seconds, 3950.2, 0.1);
  EXPECT_LT(runtime.low, 2513.8);
  EXPECT_GT(runtime.high, runtime.seconds);
  // The published c5.9xlarge record (36 vCPUs) is 4030 s: inside the stated range.
  EXPECT_LT(runtime.low, 4030);
  EXPECT_GT(runtime.high, 4030);
}

TEST(EstimatorTest, JobThatDoesNotFitIsRefused) {
  EstimateInput input;
  input.instance = Row("c5.large", 2, 4, 0, "0.085");
  input.vcpus_per_node = 4;
  EXPECT_EQ(EstimateCost(input).status().code(), StatusCode::kInvalidArgument);
  input.vcpus_per_node = 2;
  input.memory_gib_per_node = 8;
  EXPECT_NE(EstimateCost(input).status().message().find("8 GiB"), std::string::npos);
}

TEST(EstimatorTest, ParetoFront) {
  std::vector<Estimate> estimates(4);
  const double times[] = {100, 50, 60, 40};
  const std::int64_t costs[] = {10, 20, 30, 40};
  for (int i = 0; i < 4; ++i) {
    estimates[i].expected_seconds = times[i];
    estimates[i].total = Money::FromMicros(costs[i]);
  }
  MarkParetoFront(estimates);
  EXPECT_TRUE(estimates[0].pareto);  // cheapest
  EXPECT_TRUE(estimates[1].pareto);
  EXPECT_FALSE(estimates[2].pareto);  // slower and dearer than [1]
  EXPECT_TRUE(estimates[3].pareto);   // fastest
}

}  // namespace
}  // namespace awshpc::cost
