// File: units.hpp
// Durations ("90s", "1h30m", "2d", "01:30:00") and memory sizes ("512MiB", "2GiB", "4G", "1024")
// as people write them in app.yaml and on the command line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "awshpc/core/status.hpp"

namespace awshpc {

// Seconds from "45", "45s", "10m", "1h30m", "2d", "1.5h" or "HH:MM:SS"/"MM:SS". A bare number is
// seconds. Negative and empty values are rejected.
Result<std::int64_t> ParseDurationSeconds(std::string_view text);

// "1h30m", "45s", "2d3h": the shortest exact form.
std::string FormatDuration(std::int64_t seconds);

// MiB from "512MiB", "2GiB", "2G" (treated as GiB, as schedulers do), "1.5GiB", "1TiB", "4096"
// (a bare number is MiB), "800KiB" (rounded up to whole MiB).
Result<std::int64_t> ParseMemoryMiB(std::string_view text);

// "2GiB", "512MiB", "1.5GiB".
std::string FormatMemoryMiB(std::int64_t mib);

}  // namespace awshpc
