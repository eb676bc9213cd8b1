// File: units.cpp
#include "awshpc/core/units.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <limits>

namespace awshpc {
namespace {

constexpr double kMaxSeconds = 100.0 * 365 * 86400;  // a century bounds every walltime
constexpr double kMaxMiB = 1024.0 * 1024 * 1024;     // 1 PiB bounds every memory request

bool ParseNumber(std::string_view text, std::size_t& pos, double& value) {
  const std::size_t start = pos;
  bool dot = false;
  while (pos < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[pos])) || (text[pos] == '.' && !dot))) {
    dot = dot || text[pos] == '.';
    ++pos;
  }
  if (pos == start || (pos - start == 1 && dot)) return false;
  value = std::stod(std::string(text.substr(start, pos - start)));
  return true;
}

Result<std::int64_t> ParseClockDuration(std::string_view text) {
  // HH:MM:SS or MM:SS, as Slurm and PBS write walltimes.
  std::int64_t parts[3] = {0, 0, 0};
  int count = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    if (count == 3) return InvalidArgumentError("too many ':' fields");
    std::size_t end = text.find(':', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view field = text.substr(pos, end - pos);
    if (field.empty() || field.size() > 6) return InvalidArgumentError("malformed field");
    std::int64_t value = 0;
    for (char c : field) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return InvalidArgumentError("not a digit");
      value = value * 10 + (c - '0');
    }
    parts[count++] = value;
    pos = end + 1;
  }
  if (count == 2) return parts[0] * 60 + parts[1];
  return parts[0] * 3600 + parts[1] * 60 + parts[2];
}

}  // namespace

Result<std::int64_t> ParseDurationSeconds(std::string_view text) {
  const auto error = [&] {
    return InvalidArgumentError(
        fmt::format("'{}' is not a duration (examples: 90s, 45m, 1h30m, 2d, 01:30:00)", text));
  };
  if (text.empty() || text.size() > 64) return error();
  if (text.find(':') != std::string_view::npos) {
    auto seconds = ParseClockDuration(text);
    if (!seconds.ok()) return error();
    return seconds;
  }
  double total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    double value = 0;
    if (!ParseNumber(text, pos, value)) return error();
    double unit = 1;
    if (pos < text.size()) {
      switch (text[pos]) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 86400;
          break;
        case 'w':
          unit = 7 * 86400;
          break;
        default:
          return error();
      }
      ++pos;
    } else if (pos != text.size() || total != 0) {
      return error();  // "1h30" is ambiguous: the last number needs a unit
    }
    total += value * unit;
    if (total > kMaxSeconds) return error();
  }
  return static_cast<std::int64_t>(std::llround(total));
}

std::string FormatDuration(std::int64_t seconds) {
  if (seconds <= 0) return "0s";
  std::string out;
  const std::int64_t days = seconds / 86400;
  const std::int64_t hours = seconds % 86400 / 3600;
  const std::int64_t minutes = seconds % 3600 / 60;
  const std::int64_t secs = seconds % 60;
  if (days) out += fmt::format("{}d", days);
  if (hours) out += fmt::format("{}h", hours);
  if (minutes) out += fmt::format("{}m", minutes);
  if (secs) out += fmt::format("{}s", secs);
  return out;
}

Result<std::int64_t> ParseMemoryMiB(std::string_view text) {
  const auto error = [&] {
    return InvalidArgumentError(
        fmt::format("'{}' is not a memory size (examples: 512MiB, 2GiB, 1.5GiB, 4096)", text));
  };
  if (text.empty() || text.size() > 32) return error();
  std::size_t pos = 0;
  double value = 0;
  if (!ParseNumber(text, pos, value)) return error();
  std::string unit(text.substr(pos));
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double factor = 0;
  if (unit.empty() || unit == "m" || unit == "mi" || unit == "mib" || unit == "mb") {
    factor = 1;
  } else if (unit == "k" || unit == "ki" || unit == "kib" || unit == "kb") {
    factor = 1.0 / 1024;
  } else if (unit == "g" || unit == "gi" || unit == "gib" || unit == "gb") {
    factor = 1024;
  } else if (unit == "t" || unit == "ti" || unit == "tib" || unit == "tb") {
    factor = 1024.0 * 1024;
  } else {
    return error();
  }
  const double mib = std::ceil(value * factor);
  if (mib > kMaxMiB) return error();
  return static_cast<std::int64_t>(mib);
}

std::string FormatMemoryMiB(std::int64_t mib) {
  if (mib >= 1024 * 1024 && mib % (1024 * 1024) == 0) return fmt::format("{}TiB", mib / 1048576);
  if (mib >= 1024 && mib % 1024 == 0) return fmt::format("{}GiB", mib / 1024);
  if (mib >= 1024) return fmt::format("{:.1f}GiB", static_cast<double>(mib) / 1024);
  return fmt::format("{}MiB", mib);
}

}  // namespace awshpc
