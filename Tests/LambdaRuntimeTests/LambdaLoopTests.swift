import Glibc
import JSON
import LambdaRuntime
import Synchronization
import Testing
import Timekeeping

/// An in-memory Runtime API: hands out queued invocations and records what the loop posts back.
final class FakeRuntimeAPI: RuntimeAPIClient {
    var pending: [(InvocationMetadata, [UInt8])]
    var responses: [(String, [UInt8])] = []
    var errors: [(String, LambdaError)] = []
    var initErrors: [LambdaError] = []

    init(events: [(String, String)], traceID: String? = "Root=1-abc") throws {
        pending = try events.map { id, body in
            var headers = [
                (name: RuntimeHeader.requestID, value: id),
                (RuntimeHeader.deadline, "\(WallClock.nowMilliseconds() + 5000)"),
                (RuntimeHeader.functionARN, "arn:aws:lambda:eu-west-1:123456789012:function:ingest"),
            ]
            if let traceID { headers.append((RuntimeHeader.traceID, "\(traceID)-\(id)")) }
            return (try InvocationMetadata(headers: headers), Array(body.utf8))
        }
    }

    func next() throws(LambdaError) -> (InvocationMetadata, [UInt8]) {
        guard !pending.isEmpty else { throw LambdaError(errorType: "Test.NoMoreEvents", errorMessage: "done") }
        return pending.removeFirst()
    }

    func respond(requestID: String, body: [UInt8]) throws(LambdaError) { responses.append((requestID, body)) }
    func fail(requestID: String, error: LambdaError) throws(LambdaError) { errors.append((requestID, error)) }
    func failInit(_ error: LambdaError) throws(LambdaError) { initErrors.append(error) }
}

struct Refusal: LambdaErrorConvertible {
    var lambdaError: LambdaError {
        LambdaError(errorType: "CSVValidationError", errorMessage: "line 3: invalid-number")
    }
}

private let quiet = LambdaLogger(usesJSON: true, minimumLevel: .fatal) { _ in }

@Suite("The runtime loop, driven by an in-memory Runtime API")
struct LambdaLoopTests {
    @Test("each invocation's result is posted as its response")
    func success() throws {
        let api = try FakeRuntimeAPI(events: [("r1", "{\"n\":1}"), ("r2", "{\"n\":2}")])
        try Lambda.runLoop(client: api, logger: quiet, maxInvocations: 2) { context, event in
            Array("\(context.requestID):".utf8) + event
        }
        #expect(api.responses.map(\.0) == ["r1", "r2"])
        #expect(api.responses.map { String(decoding: $0.1, as: UTF8.self) } == ["r1:{\"n\":1}", "r2:{\"n\":2}"])
        #expect(api.errors.isEmpty)
    }

    @Test("a thrown error is posted with its stable type, and the loop goes on")
    func thrownErrors() throws {
        let api = try FakeRuntimeAPI(events: [("r1", "x"), ("r2", "y"), ("r3", "z")])
        try Lambda.runLoop(client: api, logger: quiet, maxInvocations: 3) { context, _ in
            switch context.requestID {
            case "r1": throw Refusal()
            case "r2": throw JSONSyntaxError(offset: 0, reason: "unexpected character")
            default: return Array("ok".utf8)
            }
        }
        #expect(api.errors.map(\.0) == ["r1", "r2"])
        #expect(api.errors[0].1.errorType == "CSVValidationError")
        #expect(api.errors[1].1.errorType == "Runtime.HandlerError")
        #expect(api.errors[1].1.errorMessage.contains("unexpected character"))
        #expect(api.responses.map(\.0) == ["r3"])
    }

    @Test("a response over 6 MB becomes a clear error, not a truncated reply")
    func oversized() throws {
        let api = try FakeRuntimeAPI(events: [("big", "{}")])
        try Lambda.runLoop(client: api, logger: quiet, maxInvocations: 1) { _, _ in
            [UInt8](repeating: 0x20, count: Lambda.maxResponseBytes + 1)
        }
        #expect(api.responses.isEmpty)
        #expect(api.errors.first?.1.errorType == RuntimeErrorType.responseTooLarge)
    }

    @Test("the context carries the deadline, the ARN and the trace id, which is also set in _X_AMZN_TRACE_ID")
    func context() throws {
        let api = try FakeRuntimeAPI(events: [("r1", "{}")])
        var seen: (Int, String, String?, String?) = (0, "", nil, nil)
        try Lambda.runLoop(client: api, logger: quiet, maxInvocations: 1) { context, _ in
            seen = (
                context.remainingMilliseconds, context.invokedFunctionARN, context.traceID,
                getenv("_X_AMZN_TRACE_ID").map { String(cString: $0) }
            )
            return []
        }
        #expect((4000...5000).contains(seen.0))
        #expect(seen.1.hasSuffix(":function:ingest"))
        #expect(seen.2 == "Root=1-abc-r1")
        #expect(seen.3 == "Root=1-abc-r1")
    }

