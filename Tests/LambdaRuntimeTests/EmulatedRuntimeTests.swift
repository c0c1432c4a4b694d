import CurlHTTP
import Foundation
import JSON
import TestSupport
import Testing

/// The real `runtime-probe` binary, a function on our runtime, run by the project's Runtime API emulator.
private let probe = repositoryRoot.appendingPathComponent(".build/debug/runtime-probe").path
private let emulatorBinary = repositoryRoot.appendingPathComponent(".build/debug/local-lambda").path

private final class EmulatedFunction {
    let emulator: ServerProcess
    let http: CurlHTTPClient

    init(timeoutMilliseconds: Int = 1500, environment: [String] = []) throws {
        emulator = try ServerProcess(
            [
                emulatorBinary, "--bootstrap", probe, "--timeout-ms", "\(timeoutMilliseconds)",
                "--max-seconds", "120",
            ] + environment.flatMap { ["--env", $0] })
        http = try CurlHTTPClient()
    }

    deinit {
        emulator.stop()
    }

    func invoke(_ event: String, traceID: String? = nil) throws -> JSONFields {
        let response = try http.send(
            HTTPRequest(
                method: "POST", url: emulator.baseURL + "/invoke", headers: traceID.map { [("X-Trace-Id", $0)] } ?? [],
                body: Array(event.utf8), timeoutMilliseconds: 30_000))
        return try JSONFields(try JSONParser.parse(response.body))
    }

    func stats() throws -> JSONFields {
        try JSONFields(
            try JSONParser.parse(try http.send(HTTPRequest(method: "GET", url: emulator.baseURL + "/stats")).body))
    }
}

@Suite(
    "The runtime, as a real binary under the Runtime API emulator", .serialized, .timeLimit(.minutes(2)),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: probe)
            && FileManager.default.isExecutableFile(atPath: emulatorBinary),
        "build runtime-probe and local-lambda first (make test does)"))
struct EmulatedRuntimeTests {
    @Test("a response, a thrown error and a malformed event, all from one process that survives them")
    func outcomes() throws {
        let function = try EmulatedFunction()
        let echo = try function.invoke(#"{"action":"echo","n":1}"#)
        #expect(try echo.string("outcome") == "ok")
        #expect(try JSONParser.parse(try echo.string("body")) == ["action": "echo", "n": 1])
        let failure = try function.invoke(#"{"action":"fail"}"#)
        #expect(try failure.string("outcome") == "error")
        #expect(try failure.string("errorType") == "Probe.RequestedFailure")
        let malformed = try function.invoke("{not json")
        #expect(try malformed.string("outcome") == "error")
        #expect(try malformed.string("errorType") == "Runtime.HandlerError")
        #expect(try function.invoke(#"{"action":"echo"}"#).string("outcome") == "ok")
        #expect(try function.stats().int("starts") == 1)
    }

    @Test("the context carries the deadline and the trace id, also set in _X_AMZN_TRACE_ID")
    func context() throws {
        let function = try EmulatedFunction(timeoutMilliseconds: 2000)
        let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
        let answer = try function.invoke(#"{"action":"context"}"#, traceID: trace)
        let body = try JSONFields(try JSONParser.parse(try answer.string("body")))
        #expect(try body.string("traceId") == trace)
        #expect(try body.string("envTraceId") == trace)
        #expect((1000...2000).contains(try body.int("remainingMs")))
        #expect(!(try body.string("requestId")).isEmpty)
    }

    @Test("a response over 6 MB is reported as an error, not truncated")
    func oversized() throws {
        let function = try EmulatedFunction()
        let answer = try function.invoke(#"{"action":"big"}"#)
        #expect(try answer.string("outcome") == "error")
        #expect(try answer.string("errorType") == "Runtime.ResponseSizeTooLarge")
    }

    @Test("a start-up failure is posted to /runtime/init/error and the process exits")
    func initError() throws {
        let function = try EmulatedFunction(environment: ["PROBE_FAIL_INIT=1"])
        let answer = try function.invoke(#"{"action":"echo"}"#)
        #expect(try answer.string("outcome") == "init-error")
        #expect(try answer.string("errorType") == "Runtime.InvalidConfiguration")
    }

    @Test("an invocation past its timeout is failed, the process killed and started afresh")
    func timeout() throws {
        let function = try EmulatedFunction(timeoutMilliseconds: 500)
        #expect(try function.invoke(#"{"action":"sleep","ms":3000}"#).string("outcome") == "timeout")
        #expect(try function.invoke(#"{"action":"echo"}"#).string("outcome") == "ok")
        #expect(try function.stats().int("starts") == 2)
    }
}
