"""The whole system on one machine, as template.yaml describes it: moto for S3, SQS, DynamoDB and API Gateway's keys
and usage plan (signatures checked), the real `ingest` and `query` bootstraps under the project's Runtime API
emulator, a poller that is Lambda's SQS event source, and a small API gateway that is API Gateway's REST API with API
keys. Names and settings are read from template.yaml for a stage, so the local stack and the deployed one cannot
drift."""
import base64
import json
import random
import re
import secrets
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import apigw
import template_yaml
from local_aws import (
    ACCOUNT, REGION, ROOT, LambdaHost, Moto, alert_inbox, create_table, drain_alerts, forward, queue_delete_marker_event,
    sqs_record)
from fair_queue import FairQueue
from s3_post_policy import answer
from stream_event_source import StreamEventSource

RELEASE = ROOT / ".build" / "release"
# SQS's longest visibility timeout: how long a fair queue's poller may hold a message before handing it out.
HELD_SECONDS = 43_200
OPENAPI = ROOT / "Sources" / "Query" / "openapi.json"
GRAPHQL_SCHEMA = ROOT / "Sources" / "Query" / "schema.graphql"
DASHBOARD = ROOT / "Sources" / "Query" / "dashboard.html"


class TemplateSettings:
    """What the local stack takes from template.yaml: resource names, queue settings, the functions' environment
    and timeouts, and the API's routes, for one stage (parameters at their defaults unless given)."""

    def __init__(self, stage, parameters=None, path=ROOT / "template.yaml"):
        self.template = template_yaml.load(Path(path).read_text())
        self.values = {name: str(spec.get("Default", "")) for name, spec in self.template["Parameters"].items()}
        self.values.update({"StageName": stage, **(parameters or {})})
        resources = self.template["Resources"]
        self.bucket = self.evaluate(resources["MeterBucket"]["Properties"]["BucketName"])
        self.table = self.evaluate(resources["ConsumptionTable"]["Properties"]["TableName"])
        notifications = resources["NotificationQueue"]["Properties"]
        self.notification_queue = self.evaluate(notifications["QueueName"])
        self.notification_dead_letter_queue = self.evaluate(
            resources["NotificationDeadLetterQueue"]["Properties"]["QueueName"])
        queue = resources["IngestQueue"]["Properties"]
        self.queue = self.evaluate(queue["QueueName"])
        self.dead_letter_queue = self.evaluate(resources["IngestDeadLetterQueue"]["Properties"]["QueueName"])
        self.visibility_timeout = int(self.evaluate(queue["VisibilityTimeout"]))
        self.max_receive_count = int(self.evaluate(queue["RedrivePolicy"]["maxReceiveCount"]))
        self.notifications = resources["MeterBucket"]["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
        ranges = resources["WorkQueue"]["Properties"]
        self.work_queue = self.evaluate(ranges["QueueName"])
        self.work_dead_letter_queue = self.evaluate(resources["WorkDeadLetterQueue"]["Properties"]["QueueName"])
        ingest = resources["IngestFunction"]["Properties"]
        self.ingest_timeout = int(self.evaluate(ingest["Timeout"]))
        self.notification_batch_size = int(self.evaluate(ingest["Events"]["Notifications"]["Properties"]["BatchSize"]))
        self.batch_size = int(self.evaluate(ingest["Events"]["Queue"]["Properties"]["BatchSize"]))
        self.work_batch_size = int(self.evaluate(ingest["Events"]["Work"]["Properties"]["BatchSize"]))
        completeness = ingest["Events"]["Completeness"]["Properties"]
        self.completeness_every = rate_seconds(self.evaluate(completeness["Schedule"]))
        self.completeness_input = json.loads(completeness["Input"])
        stream = ingest["Events"]["TableStream"]["Properties"]
        self.stream_batch_size = int(self.evaluate(stream["BatchSize"]))
        # The mapping's filter: records whose sort key starts with this prefix reach the function.
        pattern = json.loads(stream["FilterCriteria"]["Filters"][0]["Pattern"])
        self.stream_sort_key_prefix = pattern["dynamodb"]["Keys"]["sk"]["S"][0]["prefix"]
        # The alert topic and the queues are made in moto at start-up; their ARNs and URLs take the Refs' place.
        self.ingest_environment = {k: str(self.evaluate(v)) for k, v in ingest["Environment"]["Variables"].items()
                                   if k not in ("ALERT_TOPIC_ARN", "WORK_QUEUE_URL", "NOTIFICATION_QUEUE_ARN",
                                                "INGEST_QUEUE_URL")}
        self.alert_topic = self.evaluate(resources["FileAlertTopic"]["Properties"]["TopicName"])
        analytics = resources["AnalyticsFunction"]["Properties"]
        self.analytics_timeout = int(self.evaluate(analytics["Timeout"]))
        self.analytics_environment = {k: str(self.evaluate(v)) for k, v in analytics["Environment"]["Variables"].items()}
        self.analytics_rule = f"{self.evaluate(analytics['FunctionName'])}-schedule"
        self.analytics_every = rate_seconds(self.evaluate(analytics["Events"]["Schedule"]["Properties"]["Schedule"]))
        query = resources["QueryFunction"]["Properties"]
        self.query_timeout = int(self.evaluate(query["Timeout"]))
        # The page-token secret is a stack resource: locally it is made in moto's Secrets Manager at start-up, and its
        # ARN takes the place of the Ref.
        self.query_environment = {k: str(self.evaluate(v)) for k, v in query["Environment"]["Variables"].items()
                                  if k != "TOKEN_SECRET_ARN"}
        api = resources["ConsumptionApi"]["Properties"]
        default_key_required = api.get("Auth", {}).get("ApiKeyRequired", False)
        self.routes = []
        for event in query["Events"].values():
            properties = event["Properties"]
            key_required = properties.get("Auth", {}).get("ApiKeyRequired", default_key_required)
            self.routes.append((properties["Path"], properties["Method"].upper(), key_required))
        self.api_stage = self.evaluate(api["StageName"])

    def evaluate(self, node):
        """The value of a template expression for this stage: Ref, Sub, FindInMap, GetAtt of names."""
        if isinstance(node, (str, int, bool)):
            return node
        if "Ref" in node:
            name = node["Ref"]
            if name in self.values:
                return self.values[name]
            if name == "ConsumptionTable":
                return self.table
            if name == "MeterBucket":
                return self.bucket
            raise KeyError(f"no local value for Ref {name}")
        if "Fn::Sub" in node:
            pseudo = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": "aws", "AWS::URLSuffix": "localhost"}
            return re.sub(r"\$\{([^}]+)\}", lambda m: pseudo.get(m.group(1)) or self.values[m.group(1)], node["Fn::Sub"])
        if "Fn::FindInMap" in node:
            mapping, key, attribute = (self.evaluate(part) for part in node["Fn::FindInMap"])
            return self.template["Mappings"][mapping][str(key)][attribute]
        raise KeyError(f"no local value for {node}")


class ApiKeyLookup:
    """API Gateway's check of a request's `x-api-key`: the value must be that of an API key that is enabled and in the
    API's usage plan; the answer is the key's id (the request context's `identity.apiKeyId`). Read from moto's API
    Gateway, and held for `ttl` seconds so a request costs no lookup; a value not held is looked up again at once, so
    a key just created works at its first request, while one disabled or deleted goes on working for up to `ttl`
    seconds (API Gateway, too, takes a moment to see a change of keys)."""

    def __init__(self, apigateway, usage_plan_id, ttl=1.0):
        self.apigateway, self.usage_plan_id, self.ttl = apigateway, usage_plan_id, ttl
        self.ids, self.read_at = {}, float("-inf")
        self.lock = threading.Lock()

    def find(self, value):
        """The id of the enabled key in the usage plan whose value is `value`, or None."""
        if not value:
            return None
        with self.lock:
            if value not in self.ids or time.monotonic() - self.read_at > self.ttl:
                self.ids, self.read_at = self._read(), time.monotonic()
            return self.ids.get(value)

    def _read(self):
        in_plan = {key["id"] for page in self.apigateway.get_paginator("get_usage_plan_keys").paginate(
            usagePlanId=self.usage_plan_id) for key in page["items"]}
        return {key["value"]: key["id"]
                for page in self.apigateway.get_paginator("get_api_keys").paginate(includeValues=True)
                for key in page["items"] if key["enabled"] and key["id"] in in_plan}


def rate_seconds(expression):
    """The period of an EventBridge rate expression (`rate(15 minutes)`), in seconds."""
    match = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", expression)
    if not match:
        raise ValueError(f"the local stack runs rate() schedules only, not {expression}")
    unit = {"minute": 60, "hour": 3600, "day": 86_400}[match.group(2).rstrip("s")]
    return int(match.group(1)) * unit


class LocalStack:
    """Starts everything, wires it as template.yaml does, and stops every process it started."""

    def __init__(self, stage="local", work_dir=None, visibility_timeout=None, chaos_seed=None, max_seconds=86_400,
                 tenant="demo", parameters=None, analytics_every=None):
        self.settings = TemplateSettings(stage, parameters)
        # The schedule's period; a test or the demo shortens it (EventBridge's shortest rate is a minute).
        self.analytics_every = analytics_every or self.settings.analytics_every
        self.work_dir = Path(work_dir or ROOT / ".build" / "local-stack")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.visibility_timeout = visibility_timeout or self.settings.visibility_timeout
        # At-least-once, unordered delivery made visible: each batch shuffled and each message handed over twice.
        self.chaos = random.Random(chaos_seed) if chaos_seed is not None else None
        self.max_seconds = max_seconds
        self.tenant = tenant
        self.processes = []
        self.stopping = threading.Event()
        self.deliveries = {"batches": 0, "messages": 0, "failed": 0, "crashed": 0}
        self.lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    def start(self):
        try:
            self.moto = Moto(self.work_dir, max_seconds=self.max_seconds)
            self.processes.append(self.moto)
            self._create_resources()
            self.front = ThreadingHTTPServer(("127.0.0.1", 0), self._s3_front_handler())
            self.front.daemon_threads = True
            threading.Thread(target=self.front.serve_forever, name="s3-front", daemon=True).start()
            self.endpoint = f"http://127.0.0.1:{self.front.server_address[1]}"
            self.s3 = self.moto.client("s3", endpoint=self.endpoint)
            credentials = {"AWS_ACCESS_KEY_ID": self.moto.access_key, "AWS_SECRET_ACCESS_KEY": self.moto.secret_key,
                           "AWS_REGION": REGION, "AWS_ENDPOINT_URL": self.moto.endpoint}
            ingest_environment = {**self.settings.ingest_environment, **credentials,
                                  "ALERT_TOPIC_ARN": self.alert_topic_arn, "WORK_QUEUE_URL": self.work_queue_url,
                                  "NOTIFICATION_QUEUE_ARN": self.notification_queue_arn,
                                  "INGEST_QUEUE_URL": self.queue_url}
            self.ingest = LambdaHost(RELEASE / "ingest", ingest_environment,
                                     timeout_ms=self.settings.ingest_timeout * 1000, max_seconds=self.max_seconds)
            self.processes.append(self.ingest)
            # Lambda runs the notification queue's invocations beside the others': a process of their own here.
            self.sorter = LambdaHost(RELEASE / "ingest", ingest_environment,
                                     timeout_ms=self.settings.ingest_timeout * 1000, max_seconds=self.max_seconds)
            self.processes.append(self.sorter)
            # The analytics function: the ingest bootstrap with its own settings, as template.yaml deploys it.
            self.analytics = LambdaHost(RELEASE / "ingest", {**self.settings.analytics_environment, **credentials},
                                        timeout_ms=self.settings.analytics_timeout * 1000, max_seconds=self.max_seconds)
            self.processes.append(self.analytics)
            # Upload forms are signed for the front, where browsers and `consumption upload` send them.
            self.query = LambdaHost(RELEASE / "query", {**self.settings.query_environment, **credentials,
                                                        "AWS_ENDPOINT_URL_S3": self.endpoint,
                                                        "TOKEN_SECRET_ARN": self.token_secret_arn,
                                                        "OPENAPI_PATH": str(OPENAPI),
                                                        "GRAPHQL_SCHEMA_PATH": str(GRAPHQL_SCHEMA),
                                                        "DASHBOARD_PATH": str(DASHBOARD)},
                                    timeout_ms=self.settings.query_timeout * 1000, max_seconds=self.max_seconds)
            self.processes.append(self.query)
            # S3's notifications carry no group and are delivered in order; the ingest and work queues' messages
            # carry their tenant and are delivered as fair queues deliver them.
            self.pollers = [
                threading.Thread(target=self._poll, args=(url, arn, size, host, fair),
                                 name=f"sqs-event-source-{name}", daemon=True)
                for name, url, arn, size, host, fair in (
                    ("notifications", self.notification_queue_url, self.notification_queue_arn,
                     self.settings.notification_batch_size, self.sorter, False),
                    ("ingest", self.queue_url, self.queue_arn, self.settings.batch_size, self.ingest, True),
                    ("work", self.work_queue_url, self.work_queue_arn, self.settings.work_batch_size, self.ingest,
                     True))]
            for poller in self.pollers:
                poller.start()
            self.stream_source = StreamEventSource(
                self.moto, self.stream_arn, self.ingest, batch_size=self.settings.stream_batch_size,
                sort_key_prefix=self.settings.stream_sort_key_prefix)
            self.folder = threading.Thread(target=self._fold, name="stream-event-source", daemon=True)
            self.folder.start()
            self.scheduler = threading.Thread(target=self._every, args=(self.analytics_every, self.run_analytics,
                                                                         "analytics"), name="analytics-schedule",
                                              daemon=True)
            self.scheduler.start()
            self.checker = threading.Thread(target=self._every, args=(self.settings.completeness_every,
                                                                       self.check_rosters, "completeness"),
                                            name="completeness-schedule", daemon=True)
            self.checker.start()
            self.gateway = ThreadingHTTPServer(("127.0.0.1", 0), self._gateway_handler())
            self.gateway.daemon_threads = True
            threading.Thread(target=self.gateway.serve_forever, name="api-gateway", daemon=True).start()
            self.api_url = f"http://127.0.0.1:{self.gateway.server_address[1]}"
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        self.stopping.set()
        for server in (getattr(self, "gateway", None), getattr(self, "front", None)):
            if server:
                server.shutdown()
                server.server_close()
        for thread in [*getattr(self, "pollers", []), getattr(self, "folder", None), getattr(self, "scheduler", None),
                       getattr(self, "checker", None)]:
            if thread:
                thread.join(timeout=30)
        for process in reversed(self.processes):
            process.stop()
        self.processes = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()

    # ------------------------------------------------------------------ resources, as template.yaml has them
    def _create_resources(self):
        s = self.settings
        self.s3, self.sqs, self.dynamodb = (self.moto.client(name) for name in ("s3", "sqs", "dynamodb"))
        self.notification_queue_url, self.notification_queue_arn, self.notification_dead_letter_url = self._queue(
            s.notification_queue, s.notification_dead_letter_queue)
        self.queue_url, self.queue_arn, self.dead_letter_url = self._queue(s.queue, s.dead_letter_queue)
        self.work_queue_url, self.work_queue_arn, self.work_dead_letter_url = self._queue(
            s.work_queue, s.work_dead_letter_queue)
        self.s3.create_bucket(Bucket=s.bucket)
        self.s3.put_bucket_versioning(Bucket=s.bucket, VersioningConfiguration={"Status": "Enabled"})
        configurations = []
        for index, notification in enumerate(s.notifications):
            rules = notification["Filter"]["S3Key"]["Rules"]
            configurations.append({"Id": f"incoming-{index}", "QueueArn": self.notification_queue_arn,
                                   "Events": [notification["Event"]],
                                   "Filter": {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}})
        self.s3.put_bucket_notification_configuration(Bucket=s.bucket, NotificationConfiguration={
            "QueueConfigurations": configurations})
        self.stream_arn = create_table(self.dynamodb, s.table)
        # The file-alert topic, with a queue subscribed to it where an operator's e-mail would be.
        self.alert_topic_arn, self.alert_queue_url = alert_inbox(self.moto, s.alert_topic)
        self.token_secret_arn = self.moto.client("secretsmanager").create_secret(
            Name=f"{s.table}-page-token", SecretString=json.dumps({"token": secrets.token_hex(24)}))["ARN"]
        # The API's usage plan (SAM's ConsumptionApiUsagePlan; its id is the stack's UsagePlanId output), in moto's
        # API Gateway, where the gateway below looks up each request's key as API Gateway does.
        self.apigateway = self.moto.client("apigateway")
        self.usage_plan_id = self.apigateway.create_usage_plan(
            name=f"daily-consumption-{s.api_stage}-usage-plan")["id"]
        self.api_key_ids = ApiKeyLookup(self.apigateway, self.usage_plan_id)
        self.api_key = self.add_api_key(self.tenant)

    def _queue(self, name, dead_letter_name):
        """A queue with its dead-letter queue, as the template has each: its URL, its ARN, and its DLQ's URL."""
        def arn(url):
            return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        dead = self.sqs.create_queue(QueueName=dead_letter_name)["QueueUrl"]
        url = self.sqs.create_queue(QueueName=name, Attributes={
            "VisibilityTimeout": str(self.visibility_timeout),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn(dead),
                                         "maxReceiveCount": self.settings.max_receive_count}),
        })["QueueUrl"]
        return url, arn(url), dead

    def add_api_key(self, tenant):
        """A new API key for `tenant`, as an operator adds a client in AWS (docs/deploying.md): created enabled in
        API Gateway, added to the usage plan, its id mapped in the table as `consumption keys add` does. Returns
        the key's value."""
        created = self.apigateway.create_api_key(name=f"{tenant}-{secrets.token_hex(4)}", enabled=True)
        self.apigateway.create_usage_plan_key(usagePlanId=self.usage_plan_id, keyId=created["id"], keyType="API_KEY")
        self.dynamodb.put_item(TableName=self.settings.table, Item={
            "pk": {"S": "APIKEYS"}, "sk": {"S": created["id"]}, "tenant": {"S": tenant}})
        return created["value"]

    # ------------------------------------------------------------------ S3's delete-marker events
    def _s3_front_handler(self):
        """Users reach S3 through this front, which forwards every request to moto unchanged and, after each delete
        that creates a delete marker under a notified prefix, queues the event moto does not send (see
        `queue_delete_marker_event`). A browser-style POST upload, which moto refuses with signatures checked, is
        checked here as S3 checks it (`s3_post_policy`) and stored with a PUT."""
        stack = self
        upstream = urllib.parse.urlsplit(self.moto.endpoint)

        class Front(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.command == "POST" and self.headers.get("Content-Type", "").startswith("multipart/form-data"):
                    return answer(self, body, {stack.moto.access_key: stack.moto.secret_key}, stack.s3)
                status, headers, data = forward(self, upstream, body)
                if 200 <= status < 300:
                    stack._after_delete(self.command, self.path, headers, data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

        return Front

    def _after_delete(self, method, path, headers, data):
        url = urllib.parse.urlsplit(path)
        parts = url.path.lstrip("/").split("/", 1)
        if parts[0] != self.settings.bucket:
            return
        deleted = []
        if method == "DELETE" and len(parts) == 2 and "versionId" not in url.query:
            if headers.get("x-amz-delete-marker") == "true":
                deleted.append(urllib.parse.unquote(parts[1]))
        elif method == "POST" and "delete" in urllib.parse.parse_qs(url.query, keep_blank_values=True):
            for element in ElementTree.fromstring(data).iter():
                if element.tag.endswith("Deleted"):
                    fields = {child.tag.split("}")[-1]: child.text for child in element}
                    if fields.get("DeleteMarker") == "true" and fields.get("Key"):
                        deleted.append(fields["Key"])
        prefixes = [rule["Value"] for n in self.settings.notifications if n["Event"] == "s3:ObjectRemoved:*"
                    for rule in n["Filter"]["S3Key"]["Rules"] if rule["Name"] == "prefix"]
        for key in deleted:
            if any(key.startswith(prefix) for prefix in prefixes):
                queue_delete_marker_event(self.sqs, self.notification_queue_url, self.settings.bucket, key)

    # ------------------------------------------------------------------ the SQS event source
    def _poll(self, queue_url, queue_arn, batch_size, host, fair):
        """One of the function's SQS event sources: receives up to BatchSize messages, hands them to `host` as one
        SQS event, and deletes those that did not fail. Failed ones (and a whole batch whose invocation failed) come
        back after the visibility timeout, and after maxReceiveCount deliveries SQS moves them to the dead-letter
        queue. A `fair` queue hands its messages out as SQS's fair queues do (`FairQueue`)."""
        waiting = FairQueue() if fair else None
        while not self.stopping.is_set():
            try:
                if fair:
                    tenants, messages = self._take_fairly(queue_url, batch_size, waiting)
                else:
                    messages = self.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=batch_size,
                                                        WaitTimeSeconds=1, AttributeNames=["All"]).get("Messages", [])
            except Exception as error:  # moto stopping under us at shutdown
                if self.stopping.is_set():
                    return
                print(f"poller: {error}", file=sys.stderr)
                time.sleep(1)
                continue
            if not messages:
                continue
            records = [sqs_record(message, queue_arn) for message in messages]
            batches = [records]
            if self.chaos:
                shuffled = records[:]
                self.chaos.shuffle(shuffled)
                batches = [shuffled, list(reversed(shuffled))]
            started = time.monotonic()
            failed = set()
            for batch in batches:
                failed |= self._deliver(host, batch)
            if fair:
                waiting.finished(tenants, time.monotonic() - started)
            for message in messages:
                if message["MessageId"] not in failed:
                    self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

    def _take_fairly(self, queue_url, batch_size, waiting):
        """The next batch of a fair queue, with each message's tenant. The poller sees the whole backlog, as SQS does: every visible message is
        received and held here, invisible for SQS's longest visibility timeout; a message handed out gets the
        queue's own timeout from then, as if received at that moment (each is received once per delivery, so
        receive counts stay true)."""
        for _ in range(1000):
            received = self.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=0 if len(waiting) else 1,
                                                VisibilityTimeout=HELD_SECONDS, AttributeNames=["All"])
            if not received.get("Messages"):
                break
            for message in received["Messages"]:
                waiting.add(message, message["Attributes"].get("MessageGroupId"))
        taken = waiting.take(batch_size)
        for _, message in taken:
            self.sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"],
                                               VisibilityTimeout=self.visibility_timeout)
        return [tenant for tenant, _ in taken], [message for _, message in taken]

    def _deliver(self, host, records):
        result = host.invoke({"Records": records})
        with self.lock:
            self.deliveries["batches"] += 1
            self.deliveries["messages"] += len(records)
        if result.get("outcome") != "ok":
            with self.lock:
                self.deliveries["crashed" if result.get("outcome") == "crashed" else "failed"] += len(records)
            return {r["messageId"] for r in records}
        failures = {item["itemIdentifier"] for item in (result["json"] or {}).get("batchItemFailures", [])}
        with self.lock:
            self.deliveries["failed"] += len(failures)
        return failures

    # ------------------------------------------------------------------ the table stream's event source
    def _fold(self):
        """Lambda's DynamoDB stream event source: the meter-day changes folded into the day sums as they come."""
        while not self.stopping.is_set():
            try:
                self.stream_source.drain(timeout=5)
            except Exception as error:  # moto stopping under us at shutdown
                if self.stopping.is_set():
                    return
                print(f"stream poller: {error}", file=sys.stderr)
            self.stopping.wait(0.5)

    # ------------------------------------------------------------------ the analytics schedule
    def _every(self, seconds, run, name):
        """An EventBridge schedule: `run` every `seconds` until the stack stops. A failed run is not retried (the
        template's RetryPolicy: the next run takes what is left)."""
        while not self.stopping.wait(seconds):
            try:
                run()
            except Exception as error:  # moto or the host stopping under us at shutdown
                if self.stopping.is_set():
                    return
                print(f"{name} schedule: {error}", file=sys.stderr)

    def run_analytics(self):
        """One run of the analytics function now, as its schedule makes it (a Scheduled Event); returns the
        function's answer (its summary)."""
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
                 "account": ACCOUNT, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "region": REGION,
                 "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{self.settings.analytics_rule}"], "detail": {}}
        with self.lock:
            self.deliveries["schedules"] = self.deliveries.get("schedules", 0) + 1
        return self.analytics.invoke(event, timeout=self.settings.analytics_timeout + 30)

    def check_rosters(self):
        """One run of the rosters' check now, as the ingest function's hourly schedule makes it (its rule's Input,
        `{"completeness": {}}`); returns the function's answer."""
        return self.ingest.invoke(self.settings.completeness_input, timeout=self.settings.ingest_timeout + 30)

    def alerts(self):
        """The file alerts published so far (each message's JSON), taken from the subscribed queue."""
        return drain_alerts(self.sqs, self.alert_queue_url)

    def queue_depth(self):
        """Messages waiting or in flight on the function's queues."""
        depth = 0
        for url in (self.notification_queue_url, self.queue_url, self.work_queue_url):
            attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            depth += int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])
        return depth

    def wait_until_idle(self, timeout=600):
        """Until the queue is empty, nothing is in flight and the day sums have caught up (or the timeout passes:
        False)."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while time.monotonic() < deadline:
            quiet = quiet + 1 if self.queue_depth() == 0 else 0
            if quiet >= 3:
                # Nothing more will change a meter-day: fold what the stream still holds, then the sums are whole.
                return self.stream_source.drain(timeout=max(1, deadline - time.monotonic()))
            time.sleep(0.5)
        return False

    # ------------------------------------------------------------------ the API gateway
    def _match(self, path):
        """The route of a path and its parameters, as API Gateway's resource tree matches them. API Gateway is
        reported to decode `%2F` before it matches (a meter id `NMI/E1` sent as `NMI%2FE1` is two segments to it),
        so the local gateway does too: the API must route such ids either way. Each parameter is decoded once."""
        segments = re.sub("%2[Ff]", "/", path.strip("/")).split("/")
        for template, method, key_required in self.settings.routes:
            parts = template.strip("/").split("/")
            parameters = {}
            if parts and parts[-1].endswith("+}"):
                head = len(parts) - 1
                if len(segments) > head and segments[:head] == parts[:head]:
                    parameters[parts[-1][1:-2]] = urllib.parse.unquote("/".join(segments[head:]))
                    return template, method, key_required, parameters
                continue
            if len(parts) != len(segments):
                continue
            for part, segment in zip(parts, segments):
                if part.startswith("{"):
                    parameters[part[1:-1]] = urllib.parse.unquote(segment)
                elif part != segment:
                    break
            else:
                return template, method, key_required, parameters
        return None

    def _gateway_handler(self):
        stack = self

        class Gateway(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def _send(self, status, headers, body):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        # The caller hung up (a browser that had what it needed): no one is left to answer.
                        self.close_connection = True

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urllib.parse.urlsplit(self.path)
                route = stack._match(url.path)
                if route is None:
                    # API Gateway's own answer for a path no resource matches.
                    return self._send(403, {"Content-Type": "application/json"}, b'{"message":"Missing Authentication Token"}')
                template, method, key_required, parameters = route
                key_id = None
                if key_required:
                    key_id = stack.api_key_ids.find(self.headers.get("x-api-key", ""))
                    if key_id is None:
                        return self._send(403, {"Content-Type": "application/json"}, b'{"message":"Forbidden"}')
                event = apigw.v1(url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True), self.command,
                                 dict(self.headers.items()), api_key_id=key_id, path_parameters=parameters,
                                 body=body, resource=template,
                                 source=(self.client_address[0], self.headers.get("User-Agent", "")),
                                 stage=stack.settings.api_stage, api_id="local")
                result = stack.query.invoke(event, timeout=60)
                if result.get("outcome") != "ok":
                    return self._send(502, {"Content-Type": "application/json"}, b'{"message":"Internal server error"}')
                proxy = json.loads(result["body"])
                payload = proxy.get("body") or ""
                data = base64.b64decode(payload) if proxy.get("isBase64Encoded") else payload.encode()
                return self._send(proxy["statusCode"], proxy.get("headers") or {}, data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any

        return Gateway
