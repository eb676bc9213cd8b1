// File: param_types.cpp
// Per-type validation of parameter values. Every check works on bytes and rejects rather than
// repairs: a value is either accepted as one exact argv element or refused with a reason.
#include "awshpc/spec/param_types.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>

#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"
#include "suggest.hpp"

namespace awshpc::spec {
namespace {

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z'); }

Status Expected(std::string_view what, std::string_view got) {
  return InvalidArgumentError(fmt::format("expected {}; got {}", what, QuoteForMessage(got)));
}

std::string BoundsText(const Parameter& p) {
  if (p.min && p.max) return fmt::format("between {} and {}", p.min_text, p.max_text);
  if (p.min) return fmt::format(">= {}", p.min_text);
  return fmt::format("<= {}", p.max_text);
}

Status CheckBounds(const Parameter& p, double value, std::string_view noun, std::string_view got) {
  if ((p.min && value < *p.min) || (p.max && value > *p.max)) {
    return InvalidArgumentError(
        fmt::format("expected {} {}; got {}", noun, BoundsText(p), QuoteForMessage(got)));
  }
  return Status::Ok();
}

Result<std::string> CanonicalInt(const Parameter& p, std::string_view value) {
  std::string_view digits = value;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  std::int64_t number = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, number);
  if (digits.empty() || ec != std::errc() || ptr != end ||
      (value.front() == '+' && digits.front() == '-')) {
    return Expected("an integer", value);
  }
  RETURN_IF_ERROR(CheckBounds(p, static_cast<double>(number), "an integer", value));
  return std::to_string(number);
}

Result<std::string> CanonicalFloat(const Parameter& p, std::string_view value) {
  std::string_view digits = value;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  double number = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, number, std::chars_format::general);
  if (digits.empty() || ec != std::errc() || ptr != end || !std::isfinite(number) ||
      (value.front() == '+' && digits.front() == '-')) {
    return Expected("a number", value);
  }
  RETURN_IF_ERROR(CheckBounds(p, number, "a number", value));
  if (number == 0) number = 0;  // no "-0"
  return fmt::format("{}", number);
}

Result<std::string> CanonicalBool(std::string_view value) {
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "yes" || lower == "1" || lower == "on")
    return std::string("true");
  if (lower == "false" || lower == "no" || lower == "0" || lower == "off") {
    return std::string("false");
  }
  return Expected("true or false (also yes/no, on/off, 1/0)", value);
}

