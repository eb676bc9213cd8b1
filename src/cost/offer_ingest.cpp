// File: offer_ingest.cpp
// A pull parser specialised for the Price List offer file: it walks products and
// terms.OnDemand, skips everything else (terms.Reserved is most of the file) with a byte scan,
// and holds one fixed-size chunk of the file at a time.
#include "awshpc/cost/offer_ingest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "awshpc/core/money.hpp"

namespace awshpc::cost {
namespace {

// Reads a file in chunks. Tokens never straddle a chunk: before reading a token the parser
// asks for it to be whole in memory (Compact + Fill), which for the short strings of an offer
// file costs nothing; long values are skipped byte by byte across refills.
class ChunkReader {
 public:
  ChunkReader(int fd, std::size_t chunk) : fd_(fd), buffer_(chunk) {}

  // Bytes consumed so far (for messages and statistics).
  std::uint64_t offset() const { return consumed_ + pos_; }

  // Next non-space byte without consuming it; -1 at the end of the file.
  Result<int> Peek() {
    while (true) {
      while (pos_ < len_) {
        const char c = buffer_[pos_];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return static_cast<unsigned char>(c);
        ++pos_;
      }
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return -1;
    }
  }

  Status Expect(char expected) {
    ASSIGN_OR_RETURN(int c, Peek());
    if (c != expected) return Error(fmt::format("expected '{}'", expected));
    ++pos_;
    return Status::Ok();
  }

  // After Peek() returned '"': the string's contents (escapes decoded). The view is valid until
  // the next call.
  Result<std::string_view> String() {
    ++pos_;  // opening quote
    std::size_t scan = pos_;
    while (true) {
      const char* start = buffer_.data() + scan;
      const char* end = buffer_.data() + len_;
      const char* quote =
          static_cast<const char*>(std::memchr(start, '"', static_cast<std::size_t>(end - start)));
      const char* backslash = quote ? static_cast<const char*>(std::memchr(
                                          start, '\\', static_cast<std::size_t>(quote - start)))
                                    : nullptr;
      if (quote != nullptr && backslash == nullptr) {
        std::string_view text(buffer_.data() + pos_,
                              static_cast<std::size_t>(quote - (buffer_.data() + pos_)));
        pos_ = static_cast<std::size_t>(quote - buffer_.data()) + 1;
        return text;
      }
      if (backslash != nullptr) return EscapedString();
      // The string runs past the chunk: keep it whole by compacting and reading more.
      const std::size_t scanned = len_ - pos_;
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Error("unterminated string");
      scan = pos_ + scanned;
    }
  }

  // Skips one value of any kind (the bulk of the file: terms.Reserved, attributesList).
  Status SkipValue() {
    ASSIGN_OR_RETURN(int c, Peek());
    if (c == '"') return String().status();
    if (c != '{' && c != '[') {
      // number, true, false, null
      while (true) {
        while (pos_ < len_) {
          const char ch = buffer_[pos_];
          if (ch == ',' || ch == '}' || ch == ']' || ch == ' ' || ch == '\n' || ch == '\r' ||
              ch == '\t') {
            return Status::Ok();
          }
          ++pos_;
        }
        ASSIGN_OR_RETURN(bool more, Fill());
        if (!more) return Status::Ok();
      }
    }
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    while (true) {
      const char* p = buffer_.data() + pos_;
      const char* end = buffer_.data() + len_;
      for (; p < end; ++p) {
        const char ch = *p;
        if (in_string) {
          if (escaped) {
            escaped = false;
          } else if (ch == '\\') {
            escaped = true;
          } else if (ch == '"') {
            in_string = false;
          }
          continue;
        }
        if (ch == '"') {
          in_string = true;
        } else if (ch == '{' || ch == '[') {
          ++depth;
        } else if (ch == '}' || ch == ']') {
          if (--depth == 0) {
            pos_ = static_cast<std::size_t>(p - buffer_.data()) + 1;
            return Status::Ok();
          }
        }
      }
      pos_ = len_;
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Error("unterminated value");
    }
  }

