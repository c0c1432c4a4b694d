import AWSServices
import JSON
import LambdaEvents
import LambdaRuntime
import Timekeeping

/// The function's entry: tells the event's kind (SQS batch, stream batch, direct S3 notification, backfill, the
/// analytics schedule, the rosters' hourly check) and answers as Lambda expects for it.
public final class IngestHandler {
    let configuration: IngestConfiguration
    private let ingestor: ObjectIngestor
    private let ranges: RangeWriter
    private let parts: PartSettler
    private let s3: S3Client
    private let dynamo: DynamoDBClient
    let sqs: SQSClient
    private let sns: SNSClient
    private let metrics: MetricsEmitter

    public init(
        configuration: IngestConfiguration, s3: S3Client, dynamo: DynamoDBClient, sns: SNSClient, sqs: SQSClient,
        metrics: MetricsEmitter
    ) {
        self.configuration = configuration
        self.s3 = s3
        self.dynamo = dynamo
        self.sqs = sqs
        self.sns = sns
        ingestor = ObjectIngestor(configuration: configuration, s3: s3, dynamo: dynamo, sns: sns, sqs: sqs)
        ranges = RangeWriter(configuration: configuration, s3: s3, dynamo: dynamo)
        parts = PartSettler(configuration: configuration, s3: s3, dynamo: dynamo, sqs: sqs)
        self.metrics = metrics
    }

    public func handle(_ context: LambdaContext, _ event: [UInt8]) throws -> [UInt8] {
        let json: JSONValue
        do throws(JSONSyntaxError) {
            json = try JSONParser.parse(event)
        } catch {
            throw LambdaError(errorType: "Ingest.InvalidEvent", errorMessage: "the event is not JSON: \(error)")
        }
        let deadline = context.metadata.deadline.earlier(by: configuration.deadlineMarginMilliseconds)
        // One client serves the whole process, one invocation at a time.
        dynamo.client.invocationDeadline = context.metadata.deadline
        ingestor.begin(invocation: context.requestID)
        if let backfill = json["backfill"] {
            let request: BackfillRequest
            do throws(JSONDecodingError) {
                request = try BackfillRequest(json: backfill)
            } catch {
                throw LambdaError(errorType: "Ingest.InvalidEvent", errorMessage: "backfill: \(error)")
            }
            let runner = BackfillRunner(s3: s3, ingestor: ingestor, logger: context.logger, metrics: metrics)
            return try runner.run(request, deadline: deadline).json.serializedBytes
        }
        if json["completeness"] != nil {
            let check = CompletenessCheck(
                dynamo: dynamo, sns: sns, table: configuration.tableName, alertTopicARN: configuration.alertTopicARN,
                zones: configuration.zones, logger: context.logger)
            let summary = try check.run(nowMilliseconds: WallClock.nowMilliseconds(), deadline: deadline)
            context.logger.info("rosters checked", summary.json.objectValue ?? [:])
            return summary.json.serializedBytes
        }
        if ScheduledEvent.isScheduled(json) {
            return try runAnalytics(context: context, deadline: deadline).json.serializedBytes
        }
        if DynamoDBStreamEvent.isStreamBatch(json) {
            return try handleStreamBatch(json, context: context, deadline: deadline).json.serializedBytes
        }
        let records = json["Records"]?.arrayValue ?? []
        if records.first?["eventSource"]?.stringValue == "aws:sqs" {
            return try handleQueueBatch(json, context: context, deadline: deadline).json.serializedBytes
        }
        let notification: S3Notification
        do throws(JSONDecodingError) {
            notification = try S3Notification(json: json)
        } catch {
            throw LambdaError(
                errorType: "Ingest.InvalidEvent",
                errorMessage: "neither an SQS batch, an S3 notification nor a backfill: \(error)")
        }
        // A direct S3 invocation is asynchronous: throwing makes Lambda retry it, then send it to its DLQ.
        try handle(notification, redelivered: false, context: context, deadline: deadline)
        return Array("{}".utf8)
    }

