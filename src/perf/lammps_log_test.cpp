#include <gtest/gtest.h>

#include "awshpc/core/paths.hpp"
#include "awshpc/perf/performance_parser.hpp"

namespace awshpc::perf {
namespace {

TEST(LammpsLogTest, ParsesARealLogFromTwoRanks) {
  // Recorded from `mpirun -np 2 lmp -in in.lj` (LAMMPS 20220623, Debian 12), LJ melt 100 steps.
  auto text = ReadFileToString(AWSHPC_SOURCE_DIR "/src/perf/testdata/lj_melt_2procs.log", 1 << 20);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto metrics = ParseLammpsLog(*text);
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_DOUBLE_EQ(metrics->at("loop_time_seconds"), 0.774548);
  EXPECT_DOUBLE_EQ(metrics->at("mpi_ranks"), 2);
  EXPECT_DOUBLE_EQ(metrics->at("steps"), 100);
  EXPECT_DOUBLE_EQ(metrics->at("atoms"), 32000);
  EXPECT_DOUBLE_EQ(metrics->at("timesteps_per_second"), 129.107);
  EXPECT_DOUBLE_EQ(metrics->at("tau_per_day"), 55774.436);
  EXPECT_NEAR(metrics->at("atom_steps_per_second"), 32000.0 * 100 / 0.774548, 1e-6);
}

TEST(LammpsLogTest, KeepsTheLastRunAndPrefersPrintedAtomSteps) {
  const char* log =
      "Loop time of 1 on 1 procs for 10 steps with 100 atoms\n"
      "Performance: 1.0 tau/day, 10.0 timesteps/s\n"
      "Loop time of 2.5 on 4 procs for 500 steps with 4000 atoms\n"
      "\n"
      "Performance: 0.5 ns/day, 200.0 timesteps/s, 0.8 Matom-step/s\n";
  auto metrics = ParseLammpsLog(log);
  ASSERT_TRUE(metrics.ok());
  EXPECT_DOUBLE_EQ(metrics->at("steps"), 500);
  EXPECT_DOUBLE_EQ(metrics->at("ns_per_day"), 0.5);
  EXPECT_DOUBLE_EQ(metrics->at("atom_steps_per_second"), 800000);
  EXPECT_EQ(metrics->count("tau_per_day"), 0u);
}

TEST(LammpsLogTest, UnfinishedRunIsNotFound) {
  auto metrics = ParseLammpsLog("LAMMPS (23 Jun 2022)\nStep Temp\n0 3.0\n");
  EXPECT_EQ(metrics.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ParsePerformance("gromacs", "/tmp").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace awshpc::perf
