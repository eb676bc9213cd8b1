// File: version.hpp
// The aws-hpc release version (kept in step with project(VERSION) in CMakeLists.txt).
#pragma once

#include <string_view>

namespace awshpc {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace awshpc
