import AWSServices
import JSON
import LambdaRuntime

/// `{"backfill": {"bucket": "...", "prefix": "...", "startAfter": "...", "limit": 1000}}`: ingest every object under
/// a prefix, in key order, as if each had just arrived; at most `limit` objects per invocation.
public struct BackfillRequest: Sendable, Equatable {
    public var bucket: String
    public var prefix: String
    /// Resume after this key (the `continuation` of an earlier answer).
    public var startAfter: String?
    /// The most objects one invocation takes on; the rest come in its continuation.
    public var limit: Int?

    public init(bucket: String, prefix: String, startAfter: String? = nil, limit: Int? = nil) {
        self.bucket = bucket
        self.prefix = prefix
        self.startAfter = startAfter
        self.limit = limit
    }

    public init(json: JSONValue) throws(JSONDecodingError) {
        let fields = try JSONFields(json)
        bucket = try fields.string("bucket")
        prefix = try fields.optionalString("prefix") ?? ""
        startAfter = try fields.optionalString("startAfter")
        limit = try fields.optionalInt("limit")
        if let limit, limit < 1 { throw JSONDecodingError(path: "\(fields.path).limit", reason: "must be at least 1") }
    }

    public var event: JSONValue {
        var body: [String: JSONValue] = ["bucket": .string(bucket), "prefix": .string(prefix)]
        if let startAfter { body["startAfter"] = .string(startAfter) }
        if let limit { body["limit"] = .integer(limit) }
        return ["backfill": .object(body)]
    }
}

/// What a backfill invocation did; `continuation` is set when it stopped for the deadline, and sending it back as
/// the next event resumes after the last key finished.
public struct BackfillSummary: Sendable, Equatable {
    public var processed = 0
    public var outcomes: [String: Int] = [:]
    public var failures: [(key: String, error: String)] = []
    public var continuation: BackfillRequest?

    public static func == (lhs: BackfillSummary, rhs: BackfillSummary) -> Bool {
        lhs.processed == rhs.processed && lhs.outcomes == rhs.outcomes && lhs.continuation == rhs.continuation
            && lhs.failures.map(\.key) == rhs.failures.map(\.key) && lhs.failures.map(\.error) == rhs.failures.map(\.error)
    }

    /// The failures shown in the answer; the rest are counted.
    static let maxListedFailures = 20

    public var json: JSONValue {
        [
            "done": .bool(continuation == nil),
            "processed": .integer(processed),
            "outcomes": .object(outcomes.mapValues { .integer($0) }),
            "failed": .integer(failures.count),
            "failures": .array(failures.prefix(Self.maxListedFailures).map { ["key": .string($0.key), "error": .string($0.error)] }),
            "continuation": continuation?.event ?? .null,
        ]
    }
}

/// Runs a backfill: in the function, or in the `consumption backfill --local` tool against any endpoint.
public struct BackfillRunner {
    let s3: S3Client
    let ingestor: ObjectIngestor
    let logger: LambdaLogger
    let reporter: OutcomeReporter

    public init(s3: S3Client, ingestor: ObjectIngestor, logger: LambdaLogger, metrics: MetricsEmitter) {
        self.s3 = s3
        self.ingestor = ingestor
        self.logger = logger
        reporter = OutcomeReporter(logger: logger, metrics: metrics)
    }

    public func run(_ request: BackfillRequest, deadline: Int) throws(IngestFailure) -> BackfillSummary {
        func continuation(_ after: String?) -> BackfillRequest {
            BackfillRequest(bucket: request.bucket, prefix: request.prefix, startAfter: after, limit: request.limit)
        }
        var summary = BackfillSummary()
        var token: String?
        var lastDone = request.startAfter
        for _ in 0..<1_000_000 {
            let page: (objects: [S3ObjectSummary], nextToken: String?)
            do throws(AWSError) {
                page = try s3.listObjects(bucket: request.bucket, prefix: request.prefix, continuationToken: token,
                                          startAfter: token == nil ? request.startAfter : nil)
            } catch {
                throw .aws(error)
            }
            for object in page.objects {
                guard WallClock.nowMilliseconds() < deadline, summary.processed < request.limit ?? Int.max else {
                    summary.continuation = continuation(lastDone)
                    return summary
                }
                do throws(IngestFailure) {
                    let outcome = try ingestor.reconcile(bucket: request.bucket, key: object.key, deadline: deadline)
                    reporter.report(outcome)
                    summary.outcomes[outcome.kind.rawValue, default: 0] += 1
                } catch .deadlineNear {
                    summary.continuation = continuation(lastDone)
                    return summary
                } catch {
                    logger.error("backfill: object failed", ["key": .string(object.key), "error": .string(error.description)])
                    summary.failures.append((object.key, error.description))
                }
                summary.processed += 1
                lastDone = object.key
            }
            guard let next = page.nextToken else { return summary }
            token = next
        }
        return summary
    }
}
