"""What lands in an account is private, encrypted, least-privilege and watched. Each rule is checked on
template.yaml, and each check is shown to catch the mistake it is for, on a copy of the template with that mistake."""
import copy

import pytest
from template_model import load

# X-Ray has no resource-level permissions: AWS documents '*' as the only resource these two actions take.
RESOURCELESS_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def statements(template):
    """Every Allow or Deny statement of every policy in the template, with where it is."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            if "Effect" in node and ("Action" in node or "NotAction" in node):
                found.append((where, node))
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    for name, resource in template["Resources"].items():
        walk(resource.get("Properties", {}), name)
    return found


def as_list(value):
    return value if isinstance(value, list) else [value]


def wildcard_problems(template):
    problems = []
    for where, statement in statements(template):
        if statement["Effect"] != "Allow":
            continue  # a Deny's wildcard only takes access away
        actions = as_list(statement.get("Action", []))
        if any(isinstance(a, str) and "*" in a for a in actions) or "NotAction" in statement:
            problems.append(f"{where}: wildcard action {actions}")
        resources = as_list(statement.get("Resource", []))
        if any(r == "*" for r in resources) and not set(actions) <= RESOURCELESS_ACTIONS:
            problems.append(f"{where}: wildcard resource for {actions}")
    return problems


def bucket_problems(template):
    problems = []
    resources = template["Resources"]
    policies = [r for r in resources.values() if r["Type"] == "AWS::S3::BucketPolicy"]
    for name, bucket in resources.items():
        if bucket["Type"] != "AWS::S3::Bucket":
            continue
        properties = bucket.get("Properties", {})
        if not properties.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration"):
            problems.append(f"{name}: no default encryption")
        block = properties.get("PublicAccessBlockConfiguration", {})
        if not all(block.get(k) is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                                   "RestrictPublicBuckets")):
            problems.append(f"{name}: public access not fully blocked")
        tls_only = any(
            policy["Properties"]["Bucket"] == {"Ref": name} and any(
                s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
                for s in policy["Properties"]["PolicyDocument"]["Statement"])
            for policy in policies)
        if not tls_only:
            problems.append(f"{name}: no policy denying requests without TLS")
    return problems


def table_problems(template):
    problems = []
    for name, table in template["Resources"].items():
        if table["Type"] != "AWS::DynamoDB::Table":
            continue
        properties = table["Properties"]
        if properties.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is not True:
            problems.append(f"{name}: no point-in-time recovery")
        if properties.get("SSESpecification", {}).get("SSEEnabled") is not True:
            problems.append(f"{name}: no server-side encryption setting")
    return problems


def watched_metrics(alarm):
    """(namespace, metric name, dimensions) of each metric an alarm reads: its own, or those of its metric math."""
    if "MetricName" in alarm:
        return [(alarm.get("Namespace"), alarm["MetricName"], alarm.get("Dimensions", []))]
    metrics = [m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
    return [(m.get("Namespace"), m["MetricName"], m.get("Dimensions", [])) for m in metrics]


def alarm_problems(template):
    problems = []
    resources = template["Resources"]
    alarms = {n: r["Properties"] for n, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    for name, function in resources.items():
        if function["Type"] != "AWS::Serverless::Function":
            continue
        function_name = function["Properties"].get("FunctionName")
        watched = [a for a in alarms.values() if any(
            namespace == "AWS/Lambda" and {"Name": "FunctionName", "Value": function_name} in dimensions
            for namespace, _, dimensions in watched_metrics(a))]
        if not watched:
            problems.append(f"{name}: no alarm watches it")
        if not watched or not all(a.get("AlarmActions") for a in watched):
            problems.append(f"{name}: its alarms notify no one")
        rollback = function["Properties"].get("DeploymentPreference", {}).get("Alarms")
        if not rollback:
            problems.append(f"{name}: its rollout is not wired to alarms")
        # The API's callers are anyone with a key: a rollback alarm on their traffic that one failure trips would
        # let one tenant roll every deployment back.
        if name == "QueryFunction":
            for reference in rollback or []:
                alarm = alarms.get(reference["Ref"], {})
                if "Metrics" not in alarm or alarm.get("Threshold", 0) <= 0:
                    problems.append(f"{name}: rollback alarm {reference['Ref']} is a count one failure trips")
    return problems


def tenant_cost_problems(template):
    """No key holder can take the account: the query function has reserved concurrency (its most at once), each
    API key a usage plan with a rate, a burst and a daily quota, and the table calls per request an alarm."""
    problems = []
    resources = template["Resources"]
    query = resources["QueryFunction"]["Properties"]
    if "ReservedConcurrentExecutions" not in query:
        problems.append("QueryFunction: no reserved concurrency")
    plan = resources["ConsumptionApi"]["Properties"].get("Auth", {}).get("UsagePlan", {})
    for part, fields in (("Throttle", ("RateLimit", "BurstLimit")), ("Quota", ("Limit", "Period"))):
        if not all(field in plan.get(part, {}) for field in fields):
            problems.append(f"ConsumptionApi: the usage plan has no {part.lower()} per key")
    calls = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"
             and r["Properties"].get("MetricName") == "TableCallsPerRequest"]
    if not calls or not all(alarm.get("ExtendedStatistic") == "p99" for alarm in calls):
        problems.append("no alarm on the p99 of table calls per API request")
    return problems


def queue_problems(template):
    problems = []
    timeouts = template["Parameters"]["IngestTimeout"]["AllowedValues"]
    visibility = template["Mappings"]["IngestTimeouts"]
    for timeout in timeouts:
        if visibility[str(timeout)]["VisibilityTimeout"] < 6 * int(timeout):
            problems.append(f"a {timeout} s ingest timeout gets a visibility timeout under six times it")
    for name in ("NotificationQueue", "IngestQueue", "WorkQueue"):
        if "RedrivePolicy" not in template["Resources"][name]["Properties"]:
            problems.append(f"{name}: no dead-letter queue")
    if template["Parameters"]["IngestBatchSize"]["Default"] != 1:
        problems.append("IngestBatchSize: a process that dies would take its batch's other files to the DLQ")
    return problems


def fairness_problems(template):
    """A tenant's burst waits behind no one's file only if S3 notifies the queue the function sorts from, and the
    sorted events go to the queue it ingests from (docs/ingest-design.md, Fairness between tenants)."""
    problems = []
    resources = template["Resources"]
    ingest = resources["IngestFunction"]["Properties"]
    variables = ingest["Environment"]["Variables"]
    sorted_from = variables.get("NOTIFICATION_QUEUE_ARN", {}).get("Fn::GetAtt", [None])[0]
    sorted_into = variables.get("INGEST_QUEUE_URL", {}).get("Ref")
    targets = {c["Queue"]["Fn::GetAtt"][0]
               for c in resources["MeterBucket"]["Properties"]["NotificationConfiguration"]["QueueConfigurations"]}
    if targets != {sorted_from}:
        problems.append(f"S3 notifies {sorted(targets)}, but the function sorts notifications from {sorted_from}")
    sources = {e["Properties"]["Queue"]["Fn::GetAtt"][0] for e in ingest["Events"].values() if e["Type"] == "SQS"}
    if sorted_from not in sources or sorted_into not in sources:
        problems.append(f"the function takes messages from {sorted(sources)}, not from both {sorted_from} and "
                        f"{sorted_into}")
    return problems


def stream_problems(template):
    """The day sums are exact only if every meter-day change is folded once: the table streams both images, and the
    ingest function takes them with its shard named (tumbling window), one batch per shard, nothing dropped."""
    problems = []
    resources = template["Resources"]
    if resources["ConsumptionTable"]["Properties"].get("StreamSpecification", {}).get("StreamViewType") != \
            "NEW_AND_OLD_IMAGES":
        problems.append("ConsumptionTable: no stream of new and old images")
    events = [e["Properties"] for e in resources["IngestFunction"]["Properties"]["Events"].values()
              if e["Type"] == "DynamoDB"]
    if len(events) != 1:
        return problems + ["IngestFunction: not exactly one DynamoDB stream event"]
    stream = events[0]
    if stream.get("Stream") != {"Fn::GetAtt": ["ConsumptionTable", "StreamArn"]}:
        problems.append("TableStream: not the table's stream")
    if not stream.get("TumblingWindowInSeconds"):
        problems.append("TableStream: no tumbling window, so the event would not name its shard")
    if stream.get("ParallelizationFactor", 1) != 1:
        problems.append("TableStream: more than one batch per shard at a time breaks the shard's order")
    if stream.get("MaximumRetryAttempts") != -1 or stream.get("MaximumRecordAgeInSeconds") != -1:
        problems.append("TableStream: records could be dropped after retries or age")
    if "ReportBatchItemFailures" not in stream.get("FunctionResponseTypes", []):
        problems.append("TableStream: partial batches not reported")
    if not any(r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("MetricName") == "IteratorAge"
               for r in resources.values()):
        problems.append("no alarm on the stream's iterator age")
    return problems


def retention_problems(template):
    """Data outlives the stack: the bucket and the table stay when the stack is deleted or they are replaced."""
    problems = []
    for name, resource in template["Resources"].items():
        if resource["Type"] in ("AWS::S3::Bucket", "AWS::DynamoDB::Table"):
            for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
                if resource.get(policy) != "Retain":
                    problems.append(f"{name}: {policy} is not Retain")
    return problems


def listing_problems(template):
    """A function lists only where meter files lie: every grant of a bucket listing is conditioned on a prefix
    under the ingest function's incoming prefix."""
    incoming = template["Resources"]["IngestFunction"]["Properties"]["Environment"]["Variables"]["INCOMING_PREFIX"]
    problems = []
    for where, statement in statements(template):
        actions = set(as_list(statement.get("Action", [])))
        if statement["Effect"] != "Allow" or not actions & {"s3:ListBucket", "s3:ListBucketVersions"}:
            continue
        prefixes = as_list(statement.get("Condition", {}).get("StringLike", {}).get("s3:prefix", []))
        if not prefixes or not all(p.startswith(incoming) for p in prefixes):
            problems.append(f"{where}: lists the bucket beyond {incoming}")
    return problems


