#!/usr/bin/env python3
"""A local HTTP/1.1 server for the HTTP client's tests, on 127.0.0.1 and a free port (printed as the first line of
standard output). It counts connections and concurrent requests so keep-alive and parallelism can be checked.

  GET  /echo            -> JSON: method, path, headers, body (also for POST/PUT/DELETE; HEAD gets headers only)
  GET  /bytes?n=N       -> N bytes of a repeating pattern, sent in 64 KiB pieces; with &stallAfter=K&holdMs=M,
                           after K bytes not a byte more for M ms, then the connection is closed
  GET  /slow?ms=M       -> waits M ms, then answers
  GET  /status?code=C   -> answers with status C
  GET  /reset           -> closes the connection without answering
  GET  /stats           -> JSON: connections accepted, most requests in flight at once
  ANY  /flaky?key=K&fail=N&code=C&body=B -> the first N requests for K fail (status C with a canned AWS error
                           body B, or B=reset: the connection is closed), the rest answer 200 {"ok":true}
"""
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
STATS = {"connections": 0, "inFlight": 0, "maxInFlight": 0}
FLAKY = {}  # key -> failures served so far
FAULT_BODIES = {
    "throttle": b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}',
    "throughput": b'{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow"}',
    "validation": b'{"__type":"com.amazon.coral.validate#ValidationException","message":"bad request"}',
    "conditional": b'{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"no"}',
    "slowdown": b'<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
    "internal": b'<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>',
    "garbage": b'\x00\xffnot an error body',
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1

    def log_message(self, *args):
        pass

    def _answer(self, status, body=b"", content_type="application/json"):
        if status in (204, 304):
            body = b""  # these statuses carry no body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self):
        with LOCK:
            STATS["inFlight"] += 1
            STATS["maxInFlight"] = max(STATS["maxInFlight"], STATS["inFlight"])
        try:
            self._route()
        finally:
            with LOCK:
                STATS["inFlight"] -= 1

    def _route(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target", "")
        if self.command == "POST" and url.path == "/" and target.startswith("DynamoDB_20120810."):
            self._fake_dynamodb(target.split(".", 1)[1], json.loads(body or b"{}"))
        elif url.path == "/echo":
            echo = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                    "body": body.decode("utf-8", "replace")}
            self._answer(200, json.dumps(echo).encode())
        elif url.path == "/bytes":
            total = int(query.get("n", "0"))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            piece = bytes(range(256)) * 256
            sent = 0
            stall = int(query.get("stallAfter", total))
            while sent < total:
                if sent >= stall:
                    self.wfile.flush()
                    time.sleep(int(query.get("holdMs", "0")) / 1000)
                    self.close_connection = True
                    return
                chunk = piece[: min(len(piece), total - sent, max(1, stall - sent))]
                self.wfile.write(chunk)
                sent += len(chunk)
        elif url.path == "/slow":
            time.sleep(int(query.get("ms", "1000")) / 1000)
            self._answer(200, b"{}")
        elif url.path == "/status":
            self._answer(int(query.get("code", "200")), b'{"status":"as asked"}')
        elif url.path == "/reset":
            self.close_connection = True
            self.connection.shutdown(2)
        elif url.path.startswith("/flaky"):
            key = query.get("key", "")
            with LOCK:
                served = FLAKY.get(key, 0)
                FLAKY[key] = served + 1
            if served < int(query.get("fail", "0")):
                if query.get("body") == "reset":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if query.get("body") == "truncate":  # promises 100 bytes, sends 10, hangs up
                    self.send_response(200)
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    self.wfile.write(b"0123456789")
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self._answer(int(query.get("code", "500")), FAULT_BODIES.get(query.get("body", ""), b""))
            else:
                self._answer(200, json.dumps({"ok": True, "attempt": served + 1}).encode())
        elif url.path == "/stats":
            with LOCK:
                self._answer(200, json.dumps(STATS).encode())
        else:
            self._answer(404, b'{"error":"no such path"}')

    def _fake_dynamodb(self, operation, request):
        """Batch operations that leave half their items unprocessed on every first try, as a throttled table does."""
        with LOCK:
            STATS.setdefault("calls", {}).setdefault(operation, 0)
            STATS["calls"][operation] += 1
            STATS.setdefault("sizes", {}).setdefault(operation, []).append(
                sum(len(v) if isinstance(v, list) else len(v.get("Keys", [])) for v in request["RequestItems"].values()))
        (table, items), = request["RequestItems"].items()
        entries = items if operation == "BatchWriteItem" else items["Keys"]
        # The first half of the entries never seen before stays unprocessed; an entry seen before goes through.
        with LOCK:
            fresh = [e for e in entries[: len(entries) // 2] if json.dumps(e, sort_keys=True) not in FLAKY]
            for entry in entries:
                FLAKY[json.dumps(entry, sort_keys=True)] = 1
        leftover_ids = {json.dumps(e, sort_keys=True) for e in fresh}
        served = [e for e in entries if json.dumps(e, sort_keys=True) not in leftover_ids]
        if operation == "BatchWriteItem":
            answer = {"UnprocessedItems": {table: fresh} if fresh else {}}
        else:
            answer = {"Responses": {table: [dict(k, v={"N": "1"}) for k in served]},
                      "UnprocessedKeys": {table: {"Keys": fresh}} if fresh else {}}
        self._answer(200, json.dumps(answer).encode(), "application/x-amz-json-1.0")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    # A parent's threads may have blocked SIGTERM; the test harness stops this server with it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    # Stops by itself after a while, should its parent forget it.
    threading.Timer(float(sys.argv[1]) if len(sys.argv) > 1 else 600, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