  // Iterates the members of an object: calls member(key) with the reader positioned at the
  // value, which member must consume.
  template <typename F>
  Status Object(F&& member) {
    RETURN_IF_ERROR(Expect('{'));
    ASSIGN_OR_RETURN(int c, Peek());
    if (c == '}') {
      ++pos_;
      return Status::Ok();
    }
    while (true) {
      ASSIGN_OR_RETURN(c, Peek());
      if (c != '"') return Error("expected a key");
      ASSIGN_OR_RETURN(std::string_view key_view, String());
      key_.assign(key_view);
      RETURN_IF_ERROR(Expect(':'));
      const std::string key = key_;  // members may read nested keys
      RETURN_IF_ERROR(member(key));
      ASSIGN_OR_RETURN(c, Peek());
      ++pos_;
      if (c == '}') return Status::Ok();
      if (c != ',') return Error("expected ',' or '}'");
    }
  }

  // A string value copied out (for the few fields kept).
  Result<std::string> StringValue() {
    ASSIGN_OR_RETURN(int c, Peek());
    if (c != '"') {
      RETURN_IF_ERROR(SkipValue());
      return std::string();
    }
    ASSIGN_OR_RETURN(std::string_view text, String());
    return std::string(text);
  }

  Status Error(std::string_view what) const {
    return InvalidArgumentError(fmt::format("offer file: {} at byte {}", what, offset()));
  }

 private:
  // Moves the unread bytes to the front and reads more after them. False at the end of file.
  Result<bool> Fill() {
    if (eof_) return false;
    if (pos_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + pos_, len_ - pos_);
      consumed_ += pos_;
      len_ -= pos_;
      pos_ = 0;
    }
    if (len_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // one token > a chunk
    while (true) {
      const ssize_t n = ::read(fd_, buffer_.data() + len_, buffer_.size() - len_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("reading the offer file", errno);
      if (n == 0) {
        eof_ = true;
        return false;
      }
      len_ += static_cast<std::size_t>(n);
      return true;
    }
  }

  Result<std::string_view> EscapedString() {
    scratch_.clear();
    while (true) {
      while (pos_ < len_) {
        const char c = buffer_[pos_++];
        if (c == '"') return std::string_view(scratch_);
        if (c != '\\') {
          scratch_ += c;
          continue;
        }
        if (pos_ + 5 >= len_) {
          --pos_;  // keep the backslash and its escape together
          ASSIGN_OR_RETURN(bool more, Fill());
          if (!more) return Error("unterminated string");
          continue;
        }
        const char e = buffer_[pos_++];
        switch (e) {
          case 'n':
            scratch_ += '\n';
            break;
          case 't':
            scratch_ += '\t';
            break;
          case 'r':
            scratch_ += '\r';
            break;
          case 'b':
            scratch_ += '\b';
            break;
          case 'f':
            scratch_ += '\f';
            break;
          case 'u': {
            // Offer files are ASCII; keep \uXXXX as UTF-8 for code points below 0x800.
            unsigned code = 0;
            for (int i = 0; i < 4; ++i) {
              const char h = buffer_[pos_ + static_cast<std::size_t>(i)];
              const int digit = h >= '0' && h <= '9'   ? h - '0'
                                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                       : -1;
              if (digit < 0) return Error("bad \\u escape");
              code = code * 16 + static_cast<unsigned>(digit);
            }
            pos_ += 4;
            if (code < 0x80) {
              scratch_ += static_cast<char>(code);
            } else if (code < 0x800) {
              scratch_ += static_cast<char>(0xC0 | (code >> 6));
              scratch_ += static_cast<char>(0x80 | (code & 0x3F));
            } else {
              scratch_ += '?';
            }
            break;
          }
          default:
            scratch_ += e;  // \" \\ \/
        }
      }
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Error("unterminated string");
    }
  }

  int fd_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
  std::uint64_t consumed_ = 0;
  bool eof_ = false;
  std::string scratch_;
  std::string key_;
};

struct Product {
  std::string instance_type;
  std::string region;
  std::string vcpu;
  std::string memory;
  std::string gpu;
  std::string processor;
};

}  // namespace

// "32 GiB" / "0.5 GiB" / "1,024 GiB" -> GiB.
double ParseOfferMemoryGib(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '.')
      digits += c;
    else if (c != ',')
      break;
  }
  return digits.empty() ? 0 : std::strtod(digits.c_str(), nullptr);
}

