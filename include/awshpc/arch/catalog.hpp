// File: catalog.hpp
// The architecture catalog: CPU microarchitectures aws-hpc builds images for (zen4, graviton3,
// ...), the EC2 instance families that have them, and the compiler flags per compiler version.
// The data lives in data/arch/microarchitectures.yaml and is embedded into the binary; see
// docs/architectures.md.
//
//   ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
//   ASSIGN_OR_RETURN(arch::InstanceMatch match, catalog->ForInstanceType("c7g.16xlarge"));
//   ASSIGN_OR_RETURN(arch::FlagChoice flags, catalog->FlagsFor("zen4", "gcc", "12.2"));
//   // flags.flags == "-march=znver3 ... -mavx512f ...", flags.fallback == true
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::arch {

enum class TargetKind { kGeneric, kCpu, kGpu };
std::string_view TargetKindName(TargetKind kind);  // "generic", "cpu", "gpu"

// One line of a compiler's flag table: the flags apply to versions in [min_version,
// max_version]; an empty max_version is unbounded, and "10.2" as a maximum means any 10.2.x.
struct CompilerFlags {
  std::string min_version;
  std::string max_version;
  std::string flags;
  std::string note;  // why this line exists (a fallback, a backport)
};

// x86 CPUID signature: a family, model ranges (inclusive) and optionally a stepping range.
struct CpuidMatch {
  int family = 0;
  std::vector<std::pair<int, int>> models;
  int stepping_min = 0;
  int stepping_max = 255;
};

struct Microarchitecture {
  std::string name;
  std::vector<std::string> aliases;
  TargetKind kind = TargetKind::kCpu;
  std::string vendor;  // GenuineIntel, AuthenticAMD, AWS, generic, NVIDIA
  std::string isa;     // x86_64, aarch64, any
  std::string parent;  // catalog entry whose code runs on this one; "" for a root
  std::string level;   // generic ISA level: x86-64-v4, armv8.2-a, ...
  std::string description;
  std::vector<std::string> features;  // /proc/cpuinfo flags detection requires
  std::vector<std::string> instance_families;
  std::vector<std::string> instance_types;  // single sizes of a family with mixed hosts
  // Per compiler ("gcc", "clang", "nvhpc"), newest first.
  std::map<std::string, std::vector<CompilerFlags>> compilers;
  // Detection: x86 vendor_id and CPUID signatures, or an Arm implementer and part numbers.
  std::string detect_vendor_id;
  std::vector<CpuidMatch> cpuid;
  int arm_implementer = -1;
  std::vector<int> arm_parts;
  std::vector<std::string> sources;  // ids into Catalog::Sources()
};

struct Source {
  std::string id;
  std::string title;
  std::string url;
};

// The flags chosen for a target, compiler and compiler version.
struct FlagChoice {
  std::string target;      // the target asked for
  std::string flags_from;  // the catalog entry the flags belong to (target or an ancestor)
  std::string compiler;    // canonical compiler name
  std::string version;     // as asked
  std::string flags;       // e.g. "-march=znver4 -mtune=znver4"
  CompilerFlags entry;     // the table line used
  std::string best_flags;  // the target's newest flags for this compiler ("" if none)
  std::string best_min_version;
  bool fallback = false;  // true when `flags` is not the target's newest line
  std::string note;       // says why, when fallback
};

// What an EC2 instance type runs on.
struct InstanceMatch {
  std::string instance_type;  // as asked, lower-cased
  std::string family;         // "c7g", "m7i-flex", "u-6tb1"
  std::string size;           // "16xlarge" ("" when only a family was given)
  const Microarchitecture* target = nullptr;
  std::vector<std::string>
      possible;     // other targets some sizes of the family have (c5: cascadelake)
  std::string gpu;  // "cuda" for NVIDIA GPU families, else ""
  std::string note;
};

class Catalog {
 public:
  // Parses and validates a catalog document; `origin` names it in messages.
  static Result<Catalog> Parse(std::string_view yaml_text, std::string_view origin);
  // The catalog embedded at build time from data/arch/microarchitectures.yaml.
  static Result<const Catalog*> Builtin();

  const std::vector<Microarchitecture>& Targets() const { return targets_; }
  const std::vector<Source>& Sources() const { return sources_; }
  const Source* FindSource(std::string_view id) const;

  // By name or alias, case-insensitively; NotFound suggests the closest name.
  Result<const Microarchitecture*> Find(std::string_view name) const;
  // The target itself, its parent, its parent's parent, ...
  std::vector<const Microarchitecture*> Ancestry(const Microarchitecture& target) const;
  // True if `ancestor` is `target` or one of its ancestors.
  bool IsAncestor(const Microarchitecture& ancestor, const Microarchitecture& target) const;
  // Every compiler name any target has flags for, sorted.
  std::vector<std::string> Compilers() const;

  // The best flags `compiler` at `version` knows for `target`: the first line of the target's
  // table whose range holds the version, else the nearest ancestor's (fallback, with a note).
  // Compiler aliases: g++ -> gcc, clang++ -> clang, nvc/nvc++/nvfortran -> nvhpc.
  Result<FlagChoice> FlagsFor(std::string_view target, std::string_view compiler,
                              std::string_view version) const;

  // The microarchitecture of an instance type ("c7g.16xlarge") or family ("c7g").
  Result<InstanceMatch> ForInstanceType(std::string_view instance_type) const;

 private:
  std::vector<Microarchitecture> targets_;
  std::vector<Source> sources_;
};

// The embedded catalog text, byte for byte.
std::string_view BuiltinCatalogYaml();

// Compiler versions: "12", "12.2", "12.2.0"; each component a number.
Result<std::vector<int>> ParseVersion(std::string_view text);
// <0, 0, >0 like strcmp; missing components count as 0.
int CompareVersions(const std::vector<int>& a, const std::vector<int>& b);
// True if `version` is at most `max`, comparing only as many components as `max` has
// ("10.2.1" is within "10.2").
bool VersionWithin(const std::vector<int>& version, const std::vector<int>& max);

// Splits a flags string on spaces into argv elements.
std::vector<std::string> SplitFlags(std::string_view flags);

// An EC2 instance type split into family and size: "c7g.16xlarge" -> {"c7g", "16xlarge"},
// "u-6tb1.metal" -> {"u-6tb1", "metal"}. InvalidArgument if it is not of that form.
struct InstanceTypeName {
  std::string family;
  std::string size;
  std::string series;      // leading letters: "c", "hpc", "u"
  int generation = -1;     // 7 in c7g; -1 when the family has none
  std::string attributes;  // "gn" in c7gn, "i-flex" in m7i-flex
};
Result<InstanceTypeName> ParseInstanceType(std::string_view text);

}  // namespace awshpc::arch
