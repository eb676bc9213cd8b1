// File: dockerfile.hpp
// Writing Dockerfile instructions safely from data: exec-form (JSON) argv, quoted ENV and LABEL
// values, so no value from app.yaml is ever parsed by a shell or by Dockerfile substitution.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::container {

// ["a", "b c"]: the exec form of RUN, CMD and ENTRYPOINT.
std::string ExecForm(const std::vector<std::string>& argv);

// "value" with \ " and $ escaped (ENV and LABEL expand $ otherwise). InvalidArgument for control
// characters such as a newline, which would end the instruction.
Result<std::string> QuoteValue(std::string_view value);

// KEY="v1" \<newline>    KEY2="v2": the arguments of one ENV or LABEL instruction.
Result<std::string> KeyValues(const std::vector<std::pair<std::string, std::string>>& pairs);

// Free text (a description) on one line: every run of whitespace, newlines included, becomes one
// space and other control characters are dropped, so it fits a LABEL value or a comment line.
std::string OneLine(std::string_view text);

// Counts the build steps of a Dockerfile (FROM, RUN, COPY, ...; comments and continuation lines
// excluded), i.e. the `m` of "step n of m".
int CountInstructions(std::string_view dockerfile);

}  // namespace awshpc::container