    /// Each message on its own: one that fails is listed in `batchItemFailures` and comes back alone. A batch from the
    /// queue S3 notifies is sorted into the ingest queue instead.
    private func handleQueueBatch(_ json: JSONValue, context: LambdaContext, deadline: Deadline) throws
        -> SQSBatchResponse
    {
        let batch: SQSEvent
        do throws(JSONDecodingError) {
            batch = try SQSEvent(json: json)
        } catch {
            throw LambdaError(errorType: "Ingest.InvalidEvent", errorMessage: "SQS batch: \(error)")
        }
        if let sorting = configuration.sorting, batch.records.first?.eventSourceARN == sorting.notificationQueueARN {
            let sorter = NotificationSorter(
                sqs: sqs, sorting: sorting, incomingPrefix: configuration.incomingPrefix,
                defaultTenant: configuration.defaultTenant)
            return sorter.sort(batch, logger: context.logger)
        }
        var failed: [String] = []
        for message in batch.records {
            // Past the deadline the rest go back untouched rather than half done.
            guard !deadline.hasPassed else {
                failed.append(message.messageID)
                continue
            }
            var body: JSONValue = .null
            var continuations = 0
            var carried: Int?
            do {
                body = try JSONParser.parse(Array(message.body.utf8))
                if let continued = body[Continuation.member] {
                    continuations = continued[Continuation.count]?.intValue ?? 0
                    carried = continued[Continuation.progress]?.intValue
                    body = continued[Continuation.body] ?? .null
                }
                if let part = body["settle"], message.receiveCount > 1, continuations < Continuation.limit,
                    let position = try parts.position(of: try SettleWork(json: part)),
                    position.resume > (carried ?? position.start),
                    continueLater(body, continuations, progress: position.resume)
                {
                    // An earlier receive died (a crash, the timeout) after saving progress: a fresh message takes
                    // the rest, so a part that goes on progressing never spends its five receives on the DLQ.
                    logContinued(
                        message, continuations, "earlier receives progressed to \(position.resume)", context: context)
                } else if let range = body["range"] {
                    let work = try RangeWork(json: range)
                    let outcome = try reconcilingWhenComplete(
                        try ranges.write(work, deadline: deadline), work.bucket, work.key, deadline)
                    report(
                        outcome, outcome.done ? "range written" : "range skipped",
                        ["key": .string(work.key), "index": .integer(work.index)], context: context)
                } else if let part = body["settle"] {
                    let work = try SettleWork(json: part)
                    let outcome = try reconcilingWhenComplete(
                        try parts.settle(work, receive: message.receiveCount, deadline: deadline), work.bucket,
                        work.key, deadline)
                    report(
                        outcome, outcome.done ? "part settled" : "part skipped",
                        [
                            "key": .string(work.key), "kind": .string(work.kind.rawValue),
                            "part": .integer(work.part),
                        ], context: context)
                } else {
                    try handle(
                        try S3Notification(json: body), redelivered: message.receiveCount > 1 || continuations > 0,
                        context: context,
                        deadline: deadline)
                }
            } catch let failure as IngestFailure
                where failure.isDeadline && continuations < Continuation.limit && continueLater(body, continuations)
            {
                // Its progress is saved: a fresh message takes the rest, so work that goes on progressing never
                // spends the message's receives (five, then the DLQ).
                logContinued(message, continuations, failure.description, context: context)
            } catch {
                context.logger.error(
                    "message failed",
                    [
                        "messageId": .string(message.messageID), "receiveCount": .integer(message.receiveCount),
                        "error": .string(String(describing: error)),
                    ])
                failed.append(message.messageID)
            }
        }
        return SQSBatchResponse(failedMessageIDs: failed)
    }

    /// The last piece of a large file's work done: the key is reconciled, from the top, as any event of it would
    /// have it (the pieces' handlers never reach into the reconciling).
    private func reconcilingWhenComplete(_ outcome: WorkOutcome, _ bucket: String, _ key: String, _ deadline: Deadline)
        throws(IngestFailure) -> WorkOutcome
    {
        guard outcome.jobComplete else { return outcome }
        var outcome = outcome
        outcome.reconciled = try ingestor.reconcile(bucket: bucket, key: key, deadline: deadline, sweepingJobs: true)
        return outcome
    }

