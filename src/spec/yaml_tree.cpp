// File: yaml_tree.cpp
// Builds YamlNode trees from yaml-cpp events. The handler throws a private exception to stop the
// parser as soon as a limit is crossed, so hostile documents cost little time and memory.
#include "yaml_tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

namespace awshpc::spec::internal {
namespace {

// Thrown by the handler to abort parsing; carries the position of the offending event.
struct StopParsing {
  std::string message;
  int line;
  int column;
};

class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(int max_depth, std::size_t max_nodes)
      : max_depth_(max_depth), max_nodes_(max_nodes) {}

  bool has_document() const { return documents_ > 0; }
  YamlNode TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      Stop(mark, "expected a single YAML document; found a second one (\"---\")");
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode node = MakeNode(mark, YamlNode::Kind::kNull);
    Complete(std::move(node), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      Stop(mark, "alias refers to an anchor that is not complete yet (recursive alias)");
    }
    // Aliases are expanded by copy; the node budget counts every copy (billion laughs).
    Count(mark, it->second.subtree_size);
    YamlNode copy = it->second;
    copy.line = Line(mark);
    copy.column = Column(mark);
    Attach(std::move(copy));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode node = MakeNode(mark, YamlNode::Kind::kScalar);
    node.scalar = value;
    node.plain = (tag == "?");
    Complete(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    Open(mark, YamlNode::Kind::kSequence, anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    Open(mark, YamlNode::Kind::kMapping, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  // A collection being built, with the anchor it will be registered under when complete.
  struct Frame {
    YamlNode node;
    YAML::anchor_t anchor;
  };

  static int Line(const YAML::Mark& mark) { return mark.line + 1; }
  static int Column(const YAML::Mark& mark) { return mark.column + 1; }

  [[noreturn]] static void Stop(const YAML::Mark& mark, std::string message) {
    throw StopParsing{std::move(message), Line(mark), Column(mark)};
  }

  void Count(const YAML::Mark& mark, std::size_t nodes) {
    nodes_ += nodes;
    if (nodes_ > max_nodes_) {
      Stop(mark, fmt::format("document has more than {} nodes after expanding aliases (an alias "
                             "bomb?)",
                             max_nodes_));
    }
  }

  YamlNode MakeNode(const YAML::Mark& mark, YamlNode::Kind kind) {
    Count(mark, 1);
    YamlNode node;
    node.kind = kind;
    node.line = Line(mark);
    node.column = Column(mark);
    return node;
  }

  void Open(const YAML::Mark& mark, YamlNode::Kind kind, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      Stop(mark, fmt::format("document is nested more than {} levels deep", max_depth_));
    }
    // A mapping key must be a scalar: app.yaml has no use for complex keys.
    CheckKeyPosition(mark, kind);
    stack_.push_back(Frame{MakeNode(mark, kind), anchor});
  }

  void Close() {
    if (stack_.empty()) return;  // yaml-cpp balances events; never trust that blindly
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Complete(std::move(frame.node), frame.anchor);
  }

  void CheckKeyPosition(const YAML::Mark& mark, YamlNode::Kind kind) {
    if (stack_.empty()) return;
    const YamlNode& parent = stack_.back().node;
    if (parent.IsMapping() && parent.children.size() % 2 == 0 &&
        (kind == YamlNode::Kind::kMapping || kind == YamlNode::Kind::kSequence)) {
      Stop(mark, "mapping keys must be plain strings, not sequences or mappings");
    }
  }

  void Complete(YamlNode node, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = node;
    Attach(std::move(node));
  }

  void Attach(YamlNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    YamlNode& parent = stack_.back().node;
    if (parent.IsMapping() && parent.children.size() % 2 == 0 &&
        (node.IsMapping() || node.IsSequence())) {
      throw StopParsing{"mapping keys must be plain strings, not sequences or mappings", node.line,
                        node.column};
    }
    parent.subtree_size += node.subtree_size;
    parent.children.push_back(std::move(node));
  }

  int max_depth_;
  std::size_t max_nodes_;
  std::size_t nodes_ = 0;
  int documents_ = 0;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, YamlNode> anchors_;
  YamlNode root_;
};

}  // namespace

std::string_view KindDescription(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::kNull:
      return "null";
    case YamlNode::Kind::kScalar:
      return "a scalar";
    case YamlNode::Kind::kSequence:
      return "a sequence";
    case YamlNode::Kind::kMapping:
      return "a mapping";
  }
  return "?";
}

YamlParseResult ParseYamlDocument(std::string_view text, int max_depth, std::size_t max_nodes) {
  YamlParseResult result;
  std::istringstream input{std::string(text)};
  TreeBuilder builder(max_depth, max_nodes);
  const auto fail = [&](std::string message, int line, int column) {
    result.ok = false;
    result.error = std::move(message);
    result.line = line;
    result.column = column;
    return result;
  };
  try {
    YAML::Parser parser(input);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const StopParsing& stop) {
    return fail(stop.message, stop.line, stop.column);
  } catch (const YAML::DeepRecursion& e) {
    return fail(fmt::format("document is nested more than {} levels deep", max_depth),
                e.mark.line + 1, e.mark.column + 1);
  } catch (const YAML::Exception& e) {
    return fail(fmt::format("invalid YAML: {}", e.msg), e.mark.line + 1, e.mark.column + 1);
  } catch (const std::exception& e) {
    return fail(fmt::format("invalid YAML: {}", e.what()), 1, 1);
  }
  result.ok = true;
  result.empty = !builder.has_document();
  result.root = builder.TakeRoot();
  return result;
}

Result<std::string> ReadBoundedFile(const std::string& path, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) return InvalidArgumentError(fmt::format("cannot read: {}", ec.message()));
  if (!fs::is_regular_file(status)) return InvalidArgumentError("cannot read: not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read: open failed");
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace awshpc::spec::internal
