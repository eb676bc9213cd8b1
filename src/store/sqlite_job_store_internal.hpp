// File: sqlite_job_store_internal.hpp
// Test seams of the SQLite job store (private to the store and its tests).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "awshpc/core/clock.hpp"
#include "awshpc/store/job_store.hpp"

namespace awshpc::store {

// OpenSqliteJobStore with a chosen id generator, so tests can force id collisions.
Result<std::unique_ptr<JobStore>> OpenSqliteJobStoreWithIds(const std::string& path,
                                                            const Clock& clock,
                                                            std::function<std::string()> new_id);

// Shortest prefix after "j-" that ResolveId accepts (a full id is always accepted).
inline constexpr std::size_t kMinIdPrefixChars = 3;

}  // namespace awshpc::store
