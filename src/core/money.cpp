// File: money.cpp
#include "awshpc/core/money.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace awshpc {

Result<Money> Money::Parse(const std::string& text) {
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  if (pos < text.size() && text[pos] == '$') ++pos;
  std::int64_t whole = 0;
  std::int64_t fraction = 0;
  int fraction_digits = 0;
  bool any_digit = false;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
    if (whole > 9'000'000'000'000) return InvalidArgumentError("amount '" + text + "' too large");
    whole = whole * 10 + (text[pos] - '0');
    any_digit = true;
  }
  if (pos < text.size() && text[pos] == '.') {
    for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      if (++fraction_digits > 6) {
        return InvalidArgumentError("amount '" + text + "' has more than 6 decimals");
      }
      fraction = fraction * 10 + (text[pos] - '0');
      any_digit = true;
    }
  }
  if (!any_digit || pos != text.size()) {
    return InvalidArgumentError("'" + text + "' is not an amount of money (e.g. 12.50)");
  }
  for (int i = fraction_digits; i < 6; ++i) fraction *= 10;
  const std::int64_t micros = whole * 1'000'000 + fraction;
  return Money(negative ? -micros : micros);
}

Money Money::PerHourTimesSeconds(Money per_hour, double seconds) {
  const double micros = static_cast<double>(per_hour.micros_) * seconds / 3600.0;
  return Money(static_cast<std::int64_t>(std::llround(micros)));
}

std::string Money::ToString() const {
  const std::int64_t magnitude = std::llabs(micros_);
  const char* sign = micros_ < 0 ? "-" : "";
  if (magnitude != 0 && magnitude < 10'000) {
    return fmt::format("{}${:.4f}", sign, static_cast<double>(magnitude) / 1e6);
  }
  const std::int64_t cents = (magnitude + 5'000) / 10'000;
  return fmt::format("{}${}.{:02d}", sign, cents / 100, cents % 100);
}

std::string Money::ToDecimalString() const {
  const std::int64_t magnitude = std::llabs(micros_);
  return fmt::format("{}{}.{:06d}", micros_ < 0 ? "-" : "", magnitude / 1'000'000,
                     magnitude % 1'000'000);
}

}  // namespace awshpc
