// File: stager_bundle.cpp
// aws-hpc-stage with its shared-library closure and loader, for images whose OS differs from the
// host's: ELF parsing and the loader's search order, in C++ (no ldd, no shell).
#include "awshpc/container/stager_bundle.hpp"

#include <elf.h>
#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "awshpc/core/paths.hpp"

namespace awshpc::container {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxElfBytes = std::size_t{1} << 30;

// Reads a trivially copyable T at `offset` of `bytes`; false when it does not fit.
template <typename T>
bool ReadElfStruct(const std::string& bytes, std::uint64_t offset, T& out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(&out, bytes.data() + offset, sizeof(T));
  return true;
}

// The platform an ELF e_machine runs on ("" for others).
std::string ElfPlatform(std::uint16_t machine) {
  if (machine == EM_X86_64) return "linux/amd64";
  if (machine == EM_AARCH64) return "linux/arm64";
  return "";
}

std::string ArchWord(std::string_view platform) {
  return platform == "linux/arm64" ? "arm64 (aarch64)" : "x86_64 (amd64)";
}

std::vector<std::string> SplitPaths(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(':', start), text.size());
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The loader's configured and default directories of this machine for `platform`.
std::vector<std::string> LoaderDirs(std::string_view platform) {
  std::vector<std::string> dirs;
  std::error_code ec;
  std::set<fs::path> confs;
  for (const auto& entry : fs::directory_iterator("/etc/ld.so.conf.d", ec)) {
    if (entry.path().extension() == ".conf") confs.insert(entry.path());
  }
  for (const fs::path& conf : confs) {
    std::ifstream in(conf);
    for (std::string line; std::getline(in, line);) {
      line = line.substr(0, line.find('#'));
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
        line.pop_back();
      const std::size_t start = line.find_first_not_of(" \t");
      if (start != std::string::npos && line[start] == '/') dirs.push_back(line.substr(start));
    }
  }
  const std::string triplet = platform == "linux/arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  for (const std::string& dir :
       {"/lib/" + triplet, "/usr/lib/" + triplet, std::string("/lib64"), std::string("/usr/lib64"),
        std::string("/lib"), std::string("/usr/lib")}) {
    dirs.push_back(dir);
  }
  return dirs;
}

}  // namespace

Result<ElfInfo> ReadElfInfo(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path, kMaxElfBytes));
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError(fmt::format("{}: {}", path, why));
  };
  Elf64_Ehdr header;
  if (!ReadElfStruct(bytes, 0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    return bad("not an ELF program");
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
    return bad("not a 64-bit little-endian ELF file");
  }
  ElfInfo info;
  info.platform = ElfPlatform(header.e_machine);
  if (info.platform.empty()) {
    return bad(fmt::format("ELF machine {} is neither x86_64 nor aarch64", header.e_machine));
  }
  std::vector<Elf64_Phdr> loads;
  Elf64_Phdr dynamic{};
  bool has_dynamic = false;
  for (std::uint16_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (!ReadElfStruct(bytes, header.e_phoff + std::uint64_t{i} * header.e_phentsize, ph)) {
      return bad("truncated program headers");
    }
    if (ph.p_type == PT_LOAD) loads.push_back(ph);
    if (ph.p_type == PT_DYNAMIC) dynamic = ph, has_dynamic = true;
    if (ph.p_type == PT_INTERP) {
      if (ph.p_offset > bytes.size() || bytes.size() - ph.p_offset < ph.p_filesz) {
        return bad("truncated PT_INTERP");
      }
      info.interpreter = std::string(bytes.c_str() + ph.p_offset);
    }
  }
  if (!has_dynamic) return info;  // static
  // DT_STRTAB is a virtual address: the PT_LOAD segment holding it gives its file offset.
  std::vector<Elf64_Dyn> entries;
  std::uint64_t strtab_addr = 0;
  for (std::uint64_t at = dynamic.p_offset;
       at + sizeof(Elf64_Dyn) <= dynamic.p_offset + dynamic.p_filesz; at += sizeof(Elf64_Dyn)) {
    Elf64_Dyn d;
    if (!ReadElfStruct(bytes, at, d)) return bad("truncated dynamic section");
    if (d.d_tag == DT_NULL) break;
    if (d.d_tag == DT_STRTAB) strtab_addr = d.d_un.d_ptr;
    entries.push_back(d);
  }
  std::uint64_t strtab = 0;
  bool mapped = false;
  for (const Elf64_Phdr& load : loads) {
    if (strtab_addr >= load.p_vaddr && strtab_addr < load.p_vaddr + load.p_filesz) {
      strtab = strtab_addr - load.p_vaddr + load.p_offset;
      mapped = true;
    }
  }
  if (!mapped) return bad("DT_STRTAB is outside every PT_LOAD segment");
  auto string_at = [&](std::uint64_t offset) -> Result<std::string> {
    if (strtab + offset >= bytes.size()) return bad("a dynamic string is outside the file");
    return std::string(bytes.c_str() + strtab + offset);
  };
  const std::string origin = fs::path(path).parent_path().string();
  std::vector<std::string> rpath;
  for (const Elf64_Dyn& d : entries) {
    if (d.d_tag != DT_NEEDED && d.d_tag != DT_RUNPATH && d.d_tag != DT_RPATH) continue;
    ASSIGN_OR_RETURN(std::string text, string_at(d.d_un.d_val));
    if (d.d_tag == DT_NEEDED) {
      info.needed.push_back(text);
      continue;
    }
    for (std::string dir : SplitPaths(text)) {
      for (const std::string token : {"$ORIGIN", "${ORIGIN}"}) {
        if (dir.starts_with(token)) dir = origin + dir.substr(token.size());
      }
      (d.d_tag == DT_RUNPATH ? info.run_path : rpath).push_back(dir);
    }
  }
  if (info.run_path.empty()) info.run_path = rpath;  // DT_RUNPATH wins over DT_RPATH
  return info;
}

