#!/usr/bin/env python3
"""Replays response events through botocore's own adaptive-mode rate limiter (the installed
botocore.retries.adaptive, bucket and throttling modules) on a fake clock, for
adaptive_rate_limiter_test.cpp to compare with the C++ port.

Usage: botocore_adaptive.py IN.json OUT.json
IN:  {"start": seconds, "events": [[time, throttled], ...]}  (times increasing)
OUT: [[fill_rate, measured_rate, enabled], ...] after each event
"""
import json
import sys

from botocore.retries import adaptive, bucket, throttling


class FakeClock(bucket.Clock):
    def __init__(self, now):
        super().__init__()
        self.now = now

    def current_time(self):
        return self.now

    def sleep(self, amount):
        raise AssertionError("the replay never acquires tokens, so it never sleeps")


class GivenThrottling:
    """Stands for botocore's ThrottlingErrorDetector: the event says whether it throttled."""

    def is_throttling_error(self, **kwargs):
        return kwargs["throttled"]


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    clock = FakeClock(spec["start"])
    # The same parts botocore.retries.adaptive.register_retry_handler wires together.
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0,
                                                 start_time=clock.current_time()),
        rate_clocker=adaptive.RateClocker(clock),
        token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=GivenThrottling(),
        clock=clock,
    )
    out = []
    for time, throttled in spec["events"]:
        clock.now = time
        limiter.on_receiving_response(throttled=bool(throttled))
        out.append([limiter._token_bucket.max_rate, limiter._rate_clocker.measured_rate,
                    limiter._enabled])
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
