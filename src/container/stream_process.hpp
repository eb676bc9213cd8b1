// File: stream_process.hpp
// Runs a long program (an image build, a push) from an argv, never a shell, with stdout and
// stderr merged into one stream that is appended to a log file and handed over line by line.
// Private to src/container.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::container::internal {

using LineFn = std::function<void(std::string_view line)>;

// Exit code of the program (128 + signal when killed); an error only when it cannot be started
// or the log cannot be written. The last `keep_tail` bytes of output are kept in `tail`.
Result<int> RunStreaming(const std::vector<std::string>& argv, const std::string& log_path,
                         const LineFn& on_line, std::string* tail = nullptr,
                         std::size_t keep_tail = 4096);

}  // namespace awshpc::container::internal
