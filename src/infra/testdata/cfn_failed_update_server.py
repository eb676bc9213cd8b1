#!/usr/bin/env python3
# A loopback CloudFormation endpoint that plays one failed update, for the deployer's failure
# test (moto cannot make a stack fail). Responses follow the query API's XML as documented for
# DescribeStacks, CreateChangeSet, DescribeChangeSet, ExecuteChangeSet and DescribeStackEvents.
# Usage: cfn_failed_update_server.py PORT
import http.server
import sys
import urllib.parse

NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/fail-compute/0a1b2c3d"
CHANGE_SET_ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/aws-hpc-1/9f8e7d6c"
REASON = ("Resource handler returned message: \"Error executing request, Exception : "
          "computeEnvironment fail-ce is INVALID\" (HandlerErrorCode: GeneralServiceException)")
executed = False


def response(action, result):
    return (f'<{action}Response xmlns="{NS}"><{action}Result>{result}</{action}Result>'
            f"<ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata>"
            f"</{action}Response>").encode()


def event(event_id, logical, kind, status, reason, time):
    return (f"<member><StackId>{STACK_ID}</StackId><EventId>{event_id}</EventId>"
            f"<StackName>fail-compute</StackName><LogicalResourceId>{logical}</LogicalResourceId>"
            f"<ResourceType>{kind}</ResourceType><Timestamp>{time}</Timestamp>"
            f"<ResourceStatus>{status}</ResourceStatus>"
            + (f"<ResourceStatusReason>{reason}</ResourceStatusReason>" if reason else "")
            + "</member>")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        global executed
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        action = form.get("Action", [""])[0]
        if action == "DescribeStacks":
            status = "UPDATE_ROLLBACK_COMPLETE" if executed else "UPDATE_COMPLETE"
            body = response(action, f"<Stacks><member><StackName>fail-compute</StackName>"
                                    f"<StackId>{STACK_ID}</StackId><StackStatus>{status}</StackStatus>"
                                    f"<CreationTime>2026-11-29T10:00:00.000Z</CreationTime>"
                                    f"</member></Stacks>")
        elif action == "CreateChangeSet":
            body = response(action, f"<Id>{CHANGE_SET_ID}</Id><StackId>{STACK_ID}</StackId>")
        elif action == "DescribeChangeSet":
            body = response(action, f"<ChangeSetId>{CHANGE_SET_ID}</ChangeSetId>"
                                    f"<ChangeSetName>aws-hpc-1</ChangeSetName><StackId>{STACK_ID}</StackId>"
                                    f"<StackName>fail-compute</StackName><Status>CREATE_COMPLETE</Status>"
                                    f"<ExecutionStatus>AVAILABLE</ExecutionStatus><Changes><member>"
                                    f"<Type>Resource</Type><ResourceChange><Action>Modify</Action>"
                                    f"<LogicalResourceId>JobQueueX8664AmdSpot</LogicalResourceId>"
                                    f"<ResourceType>AWS::Batch::JobQueue</ResourceType>"
                                    f"<Replacement>False</Replacement><Scope><member>Properties</member>"
                                    f"</Scope></ResourceChange></member></Changes>")
        elif action == "ExecuteChangeSet":
            executed = True
            body = response(action, "")
        elif action == "DescribeStackEvents":
            events = []
            if executed:  # newest first
                events += [
                    event("e4", "fail-compute", "AWS::CloudFormation::Stack",
                          "UPDATE_ROLLBACK_COMPLETE", "", "2026-11-29T11:00:09.000Z"),
                    event("e3", "JobQueueX8664AmdSpot", "AWS::Batch::JobQueue", "UPDATE_FAILED",
                          REASON, "2026-11-29T11:00:05.000Z"),
                    event("e2", "fail-compute", "AWS::CloudFormation::Stack", "UPDATE_IN_PROGRESS",
                          "User Initiated", "2026-11-29T11:00:00.000Z"),
                ]
            events.append(event("e1", "fail-compute", "AWS::CloudFormation::Stack",
                                "UPDATE_COMPLETE", "", "2026-11-29T10:00:00.000Z"))
            body = response(action, "<StackEvents>" + "".join(events) + "</StackEvents>")
        else:
            body = (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>InvalidAction'
                    f"</Code><Message>{action}</Message></Error></ErrorResponse>").encode()
            self.send_response(400)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
