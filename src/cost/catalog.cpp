// File: catalog.cpp
#include "awshpc/cost/catalog.hpp"

#include <fmt/format.h>

#include <charconv>
#include <set>

namespace awshpc::cost {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

Result<int> ParseInt(std::string_view text, std::string_view what) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgumentError(fmt::format("{} '{}' is not a whole number", what, text));
  }
  return value;
}

Result<double> ParseDouble(std::string_view text, std::string_view what) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value >= 0)) {
    return InvalidArgumentError(fmt::format("{} '{}' is not a number", what, text));
  }
  return value;
}

const char* const kColumns[] = {"instance_type", "family", "vcpus",        "cores",
                                "memory_gib",    "arch",   "gpus",         "gpu_model",
                                "efa",           "region", "usd_per_hour", "source"};
constexpr std::size_t kColumnCount = std::size(kColumns);

}  // namespace

Result<std::vector<std::string>> SplitCsvLine(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c != '\r' || i + 1 != line.size()) {
      field += c;
    }
  }
  if (quoted) return InvalidArgumentError("unterminated quoted CSV field");
  fields.push_back(std::move(field));
  return fields;
}

std::string CsvField(std::string_view field) {
  std::string out;
  const bool formula =
      !field.empty() &&
      (field[0] == '=' || field[0] == '+' || field[0] == '@' || field[0] == '\t' ||
       (field[0] == '-' && (field.size() == 1 || field[1] < '0' || field[1] > '9')));
  if (formula) out += '\'';
  out += field;
  if (out.find_first_of(",\"\r\n") == std::string::npos) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string IsaOf(std::string_view architecture) {
  static const std::set<std::string_view> kArm = {
      "arm64",     "aarch64",     "graviton",    "graviton2",   "graviton3", "graviton3e",
      "graviton4", "neoverse-n1", "neoverse-v1", "neoverse-v2", "a64fx"};
  if (architecture.empty() || architecture == "cuda") return "";
  if (kArm.count(architecture) != 0) return "arm64";
  return "x86_64";
}

Result<Snapshot> ParseSnapshotCsv(std::string_view text) {
  Snapshot snapshot;
  std::set<std::string, std::less<>> source_keys;
  bool header_seen = false;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    const auto where = [&](std::string_view message) {
      return InvalidArgumentError(fmt::format("price snapshot line {}: {}", line_number, message));
    };
    line = Trim(line);
    if (line.empty()) continue;
    if (line.front() == '#') {
      std::string_view comment = Trim(line.substr(1));
      if (comment.starts_with("date:")) {
        snapshot.date = std::string(Trim(comment.substr(5)));
      } else if (comment.starts_with("source ")) {
        std::string_view rest = comment.substr(7);
        const std::size_t colon = rest.find(':');
        if (colon == std::string_view::npos || colon == 0)
          return where("expected '# source KEY: TEXT'");
        source_keys.insert(std::string(rest.substr(0, colon)));
        snapshot.sources.emplace_back(rest);
      }
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<std::string> fields, SplitCsvLine(line));
    if (!header_seen) {
      if (fields.size() != kColumnCount) return where("unexpected header");
      for (std::size_t i = 0; i < kColumnCount; ++i) {
        if (fields[i] != kColumns[i]) {
          return where(
              fmt::format("column {} is '{}', expected '{}'", i + 1, fields[i], kColumns[i]));
        }
      }
      header_seen = true;
      continue;
    }
    if (fields.size() != kColumnCount) {
      return where(fmt::format("{} fields, expected {}", fields.size(), kColumnCount));
    }
    PriceRow row;
    row.instance.type = fields[0];
    row.instance.family = fields[1];
    if (row.instance.type.empty() || !row.instance.type.starts_with(row.instance.family + ".")) {
      return where(fmt::format("instance type '{}' is not of family '{}'", fields[0], fields[1]));
    }
    auto vcpus = ParseInt(fields[2], "vcpus");
    auto cores = ParseInt(fields[3], "cores");
    auto memory = ParseDouble(fields[4], "memory_gib");
    auto gpus = ParseInt(fields[6], "gpus");
    for (const Status* status :
         {&vcpus.status(), &cores.status(), &memory.status(), &gpus.status()}) {
      if (!status->ok()) return where(status->message());
    }
    row.instance.vcpus = *vcpus;
    row.instance.cores = *cores;
    row.instance.memory_gib = *memory;
    row.instance.gpus = *gpus;
    row.instance.arch = fields[5];
    if (row.instance.arch != "x86_64" && row.instance.arch != "arm64") {
      return where(fmt::format("arch '{}' is not x86_64 or arm64", fields[5]));
    }
    row.instance.gpu_model = fields[7];
    if (fields[8] != "0" && fields[8] != "1") return where("efa must be 0 or 1");
    row.instance.efa = fields[8] == "1";
    row.region = fields[9];
    if (row.region.empty()) return where("empty region");
    auto price = Money::Parse(fields[10]);
    if (!price.ok() || price->micros() <= 0) {
      return where(fmt::format("usd_per_hour '{}' is not a positive amount", fields[10]));
    }
    row.per_hour = *price;
    row.source = fields[11];
    if (source_keys.count(row.source) == 0) {
      return where(fmt::format("source '{}' is not declared in a '# source' line", fields[11]));
    }
    row.as_of = snapshot.date;
    snapshot.rows.push_back(std::move(row));
  }
  if (snapshot.date.empty()) return InvalidArgumentError("price snapshot has no '# date:' line");
  if (!header_seen) return InvalidArgumentError("price snapshot has no header line");
  return snapshot;
}

}  // namespace awshpc::cost
