"""The operations dashboard shows what is there: its body, with the !Sub variables put in as CloudFormation would,
is JSON whose every metric names a queue, function or API of the template (or a metric the ingest function emits),
and it has each panel an operator needs. Each check is shown to catch its mistake on a broken copy."""
import copy
import json
import re
from pathlib import Path

import pytest
from template_model import load

ROOT = Path(__file__).resolve().parents[2]
EMITTER = ROOT / "Sources" / "Ingest" / "Entry" / "MetricsEmitter.swift"
EMF_WRITER = ROOT / "Sources" / "LambdaRuntime" / "EmbeddedMetrics.swift"
STAGE, REGION, ACCOUNT = "staging", "eu-west-1", "123456789012"

# The metrics AWS publishes in each namespace the dashboard reads (the services' metric references), so a misspelt
# name, which CloudWatch would draw as an empty graph, fails here.
AWS_METRICS = {
    "AWS/Lambda": {"Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions", "IteratorAge",
                   "DeadLetterErrors", "AsyncEventAge"},
    "AWS/SQS": {"ApproximateAgeOfOldestMessage", "ApproximateNumberOfMessagesVisible",
                "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "NumberOfMessagesSent",
                "NumberOfMessagesReceived", "NumberOfMessagesDeleted", "NumberOfEmptyReceives", "SentMessageSize"},
    "AWS/ApiGateway": {"4XXError", "5XXError", "Count", "Latency", "IntegrationLatency", "CacheHitCount",
                       "CacheMissCount"},
}


def emitted():
    """The ingest function's EMF metrics as MetricsEmitter.swift names them and EmbeddedMetrics.swift writes them:
    (namespace, metric names, dimensions)."""
    writer = EMF_WRITER.read_text()
    namespace = re.search(r'static let namespace = "([^"]+)"', writer).group(1)
    names = set(re.findall(r'\("(\w+)", "(?:Count|Bytes|Milliseconds)"', EMITTER.read_text()))
    dimensions = re.search(r'"Dimensions": \[\[([^\]]*)\]\]', writer).group(1)
    return namespace, names, set(re.findall(r'"(\w+)"', dimensions))


def evaluate(template, node):
    """A name as CloudFormation resolves it for STAGE: a literal, a parameter's Ref, or a Sub."""
    if isinstance(node, str):
        return node
    if "Ref" in node:
        return STAGE if node["Ref"] == "StageName" else str(template["Parameters"][node["Ref"]]["Default"])
    if "Fn::Sub" in node:
        return substitute(template, node["Fn::Sub"])
    raise KeyError(f"cannot evaluate {node}")


# What ${Resource} and ${Resource.Attribute} stand for, by resource type: the property that holds the name.
NAMES = {("AWS::SQS::Queue", "QueueName"): "QueueName", ("AWS::Serverless::Function", None): "FunctionName",
         ("AWS::CloudWatch::Dashboard", None): "DashboardName"}


def substitute(template, text):
    """`text` with each ${...} as CloudFormation's Sub would fill it in for STAGE: pseudo parameters, parameters,
    and the names of resources (Ref, or GetAtt of a name). A variable that names nothing in the template fails."""
    pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
              "AWS::URLSuffix": "amazonaws.com", "StageName": STAGE}

    def value(match):
        variable = match.group(1)
        if variable in pseudo:
            return pseudo[variable]
        if variable in template["Parameters"]:
            return str(template["Parameters"][variable].get("Default", ""))
        name, _, attribute = variable.partition(".")
        resource = template["Resources"].get(name)
        if resource is None or (resource["Type"], attribute or None) not in NAMES:
            raise KeyError(f"${{{variable}}} names no resource name of the template")
        return evaluate(template, resource["Properties"][NAMES[(resource["Type"], attribute or None)]])

    return re.sub(r"\$\{([^}!]+)\}", value, text)


def dashboard(template):
    """The dashboard's body as deployed for STAGE, parsed."""
    dashboards = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard"]
    assert len(dashboards) == 1, "not exactly one dashboard"
    return json.loads(substitute(template, dashboards[0]["Properties"]["DashboardBody"]["Fn::Sub"]))


def metrics(body):
    """Every metric of every metric widget: (widget title, namespace, metric name, {dimension: value}, stat)."""
    found = []
    for widget in body["widgets"]:
        if widget["type"] != "metric":
            continue
        properties = widget["properties"]
        previous = []
        for row in properties["metrics"]:
            options = row[-1] if isinstance(row[-1], dict) else {}
            fields = row[:-1] if options else row
            # "." repeats the field above it (CloudWatch's shorthand).
            fields = [previous[i] if f == "." and i < len(previous) else f for i, f in enumerate(fields)]
            previous = fields
            found.append((properties.get("title", ""), fields[0], fields[1], dict(zip(fields[2::2], fields[3::2])),
                          options.get("stat", properties.get("stat"))))
    return found


