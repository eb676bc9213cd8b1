// File: detect.hpp
// Which catalog microarchitecture a machine has, from the text of its /proc/cpuinfo (and, on
// Arm, optionally the MIDR_EL1 register from /sys). Works on recorded files, so every target is
// tested without its hardware. See docs/architectures.md, "Detection".
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::arch {

// The first processor block of a /proc/cpuinfo text.
struct CpuInfo {
  std::map<std::string, std::string> fields;  // "vendor_id" -> "GenuineIntel", "CPU part" -> ...
  std::set<std::string> flags;                // x86 "flags" or Arm "Features"
  int processors = 0;                         // number of "processor" blocks
  std::string Field(const std::string& key) const;
};
CpuInfo ParseCpuInfo(std::string_view text);

// Optional data from /sys that /proc/cpuinfo may lack.
struct SysCpuData {
  // /sys/devices/system/cpu/cpu0/regs/identification/midr_el1, e.g. "0x00000000413fd0c1".
  std::string midr_el1;
};

struct Detection {
  const Microarchitecture* target = nullptr;
  // How it was decided: "cpuid" (vendor, family and model; or Arm implementer and part),
  // "midr" (the part from /sys), or "features" (the flags alone: the model was unknown or the
  // hypervisor hides flags the model should have).
  std::string method;
  std::string isa;         // x86_64 or aarch64
  std::string vendor;      // vendor_id, or the Arm implementer ("0x41")
  std::string model_name;  // "model name" when the machine shows one ("" on Graviton)
  std::string cpu_id;      // "family 25 model 0x11 stepping 1" or "implementer 0x41 part 0xd40"
  std::string by_model;    // the target the CPUID signature names ("" if none)
  std::vector<std::string> missing_features;  // of by_model, when the flags lack them
  std::vector<std::string> notes;
};

// Detects the microarchitecture. InvalidArgument if the text has no processor information.
Result<Detection> Detect(const Catalog& catalog, std::string_view cpuinfo,
                         const SysCpuData& sys = {});

}  // namespace awshpc::arch
