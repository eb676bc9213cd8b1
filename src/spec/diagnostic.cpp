// File: diagnostic.cpp
#include "awshpc/spec/diagnostic.hpp"

#include <fmt/format.h>

namespace awshpc::spec {

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += fmt::format(":{}", line);
    if (column > 0) out += fmt::format(":{}", column);
  }
  if (!out.empty()) out += ": ";
  if (!field_path.empty()) out += field_path + ": ";
  out += message;
  return out;
}

}  // namespace awshpc::spec
