// File: config_file.cpp
#include "awshpc/aws/config_file.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace awshpc::aws {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "value # comment" -> "value": a comment marker counts only after whitespace, so that
// "secret#with#hashes" survives.
std::string_view StripInlineComment(std::string_view value) {
  for (std::size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') &&
        std::isspace(static_cast<unsigned char>(value[i - 1]))) {
      return Trim(value.substr(0, i));
    }
  }
  return value;
}

Result<std::string> ReadOptionalFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string();
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return InternalError(fmt::format("reading {} failed", path));
  return buffer.str();
}

}  // namespace

Result<IniFile> ParseIni(std::string_view text, std::string_view origin) {
  IniFile file;
  IniSection* section = nullptr;
  std::string parent_key;  // the "s3 =" of an indented block
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++number;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const auto where = [&] { return fmt::format("{}:{}", origin, number); };
    if (line.front() == '[') {
      const auto close = line.find(']');
      if (close == std::string_view::npos) {
        return InvalidArgumentError(fmt::format("{}: section header without ']'", where()));
      }
      const std::string_view rest = Trim(line.substr(close + 1));
      if (!rest.empty() && rest.front() != '#' && rest.front() != ';') {
        return InvalidArgumentError(fmt::format("{}: junk after section header", where()));
      }
      // "[profile   dev]" and "[ profile dev ]" both name "profile dev".
      std::string name;
      for (char c : Trim(line.substr(1, close - 1))) {
        if (std::isspace(static_cast<unsigned char>(c))) {
          if (!name.empty() && name.back() != ' ') name += ' ';
        } else {
          name += c;
        }
      }
      section = &file[name];
      parent_key.clear();
      continue;
    }
    if (section == nullptr) {
      return InvalidArgumentError(fmt::format("{}: property outside any [section]", where()));
    }
    const bool indented = std::isspace(static_cast<unsigned char>(raw.front())) != 0;
    const auto eq = line.find('=');
    if (indented && !parent_key.empty()) {
      if (eq == std::string_view::npos) {
        return InvalidArgumentError(fmt::format("{}: sub-property without '='", where()));
      }
      (*section)[parent_key + "." + Lower(Trim(line.substr(0, eq)))] =
          std::string(StripInlineComment(Trim(line.substr(eq + 1))));
      continue;
    }
    if (eq == std::string_view::npos || eq == 0) {
      return InvalidArgumentError(fmt::format("{}: expected 'key = value'", where()));
    }
    const std::string key = Lower(Trim(line.substr(0, eq)));
    const std::string_view value = StripInlineComment(Trim(line.substr(eq + 1)));
    (*section)[key] = std::string(value);
    parent_key = value.empty() ? key : "";
  }
  return file;
}

std::optional<std::string> Profile::Get(std::string_view key) const {
  const auto it = values.find(key);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

const Profile* SharedConfig::FindProfile(std::string_view name) const {
  const auto it = profiles.find(name);
  return it == profiles.end() ? nullptr : &it->second;
}

Result<SharedConfig> ParseSharedConfig(std::string_view config_text,
                                       std::string_view credentials_text) {
  SharedConfig shared;
  ASSIGN_OR_RETURN(IniFile config, ParseIni(config_text, "config"));
  ASSIGN_OR_RETURN(IniFile credentials, ParseIni(credentials_text, "credentials"));
  // In the config file a profile is [default] or [profile NAME]; a bare [NAME] is not a profile
  // there (botocore ignores it too). "[profile default]" wins over "[default]".
  for (auto& [section, values] : config) {
    std::string name;
    if (section == "default") {
      name = "default";
      if (config.contains("profile default")) continue;
    } else if (section.starts_with("profile ")) {
      name = section.substr(8);
    } else if (section.starts_with("services ")) {
      shared.services[section.substr(9)] = values;
      continue;
    } else {
      continue;
    }
    Profile& profile = shared.profiles[name];
    profile.name = name;
    for (auto& [key, value] : values) profile.values[key] = value;
  }
  for (auto& [name, values] : credentials) {
    Profile& profile = shared.profiles[name];
    profile.name = name;
    for (auto& [key, value] : values) profile.values[key] = value;
  }
  return shared;
}

Result<SharedConfig> LoadSharedConfig(const Environment& env) {
  const std::string home = env.Get("HOME").value_or("");
  // "~/x" in the variables means the home directory, as in botocore (os.path.expanduser).
  const auto expand = [&home](std::string path) {
    if (!home.empty() && (path == "~" || path.starts_with("~/"))) path = home + path.substr(1);
    return path;
  };
  const std::string config_path =
      expand(env.Get("AWS_CONFIG_FILE").value_or(home.empty() ? "" : home + "/.aws/config"));
  const std::string credentials_path =
      expand(env.Get("AWS_SHARED_CREDENTIALS_FILE")
                 .value_or(home.empty() ? "" : home + "/.aws/credentials"));
  std::string config_text, credentials_text;
  if (!config_path.empty()) {
    ASSIGN_OR_RETURN(config_text, ReadOptionalFile(config_path));
  }
  if (!credentials_path.empty()) {
    ASSIGN_OR_RETURN(credentials_text, ReadOptionalFile(credentials_path));
  }
  // Parse each file under its own name so that errors point at the right one.
  RETURN_IF_ERROR(ParseIni(config_text, config_path).status());
  RETURN_IF_ERROR(ParseIni(credentials_text, credentials_path).status());
  ASSIGN_OR_RETURN(SharedConfig shared, ParseSharedConfig(config_text, credentials_text));
  shared.config_path = config_path;
  shared.credentials_path = credentials_path;
  return shared;
}

std::string SelectedProfileName(const Environment& env, std::string_view cli_profile) {
  if (!cli_profile.empty()) return std::string(cli_profile);
  return env.Get("AWS_PROFILE").value_or("default");
}

}  // namespace awshpc::aws
