// File: waiter.hpp
// Polling until something is ready (a job queue VALID, a stack CREATE_COMPLETE), as the SDKs'
// waiters do: the poll runs, then waits with exponential backoff and jitter between min_delay and
// max_delay, never past the timeout. Clock, sleeper and random source are injected for tests.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws {

struct WaiterOptions {
  std::string what;  // for messages: "job queue hpc VALID"
  std::chrono::milliseconds min_delay{2'000};
  std::chrono::milliseconds max_delay{30'000};
  std::chrono::milliseconds timeout{600'000};
};

// Poll once: true = done, false = not yet; an error stops the wait with that error (a terminal
// state such as INVALID or ROLLBACK_COMPLETE is the poll's to report, with its reason).
using WaitPoll = std::function<Result<bool>()>;

class Waiter {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  using Random = std::function<double()>;  // uniform in [0, 1)

  explicit Waiter(WaiterOptions options, const Clock& clock = SystemClock::Instance(),
                  Sleeper sleeper = nullptr, Random random = nullptr);

  // Polls until done. kDeadlineExceeded ("waiting for <what>: not done after 600 s (12 polls)")
  // when the timeout passes first; kInvalidArgument for options that make no sense.
  Status Wait(const WaitPoll& poll);

  // The delay after poll number `attempt` (1 = the first) with `remaining` time left: a random
  // value between min_delay and min(max_delay, min_delay * 2^(attempt-1)), shortened so the last
  // poll still happens before the timeout.
  std::chrono::milliseconds Delay(int attempt, std::chrono::milliseconds remaining) const;

  int polls() const { return polls_; }

 private:
  WaiterOptions options_;
  const Clock& clock_;
  Sleeper sleeper_;
  Random random_;
  int polls_ = 0;
};

}  // namespace awshpc::aws
