// File: protocols/pagination.hpp
// One loop for every paginated AWS operation (NextToken, nextToken, Marker, ContinuationToken):
// fetch a page with the token of the previous one until the service returns none, with a page
// limit and protection against a service that returns the same token again.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string>

#include "awshpc/core/status.hpp"

namespace awshpc::aws::protocols {

struct PaginationOptions {
  int max_pages = 1000;  // stop after this many pages (truncated = true)
};

struct PaginationSummary {
  int pages = 0;
  bool truncated = false;  // stopped by max_pages while the service had more
  std::string next_token;  // where to continue when truncated
};

// Calls `fetch(token)` ("" for the first page), hands each page to `on_page`, and continues
// with `next_token(page)` until it is empty. A token equal to the one just sent is an error
// (kInternal), as in botocore: the loop would never end.
template <typename Page>
Result<PaginationSummary> Paginate(const std::function<Result<Page>(const std::string&)>& fetch,
                                   const std::function<std::string(const Page&)>& next_token,
                                   const std::function<Status(Page&)>& on_page,
                                   PaginationOptions options = {}, std::string start_token = "") {
  PaginationSummary summary;
  std::string token = std::move(start_token);
  while (true) {
    if (summary.pages >= options.max_pages) {
      summary.truncated = true;
      summary.next_token = token;
      return summary;
    }
    Result<Page> page = fetch(token);
    if (!page.ok()) {
      return page.status().WithContext(fmt::format("page {}", summary.pages + 1));
    }
    ++summary.pages;
    std::string next = next_token(*page);
    RETURN_IF_ERROR(on_page(*page));
    if (next.empty()) return summary;
    if (next == token) {
      return InternalError(fmt::format("the service returned the same page token twice ('{}')",
                                       next.size() > 40 ? next.substr(0, 40) + "..." : next));
    }
    token = std::move(next);
  }
}

}  // namespace awshpc::aws::protocols