CHECKS = [wildcard_problems, bucket_problems, table_problems, alarm_problems, queue_problems, stream_problems,
          listing_problems, retention_problems, tenant_cost_problems, fairness_problems]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_template_passes(check):
    assert check(load()) == []


def broken(edit):
    template = copy.deepcopy(load())
    edit(template)
    return template


MISTAKES = [
    ("a wildcard action", wildcard_problems,
     lambda t: t["Resources"]["QueryRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
     .update(Action="dynamodb:*")),
    ("a wildcard resource", wildcard_problems,
     lambda t: t["Resources"]["IngestRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
     .update(Resource="*")),
    ("no bucket encryption", bucket_problems, lambda t: t["Resources"]["MeterBucket"]["Properties"].pop("BucketEncryption")),
    ("no TLS-only policy", bucket_problems, lambda t: t["Resources"].pop("MeterBucketPolicy")),
    ("public access allowed", bucket_problems,
     lambda t: t["Resources"]["MeterBucket"]["Properties"]["PublicAccessBlockConfiguration"].update(BlockPublicPolicy=False)),
    ("no PITR", table_problems,
     lambda t: t["Resources"]["ConsumptionTable"]["Properties"].pop("PointInTimeRecoverySpecification")),
    ("a function without an alarm", alarm_problems,
     lambda t: [t["Resources"].pop(n) for n in ("QueryErrorRateAlarm", "QueryThrottlesAlarm")]),
    ("an API rollback alarm one 5xx trips", alarm_problems,
     lambda t: t["Resources"]["Api5xxRateAlarm"].update(Properties={
         "Namespace": "AWS/ApiGateway", "MetricName": "5XXError", "Statistic": "Sum", "Period": 60,
         "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold",
         "AlarmActions": ["topic"]})),
    ("a rollout not wired to alarms", alarm_problems,
     lambda t: t["Resources"]["IngestFunction"]["Properties"]["DeploymentPreference"].pop("Alarms")),
    ("a query function without reserved concurrency", tenant_cost_problems,
     lambda t: t["Resources"]["QueryFunction"]["Properties"].pop("ReservedConcurrentExecutions")),
    ("a usage plan without a quota", tenant_cost_problems,
     lambda t: t["Resources"]["ConsumptionApi"]["Properties"]["Auth"]["UsagePlan"].pop("Quota")),
    ("a usage plan without a throttle", tenant_cost_problems,
     lambda t: t["Resources"]["ConsumptionApi"]["Properties"]["Auth"]["UsagePlan"].pop("Throttle")),
    ("no alarm on table calls per request", tenant_cost_problems, lambda t: t["Resources"].pop("QueryTableCallsAlarm")),
    ("a short visibility timeout", queue_problems,
     lambda t: t["Mappings"]["IngestTimeouts"]["300"].update(VisibilityTimeout=300)),
    ("the work queue without a dead-letter queue", queue_problems,
     lambda t: t["Resources"]["WorkQueue"]["Properties"].pop("RedrivePolicy")),
    ("batches of ten files", queue_problems, lambda t: t["Parameters"]["IngestBatchSize"].update(Default=10)),
    ("the notification queue without a dead-letter queue", queue_problems,
     lambda t: t["Resources"]["NotificationQueue"]["Properties"].pop("RedrivePolicy")),
    ("S3 notifying the ingest queue directly", fairness_problems,
     lambda t: t["Resources"]["MeterBucket"]["Properties"]["NotificationConfiguration"]["QueueConfigurations"][0]
     .update(Queue={"Fn::GetAtt": ["IngestQueue", "Arn"]})),
    ("sorted notifications sent where nothing takes them", fairness_problems,
     lambda t: t["Resources"]["IngestFunction"]["Properties"]["Environment"]["Variables"]
     .update(INGEST_QUEUE_URL={"Ref": "IngestDeadLetterQueue"})),
    ("no table stream", stream_problems, lambda t: t["Resources"]["ConsumptionTable"]["Properties"].pop("StreamSpecification")),
    ("no tumbling window", stream_problems,
     lambda t: t["Resources"]["IngestFunction"]["Properties"]["Events"]["TableStream"]["Properties"]
     .pop("TumblingWindowInSeconds")),
    ("parallel batches per shard", stream_problems,
     lambda t: t["Resources"]["IngestFunction"]["Properties"]["Events"]["TableStream"]["Properties"]
     .update(ParallelizationFactor=4)),
    ("records dropped after retries", stream_problems,
     lambda t: t["Resources"]["IngestFunction"]["Properties"]["Events"]["TableStream"]["Properties"]
     .update(MaximumRetryAttempts=3)),
    ("a bucket deleted with the stack", retention_problems, lambda t: t["Resources"]["MeterBucket"].pop("DeletionPolicy")),
    ("a table deleted when replaced", retention_problems,
     lambda t: t["Resources"]["ConsumptionTable"].pop("UpdateReplacePolicy")),
    ("a listing of the whole bucket", listing_problems,
     lambda t: next(s for s in t["Resources"]["IngestRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
                    if s["Sid"] == "ListIncomingKeys").pop("Condition")),
]


@pytest.mark.parametrize("mistake, check, edit", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_check_catches_its_mistake(mistake, check, edit):
    assert check(broken(edit)), f"{check.__name__} missed {mistake}"
