// File: config_file.hpp
// The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials): INI parsing
// with AWS's rules, profile selection and merging.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "awshpc/aws/environment.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws {

// One [section]: lower-case keys; nested properties ("s3 =" followed by indented
// "  addressing_style = path") are flattened to "s3.addressing_style".
using IniSection = std::map<std::string, std::string, std::less<>>;
using IniFile = std::map<std::string, IniSection, std::less<>>;

// Parses INI text: [section] headers, "key = value" lines, '#' and ';' comments (whole lines,
// or after whitespace at the end of a value), indented sub-properties. `origin` names the file
// in error messages.
Result<IniFile> ParseIni(std::string_view text, std::string_view origin);

struct Profile {
  std::string name;
  IniSection values;
  std::optional<std::string> Get(std::string_view key) const;
};

struct SharedConfig {
  // Profiles from both files; for a key in both, the credentials file wins.
  std::map<std::string, Profile, std::less<>> profiles;
  // [services NAME] sections of the config file (per-service settings such as endpoint_url).
  std::map<std::string, IniSection, std::less<>> services;
  std::string config_path;  // where it was read from, for messages
  std::string credentials_path;

  const Profile* FindProfile(std::string_view name) const;
};

// Builds a SharedConfig from the two texts (either may be empty).
Result<SharedConfig> ParseSharedConfig(std::string_view config_text,
                                       std::string_view credentials_text);

// Reads AWS_CONFIG_FILE (default ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE (default
// ~/.aws/credentials). Missing files are not an error: most machines on AWS have neither.
Result<SharedConfig> LoadSharedConfig(const Environment& env);

// The profile to use: --profile (cli_profile) if given, else AWS_PROFILE, else "default".
std::string SelectedProfileName(const Environment& env, std::string_view cli_profile = "");

}  // namespace awshpc::aws