def names_of(template, resource_type, name_property):
    return {evaluate(template, r["Properties"][name_property])
            for r in template["Resources"].values() if r["Type"] == resource_type}


def metric_problems(template):
    """Each metric is one AWS publishes, or one the ingest function emits, for a resource of this template."""
    problems = []
    body = dashboard(template)
    namespace, emitted_names, emitted_dimensions = emitted()
    functions = names_of(template, "AWS::Serverless::Function", "FunctionName")
    queues = names_of(template, "AWS::SQS::Queue", "QueueName")
    api = template["Resources"]["ConsumptionApi"]["Properties"]
    api_name, api_stage = evaluate(template, api["Name"]), evaluate(template, api["StageName"])
    streamed = {evaluate(template, r["Properties"]["FunctionName"]) for r in template["Resources"].values()
                if r["Type"] == "AWS::Serverless::Function"
                and any(e["Type"] == "DynamoDB" for e in r["Properties"].get("Events", {}).values())}
    for widget in body["widgets"]:
        if widget["type"] == "metric" and widget["properties"].get("region") != REGION:
            problems.append(f"{widget['properties'].get('title')}: not the stack's region")
    for title, space, name, dimensions, _ in metrics(body):
        where = f"{title}: {space} {name} {dimensions}"
        if space == namespace:
            if name not in emitted_names:
                problems.append(f"{where}: the ingest function emits no such metric")
            if set(dimensions) != emitted_dimensions or dimensions.get("FunctionName") not in functions:
                problems.append(f"{where}: not the dimensions the ingest function emits it with")
        elif space not in AWS_METRICS or name not in AWS_METRICS[space]:
            problems.append(f"{where}: no such metric")
        elif space == "AWS/Lambda" and (set(dimensions) != {"FunctionName"} or
                                        dimensions["FunctionName"] not in functions):
            problems.append(f"{where}: no such function in the template")
        elif space == "AWS/Lambda" and name == "IteratorAge" and dimensions["FunctionName"] not in streamed:
            problems.append(f"{where}: that function reads no stream")
        elif space == "AWS/SQS" and (set(dimensions) != {"QueueName"} or dimensions["QueueName"] not in queues):
            problems.append(f"{where}: no such queue in the template")
        elif space == "AWS/ApiGateway" and dimensions != {"ApiName": api_name, "Stage": api_stage}:
            problems.append(f"{where}: not the template's API and stage")
    return problems


def panel_problems(template):
    """The panels an operator needs are there: files in, rejected and unassigned; the age of the oldest message of
    each queue a function reads; the stream's iterator age; each DLQ's depth; API latency p50 and p99, 4xx and 5xx;
    errors, throttles and duration of each function."""
    shown = {(space, name, tuple(sorted(dimensions.items())), stat) for _, space, name, dimensions, stat in
             metrics(dashboard(template))}
    resources = template["Resources"]
    ingest = evaluate(template, resources["IngestFunction"]["Properties"]["FunctionName"])
    namespace = emitted()[0]
    required = {(namespace, name, (("FunctionName", ingest),), "Sum") for name in
                ("ObjectsIngested", "ObjectsRejected", "ObjectsUnassigned")}
    required.add(("AWS/Lambda", "IteratorAge", (("FunctionName", ingest),), "Maximum"))
    for name, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Function":
            function = (("FunctionName", evaluate(template, resource["Properties"]["FunctionName"])),)
            required |= {("AWS/Lambda", "Errors", function, "Sum"), ("AWS/Lambda", "Throttles", function, "Sum"),
                         ("AWS/Lambda", "Duration", function, "p99")}
            for event in resource["Properties"].get("Events", {}).values():
                if event["Type"] == "SQS":
                    queue = resources[event["Properties"]["Queue"]["Fn::GetAtt"][0]]["Properties"]
                    required.add(("AWS/SQS", "ApproximateAgeOfOldestMessage",
                                  (("QueueName", evaluate(template, queue["QueueName"])),), "Maximum"))
                    dead = resources[queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]]["Properties"]
                    required.add(("AWS/SQS", "ApproximateNumberOfMessagesVisible",
                                  (("QueueName", evaluate(template, dead["QueueName"])),), "Maximum"))
    api = resources["ConsumptionApi"]["Properties"]
    api_dimensions = (("ApiName", evaluate(template, api["Name"])), ("Stage", evaluate(template, api["StageName"])))
    required |= {("AWS/ApiGateway", name, api_dimensions, stat)
                 for name, stat in (("Latency", "p50"), ("Latency", "p99"), ("4XXError", "Sum"), ("5XXError", "Sum"))}
    return [f"no panel shows {space} {name} {dict(dimensions)} ({stat})"
            for space, name, dimensions, stat in sorted(required - shown)]


