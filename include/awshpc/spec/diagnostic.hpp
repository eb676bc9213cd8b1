// File: diagnostic.hpp
// A located message about an app.yaml: file, line, column, field path and what was expected.
#pragma once

#include <string>

namespace awshpc::spec {

struct Diagnostic {
  std::string file;
  int line = 0;            // 1-based; 0 when the problem has no position (e.g. an unreadable file)
  int column = 0;          // 1-based
  std::string field_path;  // "variants[1].parallelism"; "" for document-level problems
  std::string message;

  // "apps/wrf/app.yaml:12:5: variants[1].parallelism: expected one of serial, openmp, mpi or
  // gpu; got \"mpii\"". Parts that are empty or zero are left out.
  std::string ToString() const;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

}  // namespace awshpc::spec
