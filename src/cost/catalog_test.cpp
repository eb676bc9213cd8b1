// Snapshot parsing (the shipped file and hostile ones) and CSV escaping.
#include "awshpc/cost/catalog.hpp"

#include <gtest/gtest.h>

#include <map>

#include <set>
#include <utility>

namespace awshpc::cost {
namespace {

TEST(CatalogTest, EmbeddedSnapshotParsesAndCoversTheFamilies) {
  auto snapshot = ParseSnapshotCsv(EmbeddedSnapshotCsv());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->date, "2026-01-19");
  EXPECT_EQ(snapshot->sources.size(), 3u);  // karpenter, skypilot, skypilot-v8
  std::set<std::string> families;
  std::set<std::string> regions;
  for (const PriceRow& row : snapshot->rows) {
    families.insert(row.instance.family);
    regions.insert(row.region);
  }
  for (const char* family :
       {"c5",   "c5a", "c5n",   "c6a",    "c6i",   "c6in",  "c6g", "c6gn", "c7a", "c7g",
        "c7gn", "c7i", "c8g",   "m5",     "m6a",   "m6i",   "m6g", "m7a",  "m7g", "m7i",
        "r6i",  "r7g", "hpc6a", "hpc6id", "hpc7a", "hpc7g", "g5",  "g6",   "p4d", "p5"}) {
    EXPECT_EQ(families.count(family), 1u) << family;
  }
  for (const char* region :
       {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1"}) {
    EXPECT_EQ(regions.count(region), 1u) << region;
  }
}

TEST(CatalogTest, PublishedPricesAndFacts) {
  auto snapshot = ParseSnapshotCsv(EmbeddedSnapshotCsv());
  ASSERT_TRUE(snapshot.ok());
  bool c5 = false, hpc7g = false, p5 = false;
  for (const PriceRow& row : snapshot->rows) {
    if (row.instance.type == "c5.4xlarge" && row.region == "us-east-1") {
      c5 = true;
      EXPECT_EQ(row.per_hour.ToDecimalString(), "0.680000");
      EXPECT_EQ(row.instance.vcpus, 16);
      EXPECT_EQ(row.instance.memory_gib, 32);
      EXPECT_EQ(row.instance.arch, "x86_64");
    }
    if (row.instance.type == "hpc7g.16xlarge" && row.region == "eu-west-1") {
      hpc7g = true;
      EXPECT_EQ(row.per_hour.ToDecimalString(), "1.805900");
      EXPECT_EQ(row.instance.arch, "arm64");
      EXPECT_TRUE(row.instance.efa);
    }
    if (row.instance.type == "p5.48xlarge") {
      p5 = true;
      EXPECT_EQ(row.instance.gpus, 8);
      EXPECT_EQ(row.instance.gpu_model, "NVIDIA H100");
    }
  }
  EXPECT_TRUE(c5 && hpc7g && p5);
}

TEST(CatalogTest, GpuFamiliesOutsideUsEast1) {
  auto snapshot = ParseSnapshotCsv(EmbeddedSnapshotCsv());
  ASSERT_TRUE(snapshot.ok());
  std::map<std::string, int> g5_regions, g6_regions;
  for (const PriceRow& row : snapshot->rows) {
    if (row.instance.family == "g5") ++g5_regions[row.region];
    if (row.instance.family == "g6") ++g6_regions[row.region];
    if (row.instance.type == "g5.xlarge" && row.region == "eu-west-1") {
      EXPECT_EQ(row.per_hour.ToDecimalString(), "1.123000");
      EXPECT_EQ(row.source, "skypilot");
      EXPECT_EQ(row.instance.gpu_model, "NVIDIA A10G");
    }
  }
  EXPECT_EQ(g5_regions.size(), 6u);  // every size in all six regions
  for (const auto& [region, sizes] : g5_regions) EXPECT_EQ(sizes, 8) << region;
  EXPECT_EQ(g6_regions.size(), 5u);  // not in eu-west-1
  EXPECT_EQ(g6_regions.count("eu-west-1"), 0u);
  for (const auto& [region, sizes] : g6_regions) EXPECT_EQ(sizes, 8) << region;
}

// P4d/P5 after AWS's June 2025 price cut: us-east-1 from Karpenter's table, the other regions from
// skypilot-catalog v8 (commit e385a0d3), never the v7 commit's pre-cut prices ($32.7726 and $98.32
// in us-east-1 there).
TEST(CatalogTest, P4dAndP5AtPostCutPrices) {
  auto snapshot = ParseSnapshotCsv(EmbeddedSnapshotCsv());
  ASSERT_TRUE(snapshot.ok());
  std::map<std::string, std::set<std::string>> regions_of;
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> price_of;
  for (const PriceRow& row : snapshot->rows) {
    if (row.instance.family != "p4d" && row.instance.family != "p5") continue;
    regions_of[row.instance.type].insert(row.region);
    price_of[{row.instance.type, row.region}] = {row.per_hour.ToDecimalString(), row.source};
    EXPECT_EQ(row.source, row.region == "us-east-1" ? "karpenter" : "skypilot-v8")
        << row.instance.type << " " << row.region;
  }
  const std::set<std::string> six = {"us-east-1",    "us-east-2", "us-west-2",
                                     "eu-central-1", "eu-west-1", "ap-northeast-1"};
  EXPECT_EQ(regions_of["p4d.24xlarge"], six);
  // The v8 catalog offers no P5 in eu-west-1 or eu-central-1: absent there, never estimated.
  const std::set<std::string> p5_regions = {"us-east-1", "us-east-2", "us-west-2",
                                            "ap-northeast-1"};
  EXPECT_EQ(regions_of["p5.4xlarge"], p5_regions);
  EXPECT_EQ(regions_of["p5.48xlarge"], p5_regions);
  using Cell = std::pair<std::string, std::string>;
  const std::map<Cell, std::string> published = {
      {{"p4d.24xlarge", "us-east-1"}, "21.957642"},
      {{"p4d.24xlarge", "us-east-2"}, "21.957640"},  // as published, not us-east-1's 21.957642
      {{"p4d.24xlarge", "us-west-2"}, "21.957640"},
      {{"p4d.24xlarge", "eu-west-1"}, "23.715690"},
      {{"p4d.24xlarge", "eu-central-1"}, "27.432980"},
      {{"p4d.24xlarge", "ap-northeast-1"}, "30.097840"},
      {{"p5.4xlarge", "us-east-1"}, "6.880000"},
      {{"p5.4xlarge", "us-west-2"}, "6.880000"},
      {{"p5.4xlarge", "ap-northeast-1"}, "8.600000"},
      {{"p5.48xlarge", "us-east-1"}, "55.040000"},
      {{"p5.48xlarge", "us-east-2"}, "55.040000"},
      {{"p5.48xlarge", "ap-northeast-1"}, "68.800000"},
  };
  for (const auto& [cell, usd] : published) {
    auto it = price_of.find(cell);
    ASSERT_NE(it, price_of.end()) << cell.first << " " << cell.second;
    EXPECT_EQ(it->second.first, usd) << cell.first << " " << cell.second;
  }
}

// The snapshot's regional coverage and a few prices checked against the cited skypilot catalog
// (catalogs/v7/aws/vms.csv at commit 001367d2, Price column).
TEST(CatalogTest, CpuFamiliesInAllSixRegions) {
  auto snapshot = ParseSnapshotCsv(EmbeddedSnapshotCsv());
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->rows.size(), 1402u);
  std::map<std::string, std::set<std::string>> regions_of;  // instance type -> regions
  std::map<std::string, std::set<std::string>> types_of;    // family -> instance types
  for (const PriceRow& row : snapshot->rows) {
    regions_of[row.instance.type].insert(row.region);
    types_of[row.instance.family].insert(row.instance.type);
  }
  EXPECT_EQ(regions_of.size(), 243u);
  const std::set<std::string> six = {"us-east-1",    "us-east-2", "us-west-2",
                                     "eu-central-1", "eu-west-1", "ap-northeast-1"};
  for (const char* family :
       {"c5",  "c5a", "c5n", "c6a", "c6g", "c6gn", "c6i", "c6in", "c7a", "c7g", "c7i",
        "c8g", "m5",  "m6a", "m6g", "m6i", "m7a",  "m7g", "m7i",  "r6i", "r7g"}) {
    ASSERT_FALSE(types_of[family].empty()) << family;
    for (const std::string& type : types_of[family]) {
      EXPECT_EQ(regions_of[type], six) << type;
    }
  }
  // Sold in few regions (AWS HPC instances), or not offered there in the cited catalog.
  EXPECT_EQ(regions_of["hpc6a.48xlarge"], (std::set<std::string>{"us-east-2"}));
  EXPECT_EQ(regions_of["hpc6id.32xlarge"], (std::set<std::string>{"us-east-2"}));
  EXPECT_EQ(regions_of["hpc7a.96xlarge"], (std::set<std::string>{"us-east-2", "eu-west-1"}));
  EXPECT_EQ(regions_of["hpc7g.16xlarge"],
            (std::set<std::string>{"us-east-1", "eu-west-1", "ap-northeast-1"}));
  EXPECT_EQ(regions_of["c7gn.16xlarge"].count("eu-central-1"), 0u);