def output_problems(template):
    url = template["Outputs"].get("DashboardUrl", {}).get("Value", {}).get("Fn::Sub", "")
    if f"#dashboards:name=daily-consumption-{STAGE}" not in substitute(template, url):
        return ["DashboardUrl: does not open the stage's dashboard"]
    return []


CHECKS = [metric_problems, panel_problems, output_problems]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_dashboard_passes(check):
    assert check(load()) == []


def test_the_dashboard_is_named_for_its_stage():
    dashboards = [r for r in load()["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard"]
    assert [evaluate(load(), d["Properties"]["DashboardName"]) for d in dashboards] == [f"daily-consumption-{STAGE}"]


def body_edit(old, new):
    """An edit of the dashboard's body text."""
    def edit(template):
        resource = next(r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard")
        body = resource["Properties"]["DashboardBody"]
        assert old in body["Fn::Sub"], old
        body["Fn::Sub"] = body["Fn::Sub"].replace(old, new, 1)
    return edit


def broken(edit):
    template = copy.deepcopy(load())
    edit(template)
    return template


MISTAKES = [
    ("an EMF metric the function does not emit", metric_problems, body_edit('"ObjectsRejected"', '"FilesRejected"')),
    ("an EMF metric without its dimension", metric_problems,
     body_edit('"ObjectsIngested", "FunctionName", "daily-consumption-${StageName}-ingest"', '"ObjectsIngested"')),
    ("a misspelt AWS metric", metric_problems, body_edit('"ApproximateAgeOfOldestMessage"', '"AgeOfOldestMessage"')),
    ("a function that is not in the template", metric_problems,
     body_edit('"daily-consumption-${StageName}-query", {"label": "query"}',
               '"daily-consumption-${StageName}-api", {"label": "query"}')),
    ("a queue that is not in the template", metric_problems,
     body_edit('"${WorkDeadLetterQueue.QueueName}"', '"daily-consumption-${StageName}-dlq"')),
    ("the API under another name", metric_problems,
     body_edit('"ApiName", "daily-consumption-${StageName}", "Stage"', '"ApiName", "ConsumptionApi", "Stage"')),
    ("another region", metric_problems, body_edit('"region": "${AWS::Region}"', '"region": "us-east-1"')),
    ("no stream iterator age", panel_problems, body_edit('"IteratorAge"', '"Invocations"')),
    ("one DLQ left out", panel_problems,
     body_edit('"${IngestDeadLetterQueue.QueueName}"', '"${IngestQueue.QueueName}"')),
    ("no p99 latency", panel_problems, body_edit('{"stat": "p99", "label": "p99"}', '{"stat": "p90", "label": "p90"}')),
    ("no throttles of the analytics function", panel_problems,
     body_edit('["AWS/Lambda", "Throttles", "FunctionName", "daily-consumption-${StageName}-analytics"',
               '["AWS/Lambda", "Throttles", "FunctionName", "daily-consumption-${StageName}-query"')),
    ("files unassigned left out", panel_problems, body_edit('"ObjectsUnassigned"', '"ObjectsDeleted"')),
    ("a new function without its panels", panel_problems,
     lambda t: t["Resources"].update(ExportFunction={"Type": "AWS::Serverless::Function", "Properties": {
         "FunctionName": {"Fn::Sub": "daily-consumption-${StageName}-export"}}})),
    ("a URL to another dashboard", output_problems,
     lambda t: t["Outputs"]["DashboardUrl"].update(Value={"Fn::Sub": "https://console.aws.amazon.com/cloudwatch/"})),
]


@pytest.mark.parametrize("mistake, check, edit", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_check_catches_its_mistake(mistake, check, edit):
    assert check(broken(edit)), f"{check.__name__} missed {mistake}"


@pytest.mark.parametrize("old, new", [('"widgets": [', '"widgets": [,'),
                                      ("${IngestQueue.QueueName}", "${IngestQ.QueueName}")],
                         ids=["not JSON", "a variable that names nothing"])
def test_a_broken_body_fails_to_read(old, new):
    with pytest.raises((json.JSONDecodeError, KeyError)):
        dashboard(broken(body_edit(old, new)))
