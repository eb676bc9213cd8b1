// File: stager_bundle.hpp
// aws-hpc-stage inside application images. The image's OS and glibc may differ from the host's,
// so the host-built stager ships self-contained: the binary, every shared library it loads (its
// ELF DT_NEEDED closure, resolved here the way the dynamic loader does) and the loader itself,
// run by a launcher as `ld.so --library-path /opt/aws-hpc/lib /opt/aws-hpc/libexec/aws-hpc-stage`.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::container {

// What the dynamic loader needs to know about an ELF file (64-bit little-endian only).
struct ElfInfo {
  std::string platform;               // linux/amd64 | linux/arm64
  std::string interpreter;            // PT_INTERP ("" for a static program)
  std::vector<std::string> needed;    // DT_NEEDED, in order
  std::vector<std::string> run_path;  // DT_RUNPATH (else DT_RPATH), $ORIGIN expanded
};

// Reads the ELF header, program headers and dynamic section of `path`. InvalidArgument naming
// the file when it is not a 64-bit little-endian x86_64/aarch64 ELF file.
Result<ElfInfo> ReadElfInfo(const std::string& path);

// The stager and its closure, as build-context files under "aws-hpc/":
//   aws-hpc/bin/aws-hpc-stage       the launcher (/bin/sh)
//   aws-hpc/libexec/aws-hpc-stage   the program
//   aws-hpc/lib/<soname>, aws-hpc/lib/<loader>
struct StagerBundle {
  std::string platform;
  std::string program;                       // the host path bundled
  std::vector<std::string> libraries;        // host paths of the closure (loader last)
  std::map<std::string, std::string> files;  // context-relative name -> bytes
};

// Where the image keeps the launcher (the entrypoint puts /opt/aws-hpc/bin on PATH).
inline constexpr std::string_view kStagerLauncher = "/opt/aws-hpc/bin/aws-hpc-stage";

// Bundles `program` for an image of `platform`. A program for another architecture is refused:
// FailedPrecondition telling to pass `--stager PATH` (a build for that architecture) when
// `from_option` is false, InvalidArgument naming the file when it came from --stager. Libraries
// are searched in `search_dirs` after the program's run path; empty -> this machine's loader
// directories (/etc/ld.so.conf.d, then /lib/<triplet>, /usr/lib/<triplet>, /lib, /usr/lib).
Result<StagerBundle> BundleStager(const std::string& program, std::string_view platform,
                                  bool from_option, std::vector<std::string> search_dirs = {});

}  // namespace awshpc::container
