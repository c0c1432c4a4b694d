#!/usr/bin/env python3
"""A local AWS Lambda Runtime API emulator: runs a real `bootstrap` binary the way Lambda does and feeds it events.

  local_lambda.py --bootstrap PATH [--timeout-ms 3000] [--env NAME=VALUE ...] [--max-seconds 600]

It listens on 127.0.0.1 at a free port, printed as the first line of output, and serves on that port both
  - the Runtime API the bootstrap polls (AWS_LAMBDA_RUNTIME_API points at it):
      GET  /2018-06-01/runtime/invocation/next, POST .../{id}/response, POST .../{id}/error, POST .../init/error
  - a control API for tests, the demo and benchmarks:
      POST /invoke  body = the event; header X-Trace-Id optional -> JSON {outcome, body, errorType, errorMessage,
                    durationMs, initMs}; outcome is ok | error | timeout | crashed | init-error
      GET  /stats   -> JSON {starts, initMs: [...], invocations}
      POST /stop    -> stops the bootstrap
The bootstrap starts on the first invocation (a cold start, timed from spawn to its first GET /next). An invocation
that outlives --timeout-ms is failed and the process killed and started afresh on the next one, as Lambda does.
Invocations are handed out one at a time. The emulator stops by itself after --max-seconds.
"""
import argparse
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RUNTIME = "/2018-06-01/runtime"


class Invocation:
    def __init__(self, event, trace_id, timeout_ms):
        self.id = str(uuid.uuid4())
        self.event = event
        self.trace_id = trace_id or f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0"
        self.deadline_ms = int(time.time() * 1000) + timeout_ms
        self.done = threading.Event()
        self.handed_out = threading.Event()
        self.result = None
        self.started = time.monotonic()


class Function:
    """The bootstrap process and the invocations waiting for it."""

    def __init__(self, bootstrap, env, timeout_ms, port):
        self.bootstrap, self.env, self.timeout_ms, self.port = bootstrap, env, timeout_ms, port
        self.process = None
        self.spawned_at = None
        self.init_ms = []
        self.first_poll = threading.Event()
        self.init_error = None
        self.pending = queue.Queue()
        self.in_flight = {}
        self.lock = threading.Lock()
        self.invocations = 0
        self.invoke_lock = threading.Lock()  # one invocation at a time, as Lambda gives one process

    def ensure_started(self):
        if self.process and self.process.poll() is None:
            return
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{self.port}",
               "AWS_LAMBDA_FUNCTION_NAME": "local", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512", "AWS_REGION": "us-east-1", "_HANDLER": "bootstrap",
               "LAMBDA_TASK_ROOT": os.path.dirname(os.path.abspath(self.bootstrap)), "TZ": ":UTC"}
        env.update(self.env)
        # A new queue for the new process: a poll left hanging by a killed one must not take its invocations.
        self.pending = queue.Queue()
        self.first_poll.clear()
        self.init_error = None
        self.spawned_at = time.monotonic()
        # The function's log lines go to our standard error: standard output carries only the port.
        self.process = subprocess.Popen([self.bootstrap], env=env, stdout=sys.stderr, stdin=subprocess.DEVNULL,
                                        start_new_session=True)

    def stop(self):
        """Kills the bootstrap and everything it started (its process group), as Lambda discards an environment."""
        if self.process:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()

    def invoke(self, event, trace_id):
        with self.invoke_lock:
            self.ensure_started()
            invocation = Invocation(event, trace_id, self.timeout_ms)
            self.pending.put(invocation)
            # As Lambda: up to 10 s for start-up, then the function's timeout from the moment it is handed out.
            start_by = time.monotonic() + 10
            while not invocation.handed_out.wait(0.01):
                problem = self._problem()
                if problem or time.monotonic() > start_by:
                    self._drop(invocation)
                    self.stop()
                    return problem or {"outcome": "init-timeout"}
            finish_by = time.monotonic() + self.timeout_ms / 1000
            while not invocation.done.wait(0.01):
                problem = self._problem()
                if problem or time.monotonic() > finish_by:
                    self._drop(invocation)
                    self.stop()  # Lambda kills a timed-out environment and starts a new one
                    return problem or {"outcome": "timeout", "durationMs": self.timeout_ms}
            self.invocations += 1
            return invocation.result

    def _problem(self):
        if self.init_error is not None:
            return {"outcome": "init-error", **self.init_error}
        if self.process.poll() is not None:
            return {"outcome": "crashed", "exitStatus": self.process.returncode}
        return None

    def _drop(self, invocation):
        with self.lock:
            self.in_flight.pop(invocation.id, None)
        try:
            while True:
                self.pending.get_nowait()
        except queue.Empty:
            pass

    def next_invocation(self):
        if not self.first_poll.is_set():
            self.init_ms.append(round((time.monotonic() - self.spawned_at) * 1000, 3))
            self.first_poll.set()
        invocation = self.pending.get()
        with self.lock:
            self.in_flight[invocation.id] = invocation
        invocation.started = time.monotonic()
        invocation.deadline_ms = int(time.time() * 1000) + self.timeout_ms
        invocation.handed_out.set()
        return invocation

    def complete(self, request_id, result):
        with self.lock:
            invocation = self.in_flight.pop(request_id, None)
        if invocation is None:
            return False
        result["durationMs"] = round((time.monotonic() - invocation.started) * 1000, 3)
        result["initMs"] = self.init_ms[-1] if self.init_ms else None
        invocation.result = result
        invocation.done.set()
        return True


