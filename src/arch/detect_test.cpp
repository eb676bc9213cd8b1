// Detection on recorded /proc/cpuinfo files of every target (src/arch/testdata/README.md says
// where each comes from), on VM-style variants of them, and on this machine.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "awshpc/arch/detect.hpp"

namespace awshpc::arch {
namespace {

const Catalog& BuiltinCatalog() { return **Catalog::Builtin(); }

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(AWSHPC_SOURCE_DIR) + "/src/arch/testdata/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Detection DetectFile(const std::string& name, const SysCpuData& sys = {}) {
  auto detected = Detect(BuiltinCatalog(), ReadTestdata(name), sys);
  EXPECT_TRUE(detected.ok()) << name << ": " << detected.status().ToString();
  return detected.ok() ? *detected : Detection{};
}

// Replaces a whole "key : value" line in every processor block.
std::string WithField(std::string text, const std::string& key, const std::string& value) {
  return std::regex_replace(text, std::regex("(^|\n)" + key + "\\s*:[^\n]*"),
                            "$1" + key + "\t: " + value);
}

std::string WithoutFlags(std::string text, const std::vector<std::string>& flags) {
  for (const std::string& flag : flags) {
    text = std::regex_replace(text, std::regex(" " + flag + "(?= |\n)"), "");
  }
  return text;
}

TEST(DetectTest, EveryRecordedTargetIsDetectedByItsCpuid) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"skylake-c5.cpuinfo", "skylake"},
      {"cascadelake-c5.cpuinfo", "cascadelake"},
      {"icelake-c6i.cpuinfo", "icelake"},
      {"sapphirerapids-c7i.cpuinfo", "sapphirerapids"},
      {"zen2-c5a.cpuinfo", "zen2"},
      {"zen3-c6a.cpuinfo", "zen3"},
      {"zen4-c7a.cpuinfo", "zen4"},
      {"zen4-gvisor-vm.cpuinfo", "zen4"},
      {"graviton2-c6g.cpuinfo", "graviton2"},
      {"graviton3-c7g.cpuinfo", "graviton3"},
      {"graviton4-c8g.cpuinfo", "graviton4"},
      // Where archspec said neoverse_n1 (archspec/archspec#140, spack/spack#43106).
      {"graviton3-hpc7g-rhel8.cpuinfo", "graviton3"},
      {"neoverse-v2-grace-rocky9.cpuinfo", "graviton4"},
  };
  for (const auto& [file, expected] : cases) {
    const Detection d = DetectFile(file);
    ASSERT_NE(d.target, nullptr) << file;
    EXPECT_EQ(d.target->name, expected) << file;
    EXPECT_EQ(d.method, "cpuid") << file;
    EXPECT_EQ(d.by_model, expected) << file;
    EXPECT_TRUE(d.notes.empty()) << file << ": " << d.notes.front();
  }
  const Detection zen4 = DetectFile("zen4-c7a.cpuinfo");
  EXPECT_EQ(zen4.isa, "x86_64");
  EXPECT_EQ(zen4.vendor, "AuthenticAMD");
  EXPECT_EQ(zen4.model_name, "AMD EPYC 9R14");
  EXPECT_EQ(zen4.cpu_id, "family 25 model 0x11 stepping 1");
  const Detection g3 = DetectFile("graviton3-c7g.cpuinfo");
  EXPECT_EQ(g3.isa, "aarch64");
  EXPECT_EQ(g3.cpu_id, "implementer 0x41 part 0xd40");
}

TEST(DetectTest, HiddenModelNamesDoNotMatter) {
  // Hypervisors often print a generic name; the CPUID signature still decides.
  const std::string text = WithField(ReadTestdata("icelake-c6i.cpuinfo"), "model name",
                                     "Intel Xeon Processor (Icelake)");
  auto d = Detect(BuiltinCatalog(), text);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target->name, "icelake");
  EXPECT_EQ(d->method, "cpuid");
}