    /// One line per piece of a large file's work; the invocation that finished the last piece also reports the key.
    private func report(
        _ outcome: WorkOutcome, _ message: String, _ fields: [String: JSONValue], context: LambdaContext
    ) {
        var fields = fields
        fields["detail"] = .string(outcome.detail)
        context.logger.info(message, fields)
        if let reconciled = outcome.reconciled {
            OutcomeReporter(logger: context.logger, metrics: metrics).report(reconciled)
        }
    }

    /// The schedule's run: the days marked since the last one, into the analytics layer. A run that cannot read the
    /// marks fails (the schedule tries again); a day that cannot be written waits for the next run.
    private func runAnalytics(context: LambdaContext, deadline: Deadline) throws -> AnalyticsRun.Summary {
        guard let bucket = configuration.analyticsBucket else {
            throw LambdaError(
                errorType: "Ingest.InvalidEvent",
                errorMessage: "a scheduled event, but ANALYTICS_BUCKET is not set: this function writes no analytics")
        }
        let writer = AnalyticsWriter(
            s3: s3, dynamo: dynamo, table: configuration.tableName, bucket: bucket,
            layout: AnalyticsLayout(prefix: configuration.analyticsPrefix), zones: configuration.zones)
        let run = AnalyticsRun(
            writer: writer, dynamo: dynamo, table: configuration.tableName,
            quietMilliseconds: configuration.analyticsQuietSeconds * 1000, logger: context.logger)
        do throws(IngestFailure) {
            let summary = try run.run(nowMilliseconds: WallClock.nowMilliseconds(), deadline: deadline)
            context.logger.info("analytics run", summary.json.objectValue ?? [:])
            return summary
        } catch {
            throw LambdaError(errorType: "Ingest.AnalyticsRun", errorMessage: error.description)
        }
    }

    /// The day sums follow the meter-day items: the batch is folded in, and a part that could not be applied is
    /// handed back from its first record (Lambda resumes the shard there; what was applied is not applied again).
    private func handleStreamBatch(_ json: JSONValue, context: LambdaContext, deadline: Deadline) throws
        -> DynamoDBStreamResponse
    {
        let batch: DynamoDBStreamEvent
        do throws(JSONDecodingError) {
            batch = try DynamoDBStreamEvent(json: json)
        } catch {
            throw LambdaError(errorType: "Ingest.InvalidEvent", errorMessage: "DynamoDB stream batch: \(error)")
        }
        let folder = StreamFolder(
            dynamo: dynamo, table: configuration.tableName, parallelism: configuration.writeParallelism,
            deadline: deadline)
        let outcome = try folder.fold(batch, now: WallClock.nowISO8601())
        var fields: [String: JSONValue] = [
            "streamShard": .string(batch.shardID), "records": .integer(outcome.records),
            "changes": .integer(outcome.changes),
            "updates": .integer(outcome.updates), "duplicates": .integer(outcome.duplicates),
            "marks": .integer(outcome.marks),
        ]
        if let resume = outcome.resumeFrom {
            fields["resumeFrom"] = .string(resume)
            fields["error"] = .string(outcome.failure ?? "")
            context.logger.error("stream batch partly folded", fields)
        } else {
            context.logger.info("stream batch folded", fields)
        }
        return DynamoDBStreamResponse(resumeFrom: outcome.resumeFrom)
    }

    /// `redelivered`: the message came before (or continues one cut short), and an invocation of it may have died
    /// between recording a settle step done and deleting its job; the keys' jobs whose step is over are swept.
    private func handle(
        _ notification: S3Notification, redelivered: Bool, context: LambdaContext, deadline: Deadline
    ) throws(IngestFailure) {
        switch notification {
        case .testEvent(let bucket):
            context.logger.info("S3 test event skipped", ["bucket": .string(bucket)])
        case .records(let records):
            for record in records where record.isCreated || record.isRemoved || record.isExpired {
                let outcome = try ingestor.reconcile(
                    bucket: record.bucket, key: record.key, deadline: deadline,
                    purging: record.isRemoved || record.isExpired, sweepingJobs: redelivered)
                OutcomeReporter(logger: context.logger, metrics: metrics).report(outcome)
            }
        }
    }

}