def make_handler(function):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            # Small answers in two writes would otherwise wait for a delayed ACK (40 ms).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _send(self, status, body=b"", headers=None):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def do_GET(self):
            if self.path == f"{RUNTIME}/invocation/next":
                invocation = function.next_invocation()
                self._send(200, invocation.event, {
                    "Lambda-Runtime-Aws-Request-Id": invocation.id,
                    "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                    "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:local",
                    "Lambda-Runtime-Trace-Id": invocation.trace_id,
                    "Content-Type": "application/json"})
            elif self.path == "/stats":
                stats = {"starts": len(function.init_ms), "initMs": function.init_ms,
                         "invocations": function.invocations}
                self._send(200, json.dumps(stats).encode(), {"Content-Type": "application/json"})
            else:
                self._send(404, b'{"errorMessage":"no such path"}')

        def do_POST(self):
            body = self._body()
            parts = self.path.split("/")
            if self.path == "/invoke":
                result = function.invoke(body, self.headers.get("X-Trace-Id"))
                self._send(200, json.dumps(result).encode(), {"Content-Type": "application/json"})
            elif self.path == "/stop":
                function.stop()
                self._send(200, b"{}")
            elif self.path == f"{RUNTIME}/init/error":
                error = json.loads(body or b"{}")
                function.init_error = {"errorType": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                                       "errorMessage": error.get("errorMessage")}
                self._send(202, b'{"status":"OK"}')
            elif self.path.startswith(f"{RUNTIME}/invocation/") and parts[-1] in ("response", "error"):
                request_id = parts[-2]
                if parts[-1] == "response":
                    result = {"outcome": "ok", "body": body.decode("utf-8", "replace")}
                else:
                    error = json.loads(body or b"{}")
                    result = {"outcome": "error", "errorType": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                              "errorMessage": error.get("errorMessage"), "body": body.decode("utf-8", "replace")}
                if function.complete(request_id, result):
                    self._send(202, b'{"status":"OK"}')
                else:
                    self._send(400, b'{"errorMessage":"unknown or expired request id","errorType":"InvalidRequestID"}')
            else:
                self._send(404, b'{"errorMessage":"no such path"}')

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a killed bootstrap drops its connection mid-request: expected here, not worth a traceback


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--timeout-ms", type=int, default=3000)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    env = dict(item.split("=", 1) for item in args.env)
    server = Server(("127.0.0.1", 0), None)
    function = Function(args.bootstrap, env, args.timeout_ms, server.server_address[1])
    server.RequestHandlerClass = make_handler(function)

    def shut_down(*_):
        function.stop()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    limit = threading.Timer(args.max_seconds, shut_down)
    limit.daemon = True  # it must not keep the process alive once the server has stopped
    limit.start()
    print(server.server_address[1], flush=True)
    server.serve_forever()
    function.stop()


if __name__ == "__main__":
    main()