TEST(DetectTest, FlagsHiddenByTheHypervisorLowerTheTarget) {
  // A VM that masks AVX-512 on a Zen 4 host: zen4 code would fault, so zen3.
  const std::string masked = WithoutFlags(
      ReadTestdata("zen4-c7a.cpuinfo"),
      {"avx512f", "avx512dq", "avx512ifma", "avx512cd", "avx512bw", "avx512vl", "avx512_bf16",
       "avx512vbmi", "avx512_vbmi2", "avx512_vnni", "avx512_bitalg", "avx512_vpopcntdq"});
  auto d = Detect(BuiltinCatalog(), masked);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->target->name, "zen3");
  EXPECT_EQ(d->method, "features");
  EXPECT_EQ(d->by_model, "zen4");
  EXPECT_FALSE(d->missing_features.empty());
  ASSERT_FALSE(d->notes.empty());
  EXPECT_NE(d->notes.front().find("hypervisor"), std::string::npos) << d->notes.front();

  // Cascade Lake without VNNI shown: Skylake-SP code still runs.
  auto clx = Detect(BuiltinCatalog(),
                    WithoutFlags(ReadTestdata("cascadelake-c5.cpuinfo"), {"avx512_vnni"}));
  ASSERT_TRUE(clx.ok());
  EXPECT_EQ(clx->target->name, "skylake");

  // Sapphire Rapids without AMX (a VM without AMX state): Ice Lake.
  auto spr = Detect(BuiltinCatalog(), WithoutFlags(ReadTestdata("sapphirerapids-c7i.cpuinfo"),
                                                   {"amx_tile", "amx_bf16", "amx_int8"}));
  ASSERT_TRUE(spr.ok());
  EXPECT_EQ(spr->target->name, "icelake");
}

TEST(DetectTest, UnknownModelsAreDecidedByFlags) {
  // No stepping shown: model 0x55 can be Skylake-SP or Cascade Lake; VNNI decides.
  const std::string no_stepping =
      std::regex_replace(ReadTestdata("cascadelake-c5.cpuinfo"), std::regex("stepping\t: 7\n"), "");
  auto clx = Detect(BuiltinCatalog(), no_stepping);
  ASSERT_TRUE(clx.ok());
  EXPECT_EQ(clx->target->name, "cascadelake");
  EXPECT_EQ(clx->method, "features");
  // A newer Intel part the catalog does not know (Granite Rapids, model 0xAD) has every
  // Sapphire Rapids flag.
  auto gnr = Detect(BuiltinCatalog(),
                    WithField(ReadTestdata("sapphirerapids-c7i.cpuinfo"), "model", "173"));
  ASSERT_TRUE(gnr.ok());
  EXPECT_EQ(gnr->target->name, "sapphirerapids");
  EXPECT_EQ(gnr->method, "features");
  // Zen 5 (family 26) has every Zen 4 flag.
  auto zen5 =
      Detect(BuiltinCatalog(), WithField(ReadTestdata("zen4-c7a.cpuinfo"), "cpu family", "26"));
  ASSERT_TRUE(zen5.ok());
  EXPECT_EQ(zen5->target->name, "zen4");
  // An old x86 CPU with only SSE4.2: the generic level.
  auto old = Detect(BuiltinCatalog(),
                    "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
                    "model\t\t: 44\nflags\t\t: fpu sse sse2 ssse3 cx16 lahf_lm sse4_1 "
                    "sse4_2 popcnt\n");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->target->name, "x86_64_v2");
  // QEMU's default CPU: baseline x86-64.
  auto qemu = Detect(BuiltinCatalog(),
                     "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: QEMU "
                     "Virtual CPU version 2.5+\nflags\t\t: fpu sse sse2 hypervisor\n");
  ASSERT_TRUE(qemu.ok());
  EXPECT_EQ(qemu->target->name, "x86_64");
}

TEST(DetectTest, ArmUsesThePartThenTheFeatures) {
  // A Features line without SVE on a V1 part (SVE disabled by the kernel): Graviton2 flags.
  auto nosve = Detect(BuiltinCatalog(), WithoutFlags(ReadTestdata("graviton3-c7g.cpuinfo"),
                                                     {"sve", "svei8mm", "svebf16"}));
  ASSERT_TRUE(nosve.ok());
  EXPECT_EQ(nosve->target->name, "graviton2");
  EXPECT_EQ(nosve->method, "features");
  // An unknown part (another vendor's V2-class core): features decide.
  auto other =
      Detect(BuiltinCatalog(),
             WithField(WithField(ReadTestdata("graviton4-c8g.cpuinfo"), "CPU part", "0xd83"),
                       "CPU implementer", "0xc0"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->target->name, "graviton4");
  EXPECT_EQ(other->method, "features");
  // Ampere Altra has the same Neoverse-N1 part as Graviton2.
  EXPECT_EQ(DetectFile("graviton2-c6g.cpuinfo").target->name, "graviton2");
  // No implementer/part in /proc/cpuinfo: the MIDR from /sys (r1p1 Neoverse-V1).
  const std::string no_ids = std::regex_replace(ReadTestdata("graviton3-c7g.cpuinfo"),
                                                std::regex("CPU (implementer|part)[^\n]*\n"), "");
  auto midr = Detect(BuiltinCatalog(), no_ids, SysCpuData{"0x00000000411fd401"});
  ASSERT_TRUE(midr.ok());
  EXPECT_EQ(midr->target->name, "graviton3");
  EXPECT_EQ(midr->method, "midr");
  // Only a MIDR, no Features: trust the part.
  auto only_midr = Detect(BuiltinCatalog(), "processor\t: 0\n", SysCpuData{"0x00000000410fd4f0"});
  ASSERT_TRUE(only_midr.ok());
  EXPECT_EQ(only_midr->target->name, "graviton4");
  // Nothing known: the baseline.
  auto bare = Detect(BuiltinCatalog(), "processor\t: 0\nFeatures\t: fp asimd\n");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->target->name, "arm64");
}