Result<Money> ParseOfferPrice(std::string_view usd) {
  // Prices have up to 10 decimals; micro-dollars keep 6 (rounded half up).
  const std::size_t dot = usd.find('.');
  std::string six(usd);
  bool round_up = false;
  if (dot != std::string_view::npos && usd.size() > dot + 7) {
    six = std::string(usd.substr(0, dot + 7));
    round_up = usd[dot + 7] >= '5';
  }
  auto price = Money::Parse(six);
  if (!price.ok()) return InvalidArgumentError("bad price '" + std::string(usd) + "'");
  return round_up ? *price + Money::FromMicros(1) : *price;
}

InstanceFacts OfferFacts(const std::string& instance_type, const std::string& vcpu,
                         const std::string& memory, const std::string& gpu,
                         const std::string& processor) {
  InstanceFacts facts;
  facts.type = instance_type;
  facts.family = facts.type.substr(0, facts.type.find('.'));
  facts.vcpus = std::atoi(vcpu.c_str());
  facts.cores = facts.vcpus;  // not in the offer; stored facts win when known
  facts.memory_gib = ParseOfferMemoryGib(memory);
  facts.arch = processor.find("Graviton") != std::string::npos ? "arm64" : "x86_64";
  facts.gpus = std::atoi(gpu.c_str());
  return facts;
}

Result<std::map<std::string, std::string>> ParseRegionIndex(std::string_view json) {
  const auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("regions") || !parsed["regions"].is_object()) {
    return InvalidArgumentError("region_index.json: expected an object with \"regions\"");
  }
  std::map<std::string, std::string> out;
  for (const auto& [region, entry] : parsed["regions"].items()) {
    if (!entry.is_object() || !entry.contains("currentVersionUrl") ||
        !entry["currentVersionUrl"].is_string()) {
      return InvalidArgumentError("region_index.json: region " + region +
                                  " has no currentVersionUrl");
    }
    out[region] = entry["currentVersionUrl"].get<std::string>();
  }
  return out;
}

