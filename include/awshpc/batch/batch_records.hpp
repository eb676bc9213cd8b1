// File: batch_records.hpp
// What the Batch backend remembers beside the job store, in the same SQLite file: which job
// definition revisions each app deployment registered, and for each platform job the Batch
// job(s) behind it (one per array part), the queue, and the latest Batch attempts. Batch forgets
// finished jobs after a day or two; these records do not. Tables are created on first open.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/store/sqlite_db.hpp"

namespace awshpc::batch {

// One registered job definition revision.
struct Deployment {
  std::string region;
  std::string app;
  std::string variant;
  std::string arch;
  std::string definition_name;
  std::int64_t revision = 0;
  std::string arn;
  std::string image;
  std::string spec_hash;
  UnixMillis deployed_at = 0;
};

// One Batch attempt of a job (DescribeJobs' attempts[]).
struct AttemptRecord {
  std::optional<std::int64_t> exit_code;
  std::string status_reason;
  std::string log_stream;
  std::string instance_type;
  std::optional<UnixMillis> started_at;
  std::optional<UnixMillis> stopped_at;
  // "spot" or "on-demand": how the compute environment that ran the attempt buys instances (from
  // the queue's environments when they all agree); "" when not known. Last, with an initializer,
  // so positional initialisers written before keep their meaning.
  std::string purchase = {};
  // Where the attempt ran, looked up at Sync (attempt_instances.hpp): its ECS container instance,
  // the compute environment whose ECS cluster holds it, and where `instance_type` (and, for
  // "ec2", `purchase`) came from: kInstanceFromEc2 (DescribeInstances of the attempt's own
  // instance), kInstanceFromEcsAttribute (the instance is gone: the ECS agent's
  // ecs.instance-type), or "" (not looked up).
  std::string container_instance_arn = {};
  std::string compute_environment = {};
  std::string instance_source = {};
  friend bool operator==(const AttemptRecord&, const AttemptRecord&) = default;
};

inline constexpr const char* kInstanceFromEc2 = "ec2";
inline constexpr const char* kInstanceFromEcsAttribute = "ecs-attribute";

// The Batch side of a platform job.
struct BatchJobLink {
  std::string job_id;  // platform id, "j-4x7kq2mz"
  std::string region;
  std::string queue;
  std::string definition;              // name:revision or ARN
  std::vector<std::string> batch_ids;  // one per array part, in part order; one for a single job
  std::int64_t array_size = 0;         // 0 for a single job
  std::string batch_status;            // last status seen (of the whole job)
  std::string status_reason;
  std::vector<AttemptRecord> attempts;
  // Array jobs: children per Batch status, summed over parts ("SUCCEEDED" -> 9999).
  std::vector<std::pair<std::string, std::int64_t>> status_summary;
  UnixMillis synced_at = 0;
  // The queue's compute environments at submission (purchase.hpp): "spot", "on-demand", "mixed",
  // or "" when not known (unmanaged environments; jobs recorded before purchase options were).
  std::string purchase = {};
};

class BatchRecords {
 public:
  // Opens the job store file at `path` (it must exist: the job store creates it).
  static Result<std::unique_ptr<BatchRecords>> Open(const std::string& path, const Clock& clock);

  Status AddDeployment(const Deployment& deployment);
  // Newest first; filtered by app ("" for all) and region ("" for all).
  Result<std::vector<Deployment>> Deployments(std::string_view app, std::string_view region);
  // The latest revision deployed for a definition name in a region.
  Result<std::optional<Deployment>> LatestDeployment(std::string_view region,
                                                     std::string_view definition_name);
  // The deployment that registered a job definition ARN (BatchJobLink::definition); empty when
  // none did (a definition registered outside aws-hpc).
  Result<std::optional<Deployment>> DeploymentByArn(std::string_view arn);

  // Creates or replaces the link of `link.job_id`.
  Status PutLink(const BatchJobLink& link);
  // NotFound when the job has no Batch side.
  Result<BatchJobLink> GetLink(std::string_view job_id);

 private:
  explicit BatchRecords(std::unique_ptr<store::Db> db, const Clock& clock)
      : db_(std::move(db)), clock_(clock) {}
  std::unique_ptr<store::Db> db_;
  const Clock& clock_;
};

}  // namespace awshpc::batch
