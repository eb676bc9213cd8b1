// File: cli_runner.cpp
#include "cli_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace awshpc::e2e {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::string CliRunner::Binary() { return AWSHPC_BINARY_DIR "/bin/aws-hpc"; }

CliRunner::CliRunner() {
  char pattern[] = "/tmp/awshpc-e2e-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  home_ = pattern;
}

CliRunner::~CliRunner() {
  // Cancel whatever a failed test left running, so no process outlives the test.
  CliResult live = Run({"job", "list", "-s", "RUNNING", "-s", "STARTING", "-s", "RUNNABLE",
                        "--output", "json", "--limit", "0"});
  std::size_t pos = 0;
  while ((pos = live.out.find("\"id\": \"", pos)) != std::string::npos) {
    pos += 7;
    Run({"job", "cancel", live.out.substr(pos, live.out.find('"', pos) - pos)},
        {{"AWS_HPC_KILL_GRACE_SECONDS", "1"}});
  }
  const std::string rm = "rm -rf '" + home_ + "'";
  [[maybe_unused]] int ignored = std::system(rm.c_str());
}

CliResult CliRunner::Run(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& extra_env) const {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string item(*entry);
    const auto eq = item.find('=');
    if (eq != std::string::npos) env[item.substr(0, eq)] = item.substr(eq + 1);
  }
  env["AWS_HPC_HOME"] = home_;
  env["AWS_HPC_APPS_PATH"] = AWSHPC_SOURCE_DIR "/tests/e2e/apps";
  env["NO_COLOR"] = "1";
  env.erase("AWS_HPC_OUTPUT");
  for (const auto& [key, value] : extra_env) env[key] = value;
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings = {Binary()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  static int counter = 0;
  const std::string out_path = home_ + "/.cli-out-" + std::to_string(++counter);
  const std::string err_path = home_ + "/.cli-err-" + std::to_string(counter);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = 0;
  CliResult result;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) {
    result.err = "cannot start " + Binary();
    return result;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  ::unlink(out_path.c_str());
  ::unlink(err_path.c_str());
  return result;
}

std::string JsonField(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\": \"";
  const auto pos = json.find(needle);
  if (pos == std::string::npos) return "";
  const auto start = pos + needle.size();
  return json.substr(start, json.find('"', start) - start);
}

}  // namespace awshpc::e2e
