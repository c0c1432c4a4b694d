import AWSServices
import AWSSigV4
import CurlHTTP
import TestSupport
import Testing
import Timekeeping

/// An AWS client pointed at the fault-injecting test server for every service.
private func faultyClient(_ server: ServerProcess, policy: RetryPolicy) throws -> AWSClient {
    let configuration = AWSConfiguration(
        credentials: AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "secret"), region: "us-east-1",
        endpoints: ["s3": server.baseURL, "dynamodb": server.baseURL])
    return AWSClient(configuration: configuration, http: try CurlHTTPClient(), retryPolicy: policy)
}

private let quickPolicy = RetryPolicy(
    maxAttempts: 5, baseDelayMilliseconds: 5, maxDelayMilliseconds: 40,
    maxTotalMilliseconds: 5_000)

@Suite("Retries: backoff with jitter on what is transient, never on what is not", .serialized, .timeLimit(.minutes(1)))
final class RetryTests {
    let server: ServerProcess

    init() throws {
        server = try ServerProcess([testPython, "Tests/Servers/http_test_server.py", "120"])
    }

    deinit {
        server.stop()
    }

    private func flaky(_ name: String, fail: Int, code: Int, body: String) -> AWSRequest {
        AWSRequest(
            service: "s3", method: "GET", path: "/flaky",
            query: [
                ("key", "\(name)-\(UInt64.random(in: 0...UInt64.max))"), ("fail", "\(fail)"),
                ("code", "\(code)"), ("body", body),
            ])
    }

    @Test(
        "throttling, SlowDown, 5xx and dropped connections are retried until they pass",
        arguments: [
            (503, "slowdown"), (400, "throttle"), (400, "throughput"), (500, "internal"), (502, "garbage"),
            (0, "reset"),
            (200, "truncate"),
        ])
    func transientFaults(code: Int, body: String) throws {
        let client = try faultyClient(server, policy: quickPolicy)
        let response = try client.send(flaky(body, fail: 3, code: code, body: body))
        #expect(response.status == 200)
        #expect(client.attempts == 4)
        // An error answer is an answer; a dropped connection may hide a request that was applied.
        #expect(client.unanswered == (["reset", "truncate"].contains(body) ? 3 : 0))
    }

    @Test("validation errors and failed conditions are not retried", arguments: ["validation", "conditional"])
    func permanentFaults(body: String) throws {
        let client = try faultyClient(server, policy: quickPolicy)
        #expect(throws: AWSError.self) { try client.send(self.flaky(body, fail: 1, code: 400, body: body)) }
        #expect(client.attempts == 1)
        do {
            _ = try client.send(flaky(body, fail: 1, code: 400, body: body))
        } catch {
            #expect(error.code == (body == "validation" ? "ValidationException" : "ConditionalCheckFailedException"))
        }
    }

    @Test("a fault that outlasts the attempts ends with the last error, within the time budget")
    func boundedAttempts() throws {
        let client = try faultyClient(server, policy: quickPolicy)
        let start = ContinuousClock.now
        #expect(throws: AWSError.self) {
            try client.send(self.flaky("forever", fail: 100, code: 503, body: "slowdown"))
        }
        #expect(client.attempts == 5)
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("no retry starts past the caller's deadline")
    func deadline() throws {
        let client = try faultyClient(
            server,
            policy: RetryPolicy(
                maxAttempts: 50, baseDelayMilliseconds: 200,
                maxDelayMilliseconds: 200, maxTotalMilliseconds: 60_000))
        var request = flaky("deadline", fail: 100, code: 500, body: "internal")
        request.deadline = .after(milliseconds: 700)
        let start = ContinuousClock.now
        do {
            _ = try client.send(request)
            Issue.record("expected to stop at the deadline")
        } catch {
            guard case .deadline = error else { Issue.record("got \(error)"); return }
        }
        #expect(ContinuousClock.now - start < .milliseconds(1500))
    }
}
