// File: clock.hpp
// Wall-clock time as integer milliseconds since the Unix epoch, behind an injectable Clock so
// that schedulers, signers and tests can run on a fake clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "awshpc/core/status.hpp"

namespace awshpc {

// Milliseconds since 1970-01-01T00:00:00Z. Stored as INTEGER in the job store.
using UnixMillis = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis NowMillis() const = 0;
};

// The real system clock.
class SystemClock final : public Clock {
 public:
  UnixMillis NowMillis() const override;
  static const SystemClock& Instance();
};

// A clock that moves only when told to; for tests and golden scenarios.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMillis start) : now_(start) {}
  UnixMillis NowMillis() const override { return now_; }
  void Advance(std::chrono::milliseconds delta) { now_ += delta.count(); }
  void Set(UnixMillis now) { now_ = now; }

 private:
  UnixMillis now_;
};

// "2026-11-29T16:27:45.123Z" (UTC, millisecond precision).
std::string FormatIso8601(UnixMillis time);

// Parses "2026-11-29T16:27:45Z", with optional fraction and numeric offset (+01:00).
Result<UnixMillis> ParseIso8601(const std::string& text);

// Monotonic seconds for measuring durations (never goes back, unlike the wall clock).
double MonotonicSeconds();

}  // namespace awshpc
