import AWSServices
import LambdaRuntime

/// Why an object could not be taken to a final state this time. Each is worth a retry through the queue: a bad
/// file is not a failure (it is rejected and reported), so what remains here is transient or needs an operator.
public enum IngestFailure: Error, Equatable, LambdaErrorConvertible, CustomStringConvertible {
    case aws(AWSError)
    /// The invocation is about to end; the message comes back and the work resumes (it is idempotent).
    case deadlineNear
    /// The object kept changing while it was read.
    case objectChanging(String)
    /// S3 answered HEAD with a Last-Modified we cannot read.
    case unreadableHead(String)
    case corruptItem(String)
    /// OpenSSL could not seed its random generator (for the analytics marks' tokens).
    case noRandomBytes
    /// Meter-days were still pending after every round of recomputing them: other invocations kept bumping them.
    /// The message comes back and the recompute goes on.
    case recomputeContended(Int)

    /// The work stopped for a deadline (the invocation's, or a request's own such as an offering lease's window),
    /// with its progress saved: another invocation resumes it.
    public var isDeadline: Bool {
        switch self {
        case .deadlineNear, .aws(.notSent), .aws(.deadline): return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .aws(let error): return error.description
        case .deadlineNear: return "stopped before the invocation deadline; the message will be retried"
        case .objectChanging(let key): return "\(key) changed again and again while it was read"
        case .unreadableHead(let detail): return "unreadable object head: \(detail)"
        case .corruptItem(let detail): return "corrupt table item: \(detail)"
        case .noRandomBytes: return "OpenSSL could not seed its random generator"
        case .recomputeContended(let count):
            return "\(count) meter-days were still being recomputed by other invocations; the message will be retried"
        }
    }

    /// What the ledger keeps of a failure, which the API shows: a stable code and a short sentence, never AWS's own
    /// message (it can name a role ARN or an account). The whole description goes to the log.
    public var ledgerNote: String {
        switch self {
        case .aws(.service(let error)): return "aws-refused: AWS answered \(error.code) (HTTP \(error.status))"
        case .aws(.outOfTime(let last)):
            let cause = last.split(separator: " ").first.map(String.init) ?? "an error"
            return "aws-retries-exhausted: AWS kept failing (\(cause.prefix(64))); the message will be retried"
        case .aws(.transport): return "aws-unreachable: a connection to AWS failed; the message will be retried"
        case .aws(.invalidResponse): return "aws-unreadable: AWS sent an answer that could not be read"
        case .aws(.configuration): return "configuration: the function's AWS settings are not usable"
        case .deadlineNear, .aws(.notSent), .aws(.deadline):
            return "deadline: \(IngestFailure.deadlineNear.description)"
        case .objectChanging: return "object-changing: the object changed again and again while it was read"
        case .unreadableHead: return "unreadable-head: S3 sent a Last-Modified that could not be read"
        case .corruptItem: return "corrupt-item: a table item did not parse"
        case .noRandomBytes: return "no-random-bytes: \(description)"
        case .recomputeContended: return "recompute-contended: \(description)"
        }
    }

    public var lambdaError: LambdaError {
        let type: String
        switch self {
        case .aws(let error):
            type = error.code == "AccessDenied" ? "Ingest.AccessDenied" : "Ingest.AWSError"
        case .deadlineNear: type = "Ingest.DeadlineNear"
        case .objectChanging: type = "Ingest.ObjectChanging"
        case .unreadableHead: type = "Ingest.UnreadableHead"
        case .corruptItem: type = "Ingest.CorruptItem"
        case .noRandomBytes: type = "Ingest.NoRandomBytes"
        case .recomputeContended: type = "Ingest.RecomputeContended"
        }
        return LambdaError(errorType: type, errorMessage: description)
    }
}
