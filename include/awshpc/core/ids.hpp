// File: ids.hpp
// Short, unique, readable identifiers: a prefix and 8 characters of Crockford base32 drawn from
// the kernel's CSPRNG (40 bits), e.g. "j-4x7kq2mz". Unique across machines too, which matters
// once the id becomes an AWS tag shared by many users of one account.
#pragma once

#include <string>
#include <string_view>

namespace awshpc {

// A new random id "<prefix>-xxxxxxxx" in lowercase Crockford base32 (no i, l, o, u).
std::string NewId(std::string_view prefix);

// True if `text` has the shape NewId(prefix) produces.
bool IsWellFormedId(std::string_view text, std::string_view prefix);

}  // namespace awshpc
