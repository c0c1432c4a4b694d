#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of moto, for the ingest function's throttling and crash tests.

  fault_proxy.py UPSTREAM_URL [MAX_SECONDS [CERTIFICATE KEY]]

Prints its port as the first line. Requests are forwarded unchanged (the Host header too, so SigV4 signatures made
for the proxy's address still verify upstream). Control, under /__proxy/:
  POST /__proxy/config  {"throttleEvery": N, "throttleTargets": ["BatchWriteItem", ...] | null,
                         "killPid": PID, "killAt": K}
    throttleEvery: every N-th matching request is refused as AWS throttles (DynamoDB 400 ThrottlingException,
    S3 503 SlowDown); throttleTargets limits that to those DynamoDB operations (null: every request).
    killAt: the K-th request from now is not forwarded; PID gets SIGKILL instead (a crash between two requests).
  POST /__proxy/config  {"holdMatching": "T#t#SETTLE", "holdOccurrence": K}
    the K-th DynamoDB request from now whose body holds that text waits, unforwarded, until POST /__proxy/release
    (at most 120 s): an invocation paused between two of its requests while others go on.
  POST /__proxy/config  {"listPrefix": "incoming/", "deniedKeys": ["incoming/t/a.csv", ...]}
    listPrefix: S3 as it answers a role allowed s3:ListBucket only under that prefix: a listing of another prefix
    and a HEAD of the bucket are 403 AccessDenied, and so is a HEAD or GET of a key that has no object (S3 says
    404 only to a caller allowed to list the whole bucket). deniedKeys: a HEAD or GET of these keys is 403 though
    they exist (a refusal for another reason, as a KMS key policy would give).
  POST /__proxy/config  {"paceBytesPerSecond": N, "stallAfterBytes": K}
    paceBytesPerSecond: every object body (GET 200 or 206) is sent at N bytes a second, slow but steady.
    stallAfterBytes: the next object body stops after K bytes and the connection then hangs without a byte
    (until the client gives up, at most 120 s): a stalled stream, once.
  GET  /__proxy/stats   {"requests": n, "throttled": n, "killed": bool, "holding": bool, "operations": {"DynamoDB Query": n, "S3 GET": n},
                         "capacity": {"writeUnits": n, "readUnits": n, "readBytes": n, "readItems": n,
                                      "indexWriteUnits": n}}
    capacity: what the DynamoDB requests that passed would cost on AWS, by DynamoDB's rules (tools/dynamodb_size.py):
    puts by their items' sizes, an UpdateItem or a delete as one unit (the items it updates are under 1 KB), reads
    by the sizes of the items returned; readBytes is the size of those items, readItems their number;
    indexWriteUnits what the writes add to the DayMeters index (a unit per entry they put, change or remove).
Stops after MAX_SECONDS (default 900) or on SIGTERM.
"""
import json
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse


from dynamodb_size import item_size, read_units, write_units
from local_aws import fetch, relay

UPSTREAM = urlparse(sys.argv[1])
LOCK = threading.Lock()
STATE = {"requests": 0, "throttled": 0, "killed": False, "config": {}, "matching": 0, "operations": {},
         "capacity": {"writeUnits": 0, "readUnits": 0.0, "readBytes": 0, "readItems": 0, "indexWriteUnits": 0},
         "holdMatches": 0, "holding": False}
RELEASED = threading.Event()


def capacity(operation, request, answer):
    """(write units, read units, bytes read, items read) of one DynamoDB exchange that succeeded."""
    consistent = request.get("ConsistentRead", False)
    if operation == "PutItem":
        return write_units(item_size(request["Item"])), 0, 0, 0
    if operation in ("UpdateItem", "DeleteItem"):
        return 1, 0, 0, 0
    if operation == "BatchWriteItem":
        done = [entry for entries in request["RequestItems"].values() for entry in entries]
        left = [entry for entries in answer.get("UnprocessedItems", {}).values() for entry in entries]
        units = sum(write_units(item_size(e["PutRequest"]["Item"])) if "PutRequest" in e else 1 for e in done)
        units -= sum(write_units(item_size(e["PutRequest"]["Item"])) if "PutRequest" in e else 1 for e in left)
        return units, 0, 0, 0
    if operation == "GetItem":
        size = item_size(answer.get("Item", {}))
        return 0, read_units(size, consistent), size, 1 if "Item" in answer else 0
    if operation == "Query":
        items = answer.get("Items", [])
        size = sum(item_size(item) for item in items)
        return 0, read_units(size, consistent), size, len(items)
    if operation == "BatchGetItem":
        sizes = [item_size(item) for items in answer.get("Responses", {}).values() for item in items]
        strong = all(table.get("ConsistentRead", False) for table in request["RequestItems"].values())
        return 0, sum(read_units(size, strong) for size in sizes), sum(sizes), len(sizes)
    return 0, 0, 0, 0


INDEX_KEY = "dayShard"


def index_write_units(operation, request):
    """What a write that passed adds to the DayMeters index (a global secondary index is written apart, at one
    unit per entry under 1 KB): a put of an item with its key, or an update that sets or removes it — an offer or a
    recompute, whose reading is a projected attribute. A bump of `generation` alone touches no projected attribute."""
    if operation == "PutItem":
        return 1 if INDEX_KEY in request["Item"] else 0
    if operation == "UpdateItem":
        return 1 if INDEX_KEY in request.get("ExpressionAttributeNames", {}).values() else 0
    if operation == "BatchWriteItem":
        return sum(1 for entries in request["RequestItems"].values() for entry in entries
                   if INDEX_KEY in entry.get("PutRequest", {}).get("Item", {}))
    return 0


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def reply(self, status, body, content_type="application/json", close=False):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def control(self, body):
        if self.command == "POST" and self.path == "/__proxy/config":
            with LOCK:
                STATE["config"] = json.loads(body or b"{}")
                STATE["requests"] = STATE["throttled"] = STATE["matching"] = 0
                STATE["killed"] = STATE["holding"] = False
                STATE["holdMatches"] = 0
                RELEASED.clear()
                STATE["operations"] = {}
                STATE["capacity"] = {"writeUnits": 0, "readUnits": 0.0, "readBytes": 0, "readItems": 0,
                                     "indexWriteUnits": 0}
            return self.reply(200, b"{}")
        if self.command == "POST" and self.path == "/__proxy/release":
            RELEASED.set()
            return self.reply(200, b"{}")
        with LOCK:
            stats = {name: STATE[name]
                     for name in ("requests", "throttled", "killed", "holding", "operations", "capacity")}
        return self.reply(200, json.dumps(stats).encode())

    def fault(self):
        """What to do instead of forwarding, if anything."""
        target = (self.headers.get("x-amz-target") or "").split(".")[-1]
        operation = f"DynamoDB {target}" if target else f"S3 {self.command}"
        with LOCK:
            STATE["requests"] += 1
            STATE["operations"][operation] = STATE["operations"].get(operation, 0) + 1
            config = STATE["config"]
            if config.get("killAt") and STATE["requests"] == config["killAt"]:
                STATE["killed"] = True
                return "kill"
            every = config.get("throttleEvery")
            targets = config.get("throttleTargets")
            if every and (targets is None or target in targets):
                STATE["matching"] += 1
                if STATE["matching"] % every == 0:
                    STATE["throttled"] += 1
                    return "throttle-dynamodb" if target else "throttle-s3"
        return None

    def held(self, body):
        """Whether this DynamoDB request is the one `holdMatching` and `holdOccurrence` pick to wait."""
        with LOCK:
            text = STATE["config"].get("holdMatching")
            if text is None or text.encode() not in body:
                return False
            STATE["holdMatches"] += 1
            if STATE["holdMatches"] != STATE["config"]["holdOccurrence"]:
                return False
            STATE["holding"] = True
            return True

    def object_key(self):
        """The key of a path-style object request (`/bucket/key`), None for a bucket-level one."""
        path = unquote(urlparse(self.path).path)
        _, _, key = path.lstrip("/").partition("/")
        return key or None

    def denied_by_policy(self):
        """Whether the scoped grants of `listPrefix` and `deniedKeys` refuse this S3 request outright."""
        config = STATE["config"]
        key = self.object_key()
        if key is not None:
            return self.command in ("HEAD", "GET") and key in config.get("deniedKeys", [])
        prefix = config.get("listPrefix")
        if prefix is None:
            return False
        if self.command == "HEAD":
            return True
        listed = parse_qs(urlparse(self.path).query).get("prefix", [""])[0]
        return self.command == "GET" and not listed.startswith(prefix)

    def access_denied(self):
        with LOCK:
            STATE["operations"]["S3 AccessDenied"] = STATE["operations"].get("S3 AccessDenied", 0) + 1
        return self.reply(403, b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                               b"<Message>Access Denied</Message></Error>", "application/xml")

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/__proxy/"):
            return self.control(body)
        fault = self.fault()
        if fault == "kill":
            os.kill(STATE["config"]["killPid"], signal.SIGKILL)
            return self.reply(500, b"", close=True)
        if fault == "throttle-dynamodb":
            return self.reply(400, json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                                               "message": "Rate of requests exceeds the allowed throughput."}).encode(),
                              "application/x-amz-json-1.0")
        if fault == "throttle-s3":
            return self.reply(503, b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                                   b"<Message>Please reduce your request rate.</Message></Error>", "application/xml")
        target = (self.headers.get("x-amz-target") or "").split(".")[-1]
        if not target:
            return self.s3(body)
        if self.held(body):
            RELEASED.wait(timeout=120)
        status, headers, data = fetch(self, UPSTREAM, body)
        conditional_failure = status == 400 and b"ConditionalCheckFailed" in data
        if 200 <= status < 300 or conditional_failure:
            # A failed condition costs the write it would have been.
            request = json.loads(body)
            units = (1, 0, 0, 0) if conditional_failure else capacity(target, request, json.loads(data))
            index = 0 if conditional_failure else index_write_units(target, request)
            with LOCK:
                for name, value in zip(("writeUnits", "readUnits", "readBytes", "readItems", "indexWriteUnits"),
                                       (*units, index)):
                    STATE["capacity"][name] += value
        # Counted before the answer goes back: a caller that asks for the stats once answered finds its request in them.
        relay(self, status, headers, data)

    def s3(self, body):
        """S3 (and the other query-protocol services) through the scoped grants of `listPrefix` and `deniedKeys`."""
        if self.denied_by_policy():
            return self.access_denied()
        status, headers, data = fetch(self, UPSTREAM, body)
        if status == 404 and self.object_key() is not None and STATE["config"].get("listPrefix") is not None:
            return self.access_denied()
        if self.command == "GET" and status in (200, 206) and self.object_key() is not None:
            return self.send_body_slowly(status, headers, data)
        return relay(self, status, headers, data)

    def send_body_slowly(self, status, headers, data):
        """An object's body as `paceBytesPerSecond` and `stallAfterBytes` say (unchanged when neither is set)."""
        with LOCK:
            config = STATE["config"]
            pace = config.get("paceBytesPerSecond")
            stall = config.pop("stallAfterBytes", None)
            if stall is not None:
                STATE["operations"]["S3 stalled"] = STATE["operations"].get("S3 stalled", 0) + 1
        if pace is None and stall is None:
            return relay(self, status, headers, data)
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        piece = max(1, (pace or len(data)) // 10)
        try:
            for start in range(0, len(data), piece):
                if stall is not None and start >= stall:
                    self.wfile.flush()
                    time.sleep(120)  # no byte: the client's stall limit must end this
                    return
                self.wfile.write(data[start:start + piece])
                self.wfile.flush()
                if pace:
                    time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.daemon_threads = True
    if len(sys.argv) > 4:  # HTTPS, with this certificate and key
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait(float(sys.argv[2]) if len(sys.argv) > 2 else 900)
    server.shutdown()


if __name__ == "__main__":
    main()
