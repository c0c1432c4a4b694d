import CSystem
import JSON
import LambdaRuntime

// A trivial function on our runtime, for the emulator's tests and the runtime benchmark. The event says what to do:
// {"action": "echo" | "fail" | "sleep" (with "ms") | "big" | "context"}; anything that is not JSON is an error.
// PROBE_FAIL_INIT=1 makes start-up fail.

struct ProbeFailure: LambdaErrorConvertible {
    let message: String
    var lambdaError: LambdaError { LambdaError(errorType: "Probe.RequestedFailure", errorMessage: message) }
}

Lambda.run { logger in
    if Environment.current()["PROBE_FAIL_INIT"] == "1" {
        throw LambdaError.invalidConfiguration("PROBE_FAIL_INIT is set")
    }
    return { context, event in
        let fields = try JSONFields(try JSONParser.parse(event))
        switch try fields.optionalString("action") ?? "echo" {
        case "fail":
            throw ProbeFailure(message: "asked to fail")
        case "sleep":
            usleep(UInt32(try fields.optionalInt("ms") ?? 0) * 1000)
            return Array("{\"slept\":true}".utf8)
        case "big":
            return [UInt8](repeating: UInt8(ascii: "x"), count: Lambda.maxResponseBytes + 10)
        case "context":
            context.logger.info("context asked")
            let trace = getenv("_X_AMZN_TRACE_ID").map { String(cString: $0) }
            let answer: JSONValue = [
                "requestId": .string(context.requestID), "traceId": context.traceID.map(JSONValue.string) ?? .null,
                "envTraceId": trace.map(JSONValue.string) ?? .null,
                "remainingMs": .integer(context.remainingMilliseconds),
                "functionArn": .string(context.invokedFunctionARN),
            ]
            return answer.serializedBytes
        default:
            return event
        }
    }
}
