// Price rows by microarchitecture through the builtin architecture catalog.
#include "awshpc/cost/arch_filter.hpp"

#include <gtest/gtest.h>

#include <set>

#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

class ArchFilterTest : public testing::CostFixture {
 protected:
  std::set<std::string> Families(const std::string& target) {
    auto catalog = arch::Catalog::Builtin();
    EXPECT_TRUE(catalog.ok());
    PriceFilter filter;
    filter.region = "us-east-1";
    auto rows = db_->Prices(filter);
    EXPECT_TRUE(rows.ok());
    auto kept = FilterByMicroarchitecture(**catalog, target, *rows);
    EXPECT_TRUE(kept.ok()) << kept.status().ToString();
    std::set<std::string> families;
    if (kept.ok()) {
      for (const PriceRow& row : *kept) families.insert(row.instance.family);
    }
    return families;
  }
};

TEST_F(ArchFilterTest, ATargetKeepsItsFamiliesAndDescendants) {
  EXPECT_EQ(Families("zen4"), (std::set<std::string>{"c7a", "m7a"}));
  // hpc7a is not offered in us-east-1; r7a is not in the shipped snapshot.
  const std::set<std::string> graviton3 = Families("graviton3");
  EXPECT_TRUE(graviton3.contains("c7g"));
  EXPECT_TRUE(graviton3.contains("hpc7g"));
  EXPECT_FALSE(graviton3.contains("c6g"));
  EXPECT_EQ(Families("cuda"), (std::set<std::string>{"g5", "g6", "p4d", "p5"}));
  // A generic level keeps every type that runs its code: AVX-512 machines, not Zen 3.
  const std::set<std::string> v4 = Families("x86_64_v4");
  EXPECT_TRUE(v4.contains("c5"));
  EXPECT_TRUE(v4.contains("c7i"));
  EXPECT_FALSE(v4.contains("c6a"));
  EXPECT_FALSE(v4.contains("c7g"));
}

TEST_F(ArchFilterTest, UnknownTargetsAreNotFound) {
  auto catalog = arch::Catalog::Builtin();
  ASSERT_TRUE(catalog.ok());
  auto bad = FilterByMicroarchitecture(**catalog, "zen9", {});
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(IsIsaName("arm64"));
  EXPECT_FALSE(IsIsaName("graviton3"));
}

}  // namespace
}  // namespace awshpc::cost
