// File: cost_db.hpp
// The cost tables (prices, instance facts, snapshots, budgets, fired alerts) in the job store's
// SQLite file ($AWS_HPC_HOME/jobs.db), on a connection of their own (the store's store::Db layer)
// with their own ordered migrations, tracked in the table cost_schema_version (never in PRAGMA
// user_version, which belongs to the job store). See docs/cost.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/money.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/cost/catalog.hpp"

namespace awshpc::store {
class Db;
}

namespace awshpc::cost {

struct PriceFilter {
  std::vector<std::string> families;   // empty: all
  std::string region;                  // empty: all
  std::string arch;                    // "x86_64", "arm64" or empty
  std::string instance_type;           // empty: all
  std::string purchase = "on-demand";  // or "spot"
};

// A project's monthly budget (calendar months, UTC).
struct Budget {
  std::string project;
  Money monthly;
  std::vector<int> alert_percents;     // ascending, e.g. 50, 80, 100
  std::vector<std::string> hook_argv;  // run for each alert with the event on stdin; may be empty
  UnixMillis updated_at = 0;
  // Where the budget is mirrored in AWS Budgets (MirrorTarget::ToJson); empty: not mirrored.
  std::string aws_mirror;

  friend bool operator==(const Budget&, const Budget&) = default;
};

class CostDb {
 public:
  // Opens the cost tables in the SQLite file at `path`, applying pending cost migrations. The
  // file must already be a job store (open it with OpenSqliteJobStore first): FailedPrecondition
  // otherwise, so that the job store never finds foreign tables in a fresh file. A file whose
  // cost schema is newer than this build is refused unmodified.
  static Result<std::unique_ptr<CostDb>> Open(const std::string& path,
                                              const Clock& clock = SystemClock::Instance());
  ~CostDb();

  // The cost schema version this build writes.
  static int SchemaVersion();
  // The version recorded in the file.
  Result<int> FileSchemaVersion();
  // The SQLite file (the job store's): backends keep their records beside the cost tables.
  const std::string& Path() const;

  // Loads a snapshot unless one with the same Id() (its date, for shipped snapshots) is loaded. A
  // price is replaced only by a price of the same or a later date. Returns true if rows were
  // loaded.
  Result<bool> LoadSnapshot(const Snapshot& snapshot);
  // Loads the embedded snapshot if needed (cheap when already loaded).
  Status EnsureEmbeddedSnapshot();
  // Snapshots loaded so far: (id, sources); an id starts with the snapshot's date.
  Result<std::vector<std::pair<std::string, std::string>>> Snapshots();

  // Prices matching the filter, sorted by region, then price, then type.
  Result<std::vector<PriceRow>> Prices(const PriceFilter& filter);
  // The price of one type in one region; NotFound names both.
  Result<PriceRow> Price(const std::string& instance_type, const std::string& region);

  Status SetBudget(const Budget& budget);
  Result<std::vector<Budget>> Budgets();
  Result<std::optional<Budget>> FindBudget(const std::string& project);
  // True if a budget was deleted (also forgets its fired alerts).
  Result<bool> DeleteBudget(const std::string& project);

  // Records that the alert (project, month "2026-11", percent) fired; true the first time only,
  // so each threshold alerts once per month even with concurrent submitters.
  Result<bool> RecordAlert(const std::string& project, const std::string& month, int percent);

 private:
  CostDb(std::unique_ptr<store::Db> connection, const Clock& clock);
  std::unique_ptr<store::Db> db_;
  const Clock& clock_;
};

}  // namespace awshpc::cost
