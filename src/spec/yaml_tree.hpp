// File: yaml_tree.hpp
// (Internal) A small YAML document tree with 1-based positions, built from yaml-cpp's event API
// under hard limits: one document, bounded depth and node count (aliases counted expanded).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::spec::internal {

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMapping };

  Kind kind = Kind::kNull;
  std::string scalar;  // kScalar: the value
  bool plain = true;   // kScalar: written without quotes or block style, and without a tag
  int line = 0;        // 1-based
  int column = 0;      // 1-based
  // kSequence: the items. kMapping: key, value, key, value, ... (keys are scalars or null).
  std::vector<YamlNode> children;
  std::size_t subtree_size = 1;  // nodes in this subtree, for alias accounting

  bool IsMapping() const { return kind == Kind::kMapping; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsNull() const { return kind == Kind::kNull; }
  std::size_t MapSize() const { return children.size() / 2; }
  const YamlNode& Key(std::size_t i) const { return children[2 * i]; }
  const YamlNode& Value(std::size_t i) const { return children[2 * i + 1]; }
};

// "a mapping", "a sequence", "null", "a string" (for "expected X; got Y" messages).
std::string_view KindDescription(const YamlNode& node);

// Either a document root or one error with its position.
struct YamlParseResult {
  bool ok = false;
  YamlNode root;       // kNull for an empty document
  bool empty = false;  // no document at all (empty file, only comments)
  std::string error;
  int line = 0;
  int column = 0;
};

// Parses exactly one YAML document. Never throws; limits come from loader.hpp.
YamlParseResult ParseYamlDocument(std::string_view text, int max_depth, std::size_t max_nodes);

// The first `max_bytes` + 1 bytes of a regular file: one byte more than the limit is enough for
// the caller to tell the file is too big without reading all of it. Errors read "cannot read: ...".
Result<std::string> ReadBoundedFile(const std::string& path, std::size_t max_bytes);

}  // namespace awshpc::spec::internal