    @Test("a failing Runtime API ends the loop with its error")
    func apiFailure() throws {
        let api = try FakeRuntimeAPI(events: [])
        #expect(throws: LambdaError.self) {
            try Lambda.runLoop(client: api, logger: quiet) { _, _ in [] }
        }
    }
}

@Suite("Runtime API requests and metadata, with no network")
struct RuntimeRequestTests {
    @Test("each call maps to its path, method, headers and body")
    func requests() throws {
        let next = RuntimeRequest.next.httpRequest(endpoint: "127.0.0.1:9001")
        #expect(next.method == "GET")
        #expect(next.url == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next")
        #expect(next.timeoutMilliseconds == nil)
        let response = RuntimeRequest.response(requestID: "a/b", body: [1, 2]).httpRequest(endpoint: "h:1")
        #expect(response.url == "http://h:1/2018-06-01/runtime/invocation/a%2Fb/response")
        #expect(response.body == [1, 2])
        let error = LambdaError(errorType: "DynamoDBThrottled", errorMessage: "slow down")
        let failure = RuntimeRequest.error(requestID: "r", error).httpRequest(endpoint: "h:1")
        #expect(failure.url == "http://h:1/2018-06-01/runtime/invocation/r/error")
        #expect(
            failure.headers.contains {
                $0.name == "Lambda-Runtime-Function-Error-Type" && $0.value == "DynamoDBThrottled"
            })
        #expect(
            try JSONParser.parse(failure.body) == [
                "errorMessage": "slow down", "errorType": "DynamoDBThrottled", "stackTrace": [],
            ])
        #expect(
            RuntimeRequest.initError(error).httpRequest(endpoint: "h:1").url
                == "http://h:1/2018-06-01/runtime/init/error")
    }

    @Test("metadata requires a request id and a deadline, and keeps the rest when present")
    func metadata() throws {
        #expect(throws: LambdaError.self) { try InvocationMetadata(headers: [(RuntimeHeader.deadline, "1")]) }
        #expect(throws: LambdaError.self) { try InvocationMetadata(headers: [(RuntimeHeader.requestID, "r")]) }
        #expect(throws: LambdaError.self) {
            try InvocationMetadata(headers: [(RuntimeHeader.requestID, "r"), (RuntimeHeader.deadline, "soon")])
        }
        let metadata = try InvocationMetadata(headers: [
            ("lambda-runtime-aws-request-id", "r"), ("Lambda-Runtime-Deadline-Ms", "1700000000000"),
            (RuntimeHeader.clientContext, "{\"client\":{}}"),
            (RuntimeHeader.cognitoIdentity, "{\"cognitoIdentityId\":\"x\"}"),
        ])
        #expect(metadata.requestID == "r")
        #expect(metadata.deadline == Deadline(epochMilliseconds: 1_700_000_000_000))
        #expect(metadata.clientContext == "{\"client\":{}}")
        #expect(metadata.cognitoIdentity != nil)
        #expect(metadata.traceID == nil)
    }
}

@Suite("LambdaLogger: text or JSON lines, filtered by level")
struct LambdaLoggerTests {
    @Test("JSON lines carry level, message, requestId and traceId; lower levels are dropped")
    func json() throws {
        let lines = Mutex<[String]>([])
        let logger = LambdaLogger(usesJSON: true, minimumLevel: .info) { line in lines.withLock { $0.append(line) } }
            .forInvocation(requestID: "r1", traceID: "Root=1")
        logger.debug("hidden")
        logger.error("file rejected", ["key": "incoming/a.csv"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let object = try JSONFields(try JSONParser.parse(written[0]))
        #expect(try object.string("level") == "ERROR")
        #expect(try object.string("message") == "file rejected")
        #expect(try object.string("requestId") == "r1")
        #expect(try object.string("traceId") == "Root=1")
        #expect(try object.string("key") == "incoming/a.csv")
        #expect(try object.string("timestamp").hasSuffix("Z"))
    }

    @Test("the environment chooses format and level")
    func environment() {
        let logger = LambdaLogger.fromEnvironment(["AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "warn"])
        #expect(logger.usesJSON)
        #expect(logger.minimumLevel == .warn)
        let text = LambdaLogger.fromEnvironment([:])
        #expect(!text.usesJSON)
        #expect(text.minimumLevel == .info)
    }

    @Test("ISO-8601 timestamps in UTC with milliseconds")
    func timestamps() {
        #expect(WallClock.iso8601(milliseconds: 1_440_938_160_123) == "2015-08-30T12:36:00.123Z")
    }
}