Result<Snapshot> IngestOfferFile(const std::string& path, IngestStats* stats,
                                 std::size_t chunk_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  ChunkReader in(fd, std::max<std::size_t>(chunk_bytes, 4096));
  IngestStats local;
  IngestStats& count = stats != nullptr ? *stats : local;
  std::unordered_map<std::string, Product> products;  // matching SKUs only
  std::unordered_map<std::string, Money> on_demand;   // SKU -> USD per hour
  std::string publication_date;

  const auto parse_product = [&](const std::string& sku) -> Status {
    ++count.products;
    std::string family;
    Product product;
    bool linux = false, shared = false, no_software = false, used = true, box = false;
    RETURN_IF_ERROR(in.Object([&](const std::string& key) -> Status {
      if (key == "productFamily") {
        ASSIGN_OR_RETURN(family, in.StringValue());
        return Status::Ok();
      }
      if (key != "attributes") return in.SkipValue();
      return in.Object([&](const std::string& name) -> Status {
        ASSIGN_OR_RETURN(std::string value, in.StringValue());
        if (name == "instanceType")
          product.instance_type = std::move(value);
        else if (name == "regionCode")
          product.region = std::move(value);
        else if (name == "vcpu")
          product.vcpu = std::move(value);
        else if (name == "memory")
          product.memory = std::move(value);
        else if (name == "gpu")
          product.gpu = std::move(value);
        else if (name == "physicalProcessor")
          product.processor = std::move(value);
        else if (name == "operatingSystem")
          linux = value == "Linux";
        else if (name == "tenancy")
          shared = value == "Shared";
        else if (name == "preInstalledSw")
          no_software = value == "NA";
        else if (name == "capacitystatus")
          used = value == "Used";
        else if (name == "usagetype")
          box = value.find("BoxUsage") != std::string::npos;
        return Status::Ok();
      });
    }));
    if (family == "Compute Instance" && linux && shared && no_software && used && box &&
        !product.instance_type.empty() && !product.region.empty()) {
      ++count.matching_products;
      products.emplace(sku, std::move(product));
    }
    return Status::Ok();
  };

  const auto parse_on_demand = [&]() -> Status {
    return in.Object([&](const std::string& sku) -> Status {
      return in.Object([&](const std::string& /*offer term*/) -> Status {
        ++count.on_demand_terms;
        return in.Object([&](const std::string& key) -> Status {
          if (key != "priceDimensions") return in.SkipValue();
          return in.Object([&](const std::string& /*rate code*/) -> Status {
            std::string unit;
            std::string usd;
            RETURN_IF_ERROR(in.Object([&](const std::string& field) -> Status {
              if (field == "unit") {
                ASSIGN_OR_RETURN(unit, in.StringValue());
                return Status::Ok();
              }
              if (field != "pricePerUnit") return in.SkipValue();
              return in.Object([&](const std::string& currency) -> Status {
                if (currency != "USD") return in.SkipValue();
                ASSIGN_OR_RETURN(usd, in.StringValue());
                return Status::Ok();
              });
            }));
            if (unit == "Hrs" && !usd.empty()) {
              auto price = ParseOfferPrice(usd);
              if (!price.ok()) return in.Error(price.status().message());
              if (price->micros() > 0) on_demand[sku] = *price;
            }
            return Status::Ok();
          });
        });
      });
    });
  };

  RETURN_IF_ERROR(in.Object([&](const std::string& key) -> Status {
    if (key == "publicationDate") {
      ASSIGN_OR_RETURN(publication_date, in.StringValue());
      return Status::Ok();
    }
    if (key == "products") return in.Object(parse_product);
    if (key == "terms") {
      return in.Object([&](const std::string& kind) -> Status {
        if (kind == "OnDemand") return parse_on_demand();
        return in.SkipValue();  // Reserved: most of the file
      });
    }
    return in.SkipValue();
  }));
  count.bytes = in.offset();

  Snapshot snapshot;
  snapshot.date = publication_date.substr(0, 10);
  if (snapshot.date.size() != 10) return InvalidArgumentError("offer file: no publicationDate");
  snapshot.facts_authoritative = false;
  const std::string file = path.substr(path.rfind('/') + 1);
  snapshot.id = snapshot.date + " aws-price-list " + publication_date;
  snapshot.sources.push_back("aws-price-list: AWS Price List bulk offer file " + file +
                             " (publicationDate " + publication_date + ")");
  for (auto& [sku, product] : products) {
    auto price = on_demand.find(sku);
    if (price == on_demand.end()) continue;
    PriceRow row;
    row.instance = OfferFacts(product.instance_type, product.vcpu, product.memory, product.gpu,
                              product.processor);
    row.region = product.region;
    row.per_hour = price->second;
    row.source = "aws-price-list";
    row.as_of = snapshot.date;
    snapshot.rows.push_back(std::move(row));
  }
  std::sort(snapshot.rows.begin(), snapshot.rows.end(), [](const PriceRow& a, const PriceRow& b) {
    return std::tie(a.region, a.instance.type) < std::tie(b.region, b.instance.type);
  });
  return snapshot;
}

}  // namespace awshpc::cost
