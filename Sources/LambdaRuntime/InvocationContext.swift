import CSystem
import Timekeeping

/// What Lambda says about one invocation, read from the `next` response's headers at the edge: a request id and
/// a deadline are required, so nothing later fails for want of them.
public struct InvocationMetadata: Sendable, Equatable {
    public let requestID: String
    /// When Lambda ends the invocation.
    public let deadline: Deadline
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
            throw LambdaError(
                errorType: RuntimeErrorType.invalidInvocation, errorMessage: "no \(RuntimeHeader.requestID) header")
        }
        guard let deadline = header(RuntimeHeader.deadline).flatMap(Int.init) else {
            throw LambdaError(
                errorType: RuntimeErrorType.invalidInvocation,
                errorMessage: "no valid \(RuntimeHeader.deadline) header")
        }
        self.requestID = requestID
        self.deadline = Deadline(epochMilliseconds: deadline)
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

    public init(metadata: InvocationMetadata, logger: LambdaLogger) {
        self.metadata = metadata
        self.logger = logger
    }

    public var requestID: String { metadata.requestID }
    public var traceID: String? { metadata.traceID }
    public var invokedFunctionARN: String { metadata.invokedFunctionARN }

    /// Milliseconds left before the deadline (negative once it has passed).
    public var remainingMilliseconds: Int { metadata.deadline.remainingMilliseconds }
}