  const std::map<std::pair<std::string, std::string>, std::string> published = {
      {{"m7i.large", "eu-central-1"}, "0.120750"},
      {{"m7i.metal-48xl", "eu-central-1"}, "11.592000"},
      {{"c6a.12xlarge", "eu-west-1"}, "1.969920"},
      {{"c8g.xlarge", "us-east-2"}, "0.158960"},  // not us-east-1's 0.15952
      {{"r6i.metal", "ap-northeast-1"}, "9.728000"},
      {{"m5.large", "us-west-2"}, "0.096000"},
      {{"c6in.32xlarge", "eu-central-1"}, "8.265600"},
      {{"m7a.medium", "ap-northeast-1"}, "0.074870"},
      {{"c6gn.12xlarge", "ap-northeast-1"}, "2.616000"},
      {{"r7g.xlarge", "eu-west-1"}, "0.239700"},
      // Cells read from the same commit after the first import had left them out.
      {{"c5.12xlarge", "eu-west-1"}, "2.304000"},
      {{"c5.12xlarge", "ap-northeast-1"}, "2.568000"},
      {{"c5.18xlarge", "ap-northeast-1"}, "3.852000"},
      {{"c7g.xlarge", "us-east-2"}, "0.144500"},  // not us-east-1's 0.145
      {{"c7g.xlarge", "eu-central-1"}, "0.164900"},
      {{"r7g.12xlarge", "ap-northeast-1"}, "3.100800"},
  };
  std::size_t checked = 0;
  for (const PriceRow& row : snapshot->rows) {
    auto it = published.find({row.instance.type, row.region});
    if (it == published.end()) continue;
    ++checked;
    EXPECT_EQ(row.per_hour.ToDecimalString(), it->second) << it->first.first;
    EXPECT_EQ(row.source, "skypilot") << it->first.first;
  }
  EXPECT_EQ(checked, published.size());
}

TEST(CatalogTest, BadSnapshotsNameTheLine) {
  const std::string header =
      "# date: 2026-01-01\n# source a: test\n"
      "instance_type,family,vcpus,cores,memory_gib,arch,gpus,gpu_model,efa,region,usd_per_hour,"
      "source\n";
  EXPECT_TRUE(ParseSnapshotCsv(header + "c5.large,c5,2,1,4,x86_64,0,,0,us-east-1,0.085,a\n").ok());
  const auto error = [&](const std::string& row) {
    return ParseSnapshotCsv(header + row).status().message();
  };
  EXPECT_NE(error("c5.large,c5,2,1,4,x86_64,0,,0,us-east-1,0.085,b\n").find("line 4"),
            std::string::npos);
  EXPECT_NE(error("c5.large,c5,2,1,4,sparc,0,,0,us-east-1,0.085,a\n").find("sparc"),
            std::string::npos);
  EXPECT_NE(error("c5.large,m5,2,1,4,x86_64,0,,0,us-east-1,0.085,a\n").find("family"),
            std::string::npos);
  EXPECT_NE(error("c5.large,c5,2,1,4,x86_64,0,,0,us-east-1,-1,a\n").find("positive"),
            std::string::npos);
  EXPECT_NE(error("c5.large,c5,two,1,4,x86_64,0,,0,us-east-1,0.085,a\n").find("vcpus"),
            std::string::npos);
  EXPECT_NE(error("c5.large,c5,2,1,4,x86_64,0,,0,us-east-1,0.0000001,a\n").find("0.0000001"),
            std::string::npos);
  EXPECT_NE(error("c5.large,\"c5,2\n").find("unterminated"), std::string::npos);
  EXPECT_FALSE(ParseSnapshotCsv("no header\n").ok());
}

TEST(CatalogTest, CsvRoundTripAndEscaping) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "'+1");
  EXPECT_EQ(CsvField("@cmd"), "'@cmd");
  EXPECT_EQ(CsvField("-3.5"), "-3.5");
  EXPECT_EQ(CsvField("-cmd"), "'-cmd");
  const std::string line = CsvField("a,\"b\"") + "," + CsvField("") + "," + CsvField("c");
  auto fields = SplitCsvLine(line);
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(*fields, (std::vector<std::string>{"a,\"b\"", "", "c"}));
}

TEST(CatalogTest, IsaOfArchitectureNames) {
  EXPECT_EQ(IsaOf("x86_64"), "x86_64");
  EXPECT_EQ(IsaOf("zen4"), "x86_64");
  EXPECT_EQ(IsaOf("graviton3"), "arm64");
  EXPECT_EQ(IsaOf("arm64"), "arm64");
  EXPECT_EQ(IsaOf("cuda"), "");
}

}  // namespace
}  // namespace awshpc::cost
