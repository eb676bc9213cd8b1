#!/usr/bin/env python3
# moto_server with CloudFormation fixes, for the infra tests (docs/deploy.md, "moto
# workarounds"); everything else is moto as installed:
# 1. moto 5.2.1 executes a change set without recomputing the stack's outputs (ChangeSet.apply
#    updates the resources only), so DescribeStacks shows no Outputs after ExecuteChangeSet;
#    real CloudFormation reports them.
# 2. moto's Batch resources have no CloudFormation delete, so DeleteStack leaves compute
#    environments, queues and job definitions behind; real CloudFormation deletes them. The
#    deletes below call moto's own Batch backend, as the Batch API would.
# 3. Likewise VPC endpoints, route tables and the internet gateway attachment are never
#    deleted, so the VPC cannot be (DependencyViolation). NAT gateways keep their network interface even when moto
#    deletes them, so the moto tests run with network.nat_gateway: false.
# 4. moto has no CloudFormation update for log groups: a changed RetentionInDays drops the log
#    group from the stack's resources (and the LogGroupName output with it) and leaves the
#    retention as it was; real CloudFormation updates the retention in place.
# 5. A stack made by a change set is built without the account's exports and never adds its
#    own, so Fn::ImportValue fails with "No export named ..." even after the exporting stack is
#    complete; real CloudFormation exports the outputs that have Export (the storage stack) and
#    resolves imports of them (the compute stack's launch templates).
# Usage: moto_server_cfn.py -H 127.0.0.1 -p PORT
import sys

from moto.batch import models as batch_models
from moto.cloudformation import models
from moto.ec2 import models as ec2_models
from moto.ec2.models import route_tables, vpcs, vpn_gateway
from moto.logs import models as logs_models
from moto.server import main

_apply = models.ChangeSet.apply


def _apply_with_outputs(self):
    backend = models.cloudformation_backends[self.stack.account_id][self.stack.region_name]
    # 5. (below) Fn::ImportValue resolves against the account's exports.
    self.stack.cross_stack_resources = backend.exports
    self.stack.resource_map.cross_stack_resources = backend.exports
    _apply(self)
    self.stack.template = self.template
    self.stack._parse_template()
    self.stack.output_map = self.stack._create_output_map()
    # 5. (below) The stack's exports replace what it exported before.
    for name in [n for n, e in backend.exports.items()
                 if e.exporting_stack_id == self.stack.stack_id]:
        del backend.exports[name]
    for export in self.stack.exports:
        backend.exports[export.name] = export


models.ChangeSet.apply = _apply_with_outputs


def _batch(account_id, region_name):
    return batch_models.batch_backends[account_id][region_name]


batch_models.ComputeEnvironment.delete = lambda self, account_id, region_name: _batch(
    account_id, region_name).delete_compute_environment(self.arn)
batch_models.JobQueue.delete = lambda self, account_id, region_name: _batch(
    account_id, region_name).delete_job_queue(self.arn)
batch_models.JobDefinition.delete = lambda self, account_id, region_name: _batch(
    account_id, region_name).deregister_job_definition(self.arn)


def _ec2(account_id, region_name):
    return ec2_models.ec2_backends[account_id][region_name]


vpcs.VPCEndPoint.delete = lambda self, account_id, region_name: _ec2(
    account_id, region_name).delete_vpc_endpoints([self.id])


def _delete_route_table(self, account_id, region_name):
    ec2 = _ec2(account_id, region_name)
    for endpoint in ec2.vpc_end_points.values():
        # A gateway endpoint removes its routes when deleted: the table must outlive it. moto's
        # stack delete retries a resource that raised, after the others.
        if endpoint.state != "deleted" and self.id in (endpoint.route_table_ids or []):
            raise RuntimeError(f"route table {self.id} is still used by {endpoint.id}")
    ec2.delete_route_table(self.id)


route_tables.RouteTable.delete = _delete_route_table


def _detach(self, account_id, region_name):
    if self.gateway_id and self.gateway_id.startswith("igw-"):
        _ec2(account_id, region_name).detach_internet_gateway(self.gateway_id, self.vpc_id)


vpn_gateway.VPCGatewayAttachment.delete = _detach


def _update_log_group(cls, original_resource, new_resource_name, cloudformation_json,
                      account_id, region_name):
    logs = logs_models.logs_backends[account_id][region_name]
    days = cloudformation_json["Properties"].get("RetentionInDays")
    if days:
        logs.put_retention_policy(original_resource.name, int(days))
    else:
        logs.delete_retention_policy(original_resource.name)
    return original_resource


logs_models.LogGroup.update_from_cloudformation_json = classmethod(_update_log_group)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
