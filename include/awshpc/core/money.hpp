// File: money.hpp
// Money as integer micro-dollars: sums are exact and rounding happens once, when shown.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "awshpc/core/status.hpp"

namespace awshpc {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromMicros(std::int64_t micros) { return Money(micros); }
  static constexpr Money FromCents(std::int64_t cents) { return Money(cents * 10'000); }
  // Parses "12", "12.5", "$0.000123", "-3.20" (at most 6 decimals).
  static Result<Money> Parse(const std::string& text);

  constexpr std::int64_t micros() const { return micros_; }

  // Price per hour times a duration, rounded half away from zero to whole micro-dollars.
  static Money PerHourTimesSeconds(Money per_hour, double seconds);

  // "$12.35" (cents) or, for amounts under a cent, "$0.0042" (4 decimals).
  std::string ToString() const;
  // Fixed 6 decimals, no symbol, for JSON and CSV: "12.345678".
  std::string ToDecimalString() const;

  constexpr Money operator+(Money other) const { return Money(micros_ + other.micros_); }
  constexpr Money operator-(Money other) const { return Money(micros_ - other.micros_); }
  constexpr Money& operator+=(Money other) {
    micros_ += other.micros_;
    return *this;
  }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(std::int64_t micros) : micros_(micros) {}
  std::int64_t micros_ = 0;
};

}  // namespace awshpc
