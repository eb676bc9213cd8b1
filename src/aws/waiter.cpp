// File: waiter.cpp
#include "awshpc/aws/waiter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

namespace awshpc::aws {

Waiter::Waiter(WaiterOptions options, const Clock& clock, Sleeper sleeper, Random random)
    : options_(std::move(options)),
      clock_(clock),
      sleeper_(std::move(sleeper)),
      random_(std::move(random)) {
  if (!sleeper_) {
    sleeper_ = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
  }
  if (!random_) {
    random_ = [] {
      thread_local std::mt19937_64 engine{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
}

std::chrono::milliseconds Waiter::Delay(int attempt, std::chrono::milliseconds remaining) const {
  const double min_delay = static_cast<double>(options_.min_delay.count());
  const double max_delay = static_cast<double>(options_.max_delay.count());
  // 2^(attempt-1) is capped long before it could overflow.
  const double ceiling =
      std::min(max_delay, min_delay * std::ldexp(1.0, std::clamp(attempt - 1, 0, 40)));
  const double delay = min_delay + random_() * (ceiling - min_delay);
  const auto chosen = std::chrono::milliseconds(static_cast<std::int64_t>(delay));
  // The last poll happens at the timeout rather than a sleep past it.
  return std::min(chosen, remaining);
}

Status Waiter::Wait(const WaitPoll& poll) {
  const std::string what = options_.what.empty() ? "a condition" : options_.what;
  if (options_.min_delay.count() <= 0 || options_.max_delay < options_.min_delay ||
      options_.timeout.count() <= 0) {
    return InvalidArgumentError(fmt::format(
        "waiting for {}: need 0 < min_delay ({} ms) <= max_delay ({} ms) and a timeout ({} ms) > 0",
        what, options_.min_delay.count(), options_.max_delay.count(), options_.timeout.count()));
  }
  const UnixMillis start = clock_.NowMillis();
  const UnixMillis deadline = start + options_.timeout.count();
  polls_ = 0;
  while (true) {
    ++polls_;
    ASSIGN_OR_RETURN_CTX(const bool done, poll(), "waiting for " + what);
    if (done) return Status();
    const std::chrono::milliseconds remaining(deadline - clock_.NowMillis());
    if (remaining.count() <= 0) {
      return DeadlineExceededError(fmt::format("waiting for {}: not done after {} s ({} polls)",
                                               what, (clock_.NowMillis() - start) / 1000, polls_));
    }
    sleeper_(Delay(polls_, remaining));
  }
}

}  // namespace awshpc::aws
