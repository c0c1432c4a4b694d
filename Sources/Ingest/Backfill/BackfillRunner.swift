import AWSServices
import JSON
import LambdaRuntime
import Timekeeping

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

    public func run(_ request: BackfillRequest, deadline: Deadline) throws(IngestFailure) -> BackfillSummary {
        func continuation(_ after: String?) -> BackfillRequest {
            BackfillRequest(bucket: request.bucket, prefix: request.prefix, startAfter: after, limit: request.limit)
        }
        var summary = BackfillSummary()
        guard let prefix = request.listedPrefix(within: ingestor.incomingPrefix) else { return summary }
        var token: String?
        var lastDone = request.startAfter
        for _ in 0..<1_000_000 {
            let page = try IngestFailure.awsCall { () throws(AWSError) in
                try s3.listObjects(
                    bucket: request.bucket, prefix: prefix, continuationToken: token,
                    startAfter: token == nil ? request.startAfter : nil)
            }
            for object in page.objects {
                guard !deadline.hasPassed, summary.processed < request.limit ?? Int.max else {
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
                    logger.error(
                        "backfill: object failed", ["key": .string(object.key), "error": .string(error.description)])
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