Result<std::string> CanonicalEnum(const Parameter& p, std::string_view value) {
  if (std::find(p.values.begin(), p.values.end(), value) != p.values.end()) {
    return std::string(value);
  }
  std::string message =
      fmt::format("expected one of {}; got {}", JoinOr(p.values), QuoteForMessage(value));
  const std::string guess = internal::Suggest(value, p.values);
  if (!guess.empty()) message += fmt::format(" (did you mean {}?)", guess);
  return InvalidArgumentError(std::move(message));
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

Result<std::string> CanonicalDate(std::string_view value) {
  std::string digits;
  if (value.size() == 10 && value[4] == '-' && value[7] == '-') {
    digits = std::string(value.substr(0, 4)) + std::string(value.substr(5, 2)) +
             std::string(value.substr(8, 2));
  } else if (value.size() == 8) {
    digits = std::string(value);
  }
  if (digits.size() != 8 || !std::all_of(digits.begin(), digits.end(), IsDigit)) {
    return Expected("a date YYYY-MM-DD or YYYYMMDD", value);
  }
  const int year = std::stoi(digits.substr(0, 4));
  const int month = std::stoi(digits.substr(4, 2));
  const int day = std::stoi(digits.substr(6, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool valid = year >= 1 && month >= 1 && month <= 12 && day >= 1 &&
                     day <= kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  if (!valid) return Expected("a real calendar date", value);
  return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
}

Result<std::string> CanonicalDuration(const Parameter& p, std::string_view value) {
  Result<std::int64_t> seconds = ParseDurationSeconds(value);
  if (!seconds.ok()) return Expected("a duration (e.g. 90s, 45m, 1h30m, 2d, 01:30:00)", value);
  RETURN_IF_ERROR(CheckBounds(p, static_cast<double>(*seconds), "a duration", value));
  return std::to_string(*seconds);
}

Result<std::string> CanonicalString(const Parameter& p, std::string_view value) {
  if (p.pattern.empty()) return std::string(value);
  bool matches = false;
  try {
    const std::regex re(p.pattern, std::regex::ECMAScript);
    matches = std::regex_match(value.begin(), value.end(), re);
  } catch (const std::regex_error&) {
    return InvalidArgumentError(
        fmt::format("value could not be checked against pattern {}", QuoteForMessage(p.pattern)));
  }
  if (!matches) return Expected(fmt::format("a string matching {}", p.pattern), value);
  return std::string(value);
}

}  // namespace

bool IsValidS3BucketName(std::string_view bucket) {
  // The S3 rules for new buckets: 3-63 characters of a-z, 0-9, '.', '-'; starts and ends with a
  // letter or digit; no "..", no IPv4 address, none of the reserved prefixes/suffixes.
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (!IsLowerAlnum(bucket.front()) || !IsLowerAlnum(bucket.back())) return false;
  int dots = 0;
  bool all_digits_and_dots = true;
  for (std::size_t i = 0; i < bucket.size(); ++i) {
    const char c = bucket[i];
    if (!IsLowerAlnum(c) && c != '.' && c != '-') return false;
    if (c == '.') ++dots;
    if (!IsDigit(c) && c != '.') all_digits_and_dots = false;
    if (i > 0 && c == '.' && (bucket[i - 1] == '.' || bucket[i - 1] == '-')) return false;
    if (i > 0 && c == '-' && bucket[i - 1] == '.') return false;
  }
  if (all_digits_and_dots && dots == 3) return false;  // looks like an IP address
  if (bucket.starts_with("xn--") || bucket.starts_with("sthree-")) return false;
  if (bucket.ends_with("-s3alias") || bucket.ends_with("--ol-s3")) return false;
  return true;
}

Status ValidateS3Uri(std::string_view uri) {
  constexpr std::string_view kScheme = "s3://";
  if (!uri.starts_with(kScheme)) return Expected("an s3:// URI (s3://bucket/key)", uri);
  const std::string_view rest = uri.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string_view bucket = rest.substr(0, slash);
  if (!IsValidS3BucketName(bucket)) {
    return InvalidArgumentError(fmt::format(
        "expected an s3:// URI with a valid bucket name (3-63 characters a-z, 0-9, '.', '-'); "
        "got {}",
        QuoteForMessage(uri)));
  }
  const std::string_view key = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (key.size() > 1024) return InvalidArgumentError("S3 keys are at most 1024 bytes");
  for (unsigned char c : key) {
    if (IsControl(c)) {
      return InvalidArgumentError(
          fmt::format("S3 key contains a control character: {}", QuoteForMessage(uri)));
    }
  }
  return Status::Ok();
}

Status ValidatePath(std::string_view path, bool allow_absolute) {
  if (path.empty()) return InvalidArgumentError("expected a path; got an empty string");
  for (unsigned char c : path) {
    if (IsControl(c)) {
      return InvalidArgumentError(
          fmt::format("path contains a control character: {}", QuoteForMessage(path)));
    }
  }
  if (path.front() == '/' && !allow_absolute) {
    return InvalidArgumentError(
        fmt::format("expected a relative path; got absolute path {}", QuoteForMessage(path)));
  }
  // A leading '-' would be read as an option by the application.
  if (path.front() == '-') {
    return InvalidArgumentError(fmt::format(
        "path must not start with '-' (write ./{} instead); got {}", path, QuoteForMessage(path)));
  }
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(pos, end - pos) == "..") {
      return InvalidArgumentError(
          fmt::format("path must not contain \"..\" components; got {}", QuoteForMessage(path)));
    }
    pos = end + 1;
  }
  return Status::Ok();
}

Result<std::string> CanonicalizeValue(const Parameter& p, std::string_view value) {
  if (value.size() > kMaxParamValueBytes) {
    return InvalidArgumentError(fmt::format("value is {} bytes long; at most {} are allowed",
                                            value.size(), kMaxParamValueBytes));
  }
  if (value.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(
        fmt::format("value contains a NUL byte: {}", QuoteForMessage(value)));
  }
  switch (p.type) {
    case ParamType::kString:
      return CanonicalString(p, value);
    case ParamType::kInt:
      return CanonicalInt(p, value);
    case ParamType::kFloat:
      return CanonicalFloat(p, value);
    case ParamType::kBool:
      return CanonicalBool(value);
    case ParamType::kEnum:
      return CanonicalEnum(p, value);
    case ParamType::kPath:
      RETURN_IF_ERROR(ValidatePath(value, p.allow_absolute));
      return std::string(value);
    case ParamType::kS3Uri:
      RETURN_IF_ERROR(ValidateS3Uri(value));
      return std::string(value);
    case ParamType::kDate:
      return CanonicalDate(value);
    case ParamType::kDuration:
      return CanonicalDuration(p, value);
  }
  return InternalError("unknown parameter type");
}

}  // namespace awshpc::spec
