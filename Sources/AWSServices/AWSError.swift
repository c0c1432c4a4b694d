import CurlHTTP

/// What an AWS call can fail with, sorted so callers can act: configuration, transport, the service's own error,
/// an unreadable answer, or running out of time.
public enum AWSError: Error, Equatable, Sendable, CustomStringConvertible {
    case configuration(String)
    case transport(TransportFailure)
    case service(AWSServiceError)
    case invalidResponse(String)
    /// Retrying would pass the invocation's deadline or the retry budget.
    case outOfTime(lastError: String)
    /// Never sent: the request's deadline passed while it waited for its turn in a parallel batch.
    case notSent
    /// The caller's deadline (the request's own, such as an offering lease's window) came before the call could
    /// succeed: retrying would have passed it.
    case deadline(lastError: String)

    public var description: String {
        switch self {
        case .configuration(let message): return "configuration: \(message)"
        case .transport(let failure): return "transport: \(failure)"
        case .service(let error): return "\(error.code) (HTTP \(error.status)): \(error.message)"
        case .invalidResponse(let message): return "invalid response: \(message)"
        case .outOfTime(let last): return "out of time retrying; last error: \(last)"
        case .notSent: return "not sent: its deadline passed before its turn"
        case .deadline(let last): return "stopped at the caller's deadline; last error: \(last)"
        }
    }

    /// The service error code, when there is one.
    public var code: String? {
        if case .service(let error) = self { return error.code }
        return nil
    }

    /// DynamoDB refused a write because its condition did not hold: the item is not as the writer expected.
    public var isConditionFailed: Bool { code == "ConditionalCheckFailedException" }
}

/// An error answer from S3 (XML) or DynamoDB (JSON `__type`), decoded into its code and message.
public struct AWSServiceError: Equatable, Sendable {
    public var status: Int
    /// The bare code (`ConditionalCheckFailedException`, `NoSuchKey`, `SlowDown`).
    public var code: String
    public var message: String
    public var requestID: String?
    /// TransactWriteItems: one reason per item (`None`, `ConditionalCheckFailed`, `TransactionConflict`, ...).
    public var cancellationReasons: [String]

    public init(
        status: Int, code: String, message: String, requestID: String? = nil, cancellationReasons: [String] = []
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.cancellationReasons = cancellationReasons
    }

    /// Codes worth another try: throttling, transient server faults and transaction conflicts. Never validation
    /// errors or failed conditions.
    public static let retryableCodes: Set<String> = [
        "SlowDown", "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling",
        "RequestLimitExceeded", "InternalServerError", "InternalError", "ServiceUnavailable", "TransactionConflict",
        "TransactionInProgressException", "RequestTimeout",
    ]

    public var isRetryable: Bool {
        if Self.retryableCodes.contains(code) { return true }
        if code == "TransactionCanceledException" { return cancellationReasons.contains("TransactionConflict") }
        return status >= 500
    }
}