TEST(DetectTest, RejectsTextWithoutProcessorInformation) {
  for (const char* text : {"", "hello\n", "processor\t: 0\n", ":::\n\n\n"}) {
    auto d = Detect(BuiltinCatalog(), text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(DetectTest, ParsesTheFirstBlockAndCountsProcessors) {
  const CpuInfo info = ParseCpuInfo(ReadTestdata("zen3-c6a.cpuinfo"));
  EXPECT_EQ(info.processors, 2);
  EXPECT_EQ(info.Field("model name"), "AMD EPYC 7R13 Processor");
  EXPECT_TRUE(info.flags.count("vaes"));
  EXPECT_FALSE(info.flags.count("avx512f"));
}

TEST(DetectTest, ThisMachineIsDetected) {
  std::ifstream in("/proc/cpuinfo");
  ASSERT_TRUE(in.good()) << "/proc/cpuinfo is not readable";
  std::stringstream text;
  text << in.rdbuf();
  auto d = Detect(BuiltinCatalog(), text.str());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_NE(d->target, nullptr);
#if defined(__x86_64__)
  EXPECT_EQ(d->isa, "x86_64");
#elif defined(__aarch64__)
  EXPECT_EQ(d->isa, "aarch64");
#endif
  // Whatever it is, the compiler building this test must accept its gcc flags (checked in
  // compiler_flags_test); here: the target is a cpu or a generic level, never the GPU target.
  EXPECT_NE(d->target->kind, TargetKind::kGpu);
  std::cout << "this machine: " << d->target->name << " (" << d->method << ", " << d->cpu_id
            << ", \"" << d->model_name << "\")\n";
}

}  // namespace
}  // namespace awshpc::arch

namespace awshpc::arch {
namespace {

// Arbitrary text never crashes detection: it detects something or says there is no processor
// information.
TEST(DetectTest, ArbitraryTextNeverCrashes) {
  const std::vector<std::string> pieces = {"processor\t: 0\n",
                                           "vendor_id\t: GenuineIntel\n",
                                           "vendor_id\t: AuthenticAMD\n",
                                           "cpu family\t: 25\n",
                                           "cpu family\t: 0x\n",
                                           "model\t\t: 99999999999999999999\n",
                                           "model\t\t: -1\n",
                                           "stepping\t: 7\n",
                                           "flags\t\t: avx512f avx2 fma\n",
                                           "flags\t:\n",
                                           "Features\t: sve sve2 asimddp\n",
                                           "CPU implementer\t: 0x41\n",
                                           "CPU part\t: 0xd4f\n",
                                           "CPU part\t: 0x\n",
                                           ":\n",
                                           "\n",
                                           "\t\t\n",
                                           "\r\n",
                                           std::string("\0:\0\n", 4)};
  std::uint32_t state = 7;
  for (int i = 0; i < 500; ++i) {
    std::string text;
    for (int n = 0; n < 6; ++n) {
      state = state * 1103515245u + 12345u;
      text += pieces[(state >> 8) % pieces.size()];
    }
    state = state * 1103515245u + 12345u;
    auto d = Detect(BuiltinCatalog(), text, SysCpuData{(state & 1) ? "0x410fd0c1" : "garbage"});
    if (d.ok()) {
      EXPECT_NE(d->target, nullptr) << text;
    } else {
      EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument) << text;
    }
  }
}

}  // namespace
}  // namespace awshpc::arch
