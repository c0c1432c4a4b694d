import CSystem

/// What Lambda says about one invocation, read from the `next` response's headers at the edge: a request id and
/// a deadline are required, so nothing later fails for want of them.
public struct InvocationMetadata: Sendable, Equatable {
    public let requestID: String
    /// Milliseconds since the Unix epoch.
    public let deadlineMilliseconds: Int
    public let invokedFunctionARN: String
    public let traceID: String?
    public let clientContext: String?
    public let cognitoIdentity: String?

    public init(headers: [(name: String, value: String)]) throws(LambdaError) {
        func header(_ name: String) -> String? {
            let key = name.lowercased()
            return headers.last { $0.name.lowercased() == key }?.value
        }
        guard let requestID = header(RuntimeHeader.requestID), !requestID.isEmpty else {
            throw LambdaError(errorType: RuntimeErrorType.invalidInvocation, errorMessage: "no \(RuntimeHeader.requestID) header")
        }
        guard let deadline = header(RuntimeHeader.deadline).flatMap(Int.init) else {
            throw LambdaError(errorType: RuntimeErrorType.invalidInvocation,
                              errorMessage: "no valid \(RuntimeHeader.deadline) header")
        }
        self.requestID = requestID
        deadlineMilliseconds = deadline
        invokedFunctionARN = header(RuntimeHeader.functionARN) ?? ""
        traceID = header(RuntimeHeader.traceID)
        clientContext = header(RuntimeHeader.clientContext)
        cognitoIdentity = header(RuntimeHeader.cognitoIdentity)
    }
}

/// The context a handler gets: the invocation's metadata, its time left, and a logger that tags every line with
/// the request and trace ids.
public struct LambdaContext: Sendable {
    public let metadata: InvocationMetadata
    public let logger: LambdaLogger

    public var requestID: String { metadata.requestID }
    public var traceID: String? { metadata.traceID }
    public var invokedFunctionARN: String { metadata.invokedFunctionARN }

    /// Milliseconds left before the deadline (negative once it has passed).
    public var remainingMilliseconds: Int { metadata.deadlineMilliseconds - WallClock.nowMilliseconds() }
}

/// The wall clock, in milliseconds since the Unix epoch.
public enum WallClock {
    public static func nowMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }

    /// Blocks the calling thread for `milliseconds`.
    public static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }

    /// `2026-11-22T01:02:03.456Z`.
    public static func iso8601(milliseconds: Int) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(Int(parts.tm_year) + 1900, 4))-\(padded(Int(parts.tm_mon) + 1, 2))-\(padded(Int(parts.tm_mday), 2))T"
            + "\(padded(Int(parts.tm_hour), 2)):\(padded(Int(parts.tm_min), 2)):\(padded(Int(parts.tm_sec), 2))."
            + "\(padded(milliseconds % 1000, 3))Z"
    }
}
