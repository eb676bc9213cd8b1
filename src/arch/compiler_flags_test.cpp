// The catalog's flags against the compilers on this machine: every line the installed compiler's
// version falls in must be accepted by it, and the newest line of a target that claims a newer
// compiler must be rejected by it (which proves the fallback line is needed). Compilers run by
// argv, never through a shell: `g++ FLAGS -x c++ -c /dev/null -o /dev/null`.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/core/paths.hpp"

extern char** environ;

namespace awshpc::arch {
namespace {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

ProcessResult RunArgv(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  ProcessResult run;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) {
    run.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (rc != 0) return run;
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

struct Compiler {
  std::string name;     // catalog name: gcc, clang
  std::string program;  // absolute path
  std::string version;  // "12.2.0"
};

// Checks every line of `compiler` for targets of `isa` against the program.
void CheckLines(const Compiler& compiler, const std::string& isa,
                const std::vector<std::string>& extra_flags, int* accepted, int* rejected) {
  const Catalog& catalog = **Catalog::Builtin();
  const std::vector<int> installed = *ParseVersion(compiler.version);
  for (const Microarchitecture& target : catalog.Targets()) {
    if (target.isa != isa) continue;
    const auto lines = target.compilers.find(compiler.name);
    if (lines == target.compilers.end()) continue;
    for (std::size_t i = 0; i < lines->second.size(); ++i) {
      const CompilerFlags& line = lines->second[i];
      const bool claimed_older = CompareVersions(*ParseVersion(line.min_version), installed) <= 0;
      // Lines for older versions only (max_version below ours) may use names a newer compiler
      // dropped (zeus); check only lines whose range holds the installed version or the newest.
      const bool in_range =
          claimed_older &&
          (line.max_version.empty() || VersionWithin(installed, *ParseVersion(line.max_version)));
      if (!in_range && !(i == 0 && !claimed_older)) continue;
      std::vector<std::string> argv = {compiler.program};
      argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
      for (const std::string& flag : SplitFlags(line.flags)) argv.push_back(flag);
      argv.insert(argv.end(), {"-x", "c++", "-c", "/dev/null", "-o", "/dev/null"});
      const ProcessResult run = RunArgv(argv);
      const std::string what = compiler.name + " " + compiler.version + " " + line.flags + " (" +
                               target.name + ", claims " + line.min_version + ")";
      if (in_range) {
        EXPECT_EQ(run.exit_code, 0) << what << " was rejected:\n" << run.output;
        ++*accepted;
      } else {
        EXPECT_NE(run.exit_code, 0)
            << what << " was accepted, so the catalog's minimum version is too high";
        ++*rejected;
      }
    }
  }
}

std::string HostIsa() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

TEST(CompilerFlagsTest, GccAcceptsEveryLineItsVersionFallsIn) {
  auto gxx = FindExecutable("g++");
  ASSERT_TRUE(gxx.ok()) << "g++ is missing: install the Debian package g++";
  const ProcessResult version = RunArgv({*gxx, "-dumpfullversion"});
  ASSERT_EQ(version.exit_code, 0) << version.output;
  Compiler gcc{"gcc", *gxx, version.output.substr(0, version.output.find('\n'))};
  int accepted = 0;
  int rejected = 0;
  CheckLines(gcc, HostIsa(), {}, &accepted, &rejected);
  std::cout << "g++ " << gcc.version << ": " << accepted << " lines accepted, " << rejected
            << " newer lines rejected\n";
  EXPECT_GE(accepted, 10);
  // On GCC 12.2 (Debian 12): -march=znver4 (GCC 12.3) must be refused.
  if (CompareVersions(*ParseVersion(gcc.version), {12, 3}) < 0 && HostIsa() == "x86_64") {
    EXPECT_GE(rejected, 1);
  }
}

TEST(CompilerFlagsTest, CrossGccAcceptsTheOtherIsasLines) {
  // The other ISA's GCC lines need a cross compiler (Debian: g++-aarch64-linux-gnu on x86_64,
  // g++-x86-64-linux-gnu on arm64). Optional: the host GCC and clang checks above and below run
  // everywhere.
  const std::string other = HostIsa() == "x86_64" ? "aarch64" : "x86_64";
  const std::string program = other == "aarch64" ? "aarch64-linux-gnu-g++" : "x86_64-linux-gnu-g++";
  auto cross = FindExecutable(program);
  if (!cross.ok()) {
    GTEST_SKIP() << program << " is not installed (Debian package g++-" << other
                 << "-linux-gnu): " << other << " gcc lines are checked by clang only";
  }
  const ProcessResult version = RunArgv({*cross, "-dumpfullversion"});
  ASSERT_EQ(version.exit_code, 0) << version.output;
  Compiler gcc{"gcc", *cross, version.output.substr(0, version.output.find('\n'))};
  int accepted = 0;
  int rejected = 0;
  CheckLines(gcc, other, {}, &accepted, &rejected);
  std::cout << program << " " << gcc.version << ": " << accepted << " lines accepted, " << rejected
            << " newer lines rejected\n";
  EXPECT_GE(accepted, 3);
}

TEST(CompilerFlagsTest, ClangAcceptsEveryLineItsVersionFallsInForBothIsas) {
  // Clang is a cross compiler: one binary checks the x86_64 and the aarch64 lines.
  auto clangxx = FindExecutable("clang++");
  if (!clangxx.ok()) {
    GTEST_SKIP() << "clang++ is not installed (Debian package clang): clang lines unchecked";
  }
  const ProcessResult version = RunArgv({*clangxx, "-dumpversion"});
  ASSERT_EQ(version.exit_code, 0) << version.output;
  Compiler clang{"clang", *clangxx, version.output.substr(0, version.output.find('\n'))};
  int accepted = 0;
  int rejected = 0;
  CheckLines(clang, "x86_64", {"--target=x86_64-linux-gnu"}, &accepted, &rejected);
  CheckLines(clang, "aarch64", {"--target=aarch64-linux-gnu"}, &accepted, &rejected);
  std::cout << "clang " << clang.version << ": " << accepted << " lines accepted, " << rejected
            << " newer lines rejected\n";
  EXPECT_GE(accepted, 10);
}

TEST(CompilerFlagsTest, FlagsForTheInstalledGccCompile) {
  // What `aws-hpc arch info` would tell a user of this machine's g++, for every host-ISA target.
  auto gxx = FindExecutable("g++");
  ASSERT_TRUE(gxx.ok()) << "g++ is missing: install the Debian package g++";
  const ProcessResult version = RunArgv({*gxx, "-dumpfullversion"});
  const std::string installed = version.output.substr(0, version.output.find('\n'));
  const Catalog& catalog = **Catalog::Builtin();
  for (const Microarchitecture& target : catalog.Targets()) {
    if (target.isa != HostIsa()) continue;
    auto choice = catalog.FlagsFor(target.name, "gcc", installed);
    ASSERT_TRUE(choice.ok()) << target.name << ": " << choice.status().ToString();
    std::vector<std::string> argv = {*gxx};
    for (const std::string& flag : SplitFlags(choice->flags)) argv.push_back(flag);
    argv.insert(argv.end(), {"-x", "c++", "-c", "/dev/null", "-o", "/dev/null"});
    const ProcessResult run = RunArgv(argv);
    EXPECT_EQ(run.exit_code, 0) << target.name << ": " << choice->flags << "\n" << run.output;
  }
}

}  // namespace
}  // namespace awshpc::arch