Result<StagerBundle> BundleStager(const std::string& program, std::string_view platform,
                                  bool from_option, std::vector<std::string> search_dirs) {
  ASSIGN_OR_RETURN_CTX(ElfInfo info, ReadElfInfo(program), "aws-hpc-stage for the image");
  if (info.platform != platform) {
    const std::string what = fmt::format("{} is built for {}, but the image is {}", program,
                                         ArchWord(info.platform), platform);
    if (from_option) return InvalidArgumentError("--stager: " + what);
    return FailedPreconditionError(
        fmt::format("{}: pass --stager PATH, an aws-hpc-stage built for {} (static, or with its "
                    "libraries beside it in a {} system)",
                    what, ArchWord(platform), ArchWord(platform)));
  }
  if (search_dirs.empty()) search_dirs = LoaderDirs(platform);

  StagerBundle bundle;
  bundle.platform = info.platform;
  bundle.program = program;
  ASSIGN_OR_RETURN(bundle.files["aws-hpc/libexec/aws-hpc-stage"],
                   ReadFileToString(program, kMaxElfBytes));
  // Breadth-first over DT_NEEDED, each name resolved once (as the loader does), skipping files
  // of another architecture in the search path (as the loader does).
  std::vector<std::pair<std::string, std::vector<std::string>>> queue;  // name, requester's path
  for (const std::string& name : info.needed) queue.emplace_back(name, info.run_path);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const auto [name, run_path] = queue[i];
    if (!seen.insert(name).second) continue;
    std::vector<std::string> dirs = run_path;
    dirs.insert(dirs.end(), search_dirs.begin(), search_dirs.end());
    std::string found;
    ElfInfo lib;
    for (const std::string& dir : dirs) {
      const std::string candidate = dir + "/" + name;
      std::error_code ec;
      if (!fs::is_regular_file(candidate, ec)) continue;
      auto read = ReadElfInfo(candidate);
      if (!read.ok() || read->platform != platform) continue;
      found = candidate;
      lib = *read;
      break;
    }
    if (found.empty()) {
      return NotFoundError(fmt::format("{} needs {} ({}), found in none of: {}", program, name,
                                       ArchWord(platform), fmt::join(dirs, ", ")));
    }
    ASSIGN_OR_RETURN(bundle.files["aws-hpc/lib/" + name],
                     ReadFileToString(fs::canonical(found).string(), kMaxElfBytes));
    bundle.libraries.push_back(found);
    for (const std::string& next : lib.needed) queue.emplace_back(next, lib.run_path);
  }

  std::string exec_line = "exec /opt/aws-hpc/libexec/aws-hpc-stage \"$@\"";
  if (!info.interpreter.empty()) {
    const std::string loader = fs::path(info.interpreter).filename().string();
    std::error_code ec;
    const std::string real = fs::canonical(info.interpreter, ec).string();
    if (ec) {
      return NotFoundError(
          fmt::format("{}: its loader {} is not on this machine", program, info.interpreter));
    }
    ASSIGN_OR_RETURN(bundle.files["aws-hpc/lib/" + loader], ReadFileToString(real, kMaxElfBytes));
    bundle.libraries.push_back(info.interpreter);
    exec_line = fmt::format(
        "exec /opt/aws-hpc/lib/{} --library-path /opt/aws-hpc/lib "
        "/opt/aws-hpc/libexec/aws-hpc-stage \"$@\"",
        loader);
  }
  bundle.files["aws-hpc/bin/aws-hpc-stage"] = fmt::format(
      "#!/bin/sh\n"
      "# aws-hpc-stage with its own libraries and loader (bundled by `aws-hpc app build`): it\n"
      "# runs whatever the image's OS and C library are.\n"
      "{}\n",
      exec_line);
  return bundle;
}

}  // namespace awshpc::container
