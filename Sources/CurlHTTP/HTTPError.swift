/// Why an exchange failed: it never completed (transport), or the caller's body callback stopped it.
/// An HTTP status is not an error here: every status comes back as a response, and the AWS layer decides.
public enum HTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    case transport(TransportFailure)
    /// The body callback asked to stop.
    case aborted
    /// Never sent: its turn in a parallel batch came after the caller's time for it (an offer past its lease).
    case notStarted

    public var description: String {
        switch self {
        case .transport(let failure): return failure.description
        case .aborted: return "the transfer was stopped by its body callback"
        case .notStarted: return "not sent: its turn came too late"
        }
    }
}

/// A transport failure as libcurl reports it, sorted into the kinds callers act on.
public struct TransportFailure: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case resolve, connect, timeout, connectionLost, tls, invalidRequest, other
    }

    public let kind: Kind
    /// libcurl's CURLcode.
    public let code: Int
    public let message: String

    public init(kind: Kind, code: Int, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// Worth another try: the server may not have seen the request, or may answer next time.
    public var isRetryable: Bool {
        switch kind {
        case .connect, .timeout, .connectionLost, .resolve: return true
        case .tls, .invalidRequest, .other: return false
        }
    }

    public var description: String { "\(kind.rawValue) (curl \(code)): \(message)" }
}
