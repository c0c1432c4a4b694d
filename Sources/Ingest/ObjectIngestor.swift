import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime

/// Brings the table in line with one key as it stands in S3, whatever event brought it here: an event only says
/// "look at this key". Every step is idempotent, so a duplicate, a stale or a redelivered event is harmless.
///
/// 1. HEAD the key. Its current version, or its absence, is the target.
/// 2. If the source item already names the target and nothing is pending, stop: (a) holds.
/// 3. Validate the version (streamed, pinned to it); a bad file writes no reading and is reported.
/// 4. Write its readings under keys named by the version: they do not count yet.
/// 5. Switch the source item to the version (optimistic lock): now they count, and the previous version's stop.
/// 6. HEAD again; if the key changed meanwhile, start over, so a slow process never leaves an old version counting.
/// 7. Recompute every bucket the new and the previous versions touch, deleting the previous version's readings.
/// 8. Clear the pending work and close the ledger entry.
public final class ObjectIngestor {
    private let configuration: IngestConfiguration
    private let s3: S3Client
    private let dynamo: DynamoDBClient
    /// A key that keeps changing under us gives up after this many rounds; the message is retried later.
    private let maxRounds = 4

    public init(configuration: IngestConfiguration, s3: S3Client, dynamo: DynamoDBClient) {
        self.configuration = configuration
        self.s3 = s3
        self.dynamo = dynamo
    }

    public func reconcile(bucket: String, key: String, deadline: Int) throws(IngestFailure) -> ObjectOutcome {
        let started = WallClock.nowMilliseconds()
        let tenant: String
        switch Tenancy.place(
            key: key, incomingPrefix: configuration.incomingPrefix, defaultTenant: configuration.defaultTenant)
        {
        case .outsideIncoming, .folder:
            return ObjectOutcome(kind: .ignored, tenant: nil, key: key)
        case .invalidTenant(let segment):
            return ObjectOutcome(
                kind: .ignored, tenant: nil, key: key,
                detail: "the tenant segment '\(segment)' breaks the rule: \(Tenancy.tenantRule)")
        case .tenant(let name):
            tenant = name
        }
        let sources = SourceStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant)
        let ledger = LedgerStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant)
        for _ in 1...maxRounds {
            guard WallClock.nowMilliseconds() < deadline else { throw .deadlineNear }
            let target = try head(bucket: bucket, key: key)
            do throws(IngestFailure) {
                var outcome = try bringUpToDate(
                    bucket: bucket, key: key, tenant: tenant, target: target,
                    sources: sources, ledger: ledger, deadline: deadline, started: started)
                outcome.durationMilliseconds = WallClock.nowMilliseconds() - started
                return outcome
            } catch .objectChanging {
                continue
            } catch {
                // Best effort: the failure may be DynamoDB's own, and the message's retry matters more than the note.
                if let target { try? ledger.recordFailure(target, error, now: now()) }
                throw error
            }
        }
        throw .objectChanging(key)
    }

    /// One round: nil `target` means the key has no object.
    private func bringUpToDate(
        bucket: String, key: String, tenant: String, target: ObjectVersion?, sources: SourceStore, ledger: LedgerStore,
        deadline: Int, started: Int
    ) throws(IngestFailure) -> ObjectOutcome {
        let tag = target?.tag
        var state = try sources.read(key: key)
        var outcome = ObjectOutcome(
            kind: target == nil ? .deleted : .ingested, tenant: tenant, key: key, version: target)
        if state.version == tag {
            if let target {
                let status = try ledger.entry(of: target).status
                if !state.hasStaleWork, status == .ingested || status == .rejected {
                    return ObjectOutcome(kind: .unchanged, tenant: tenant, key: key, version: target)
                }
                outcome.kind = status == .rejected ? .rejected : .ingested
            } else if !state.hasStaleWork {
                return ObjectOutcome(kind: .unchanged, tenant: tenant, key: key)
            }
            // Switched before, but the recompute may not have finished: finish it.
        } else {
            var buckets = DayBuckets()
            if let target {
                let readStarted = WallClock.nowMilliseconds()
                defer { outcome.readWriteMilliseconds = WallClock.nowMilliseconds() - readStarted }
                let progress = try ledger.start(target, now: now())
                let (stats, written) = try readAndWrite(
                    bucket: bucket, tenant: tenant, version: target, progress: progress,
                    ledger: ledger, deadline: deadline)
                outcome.stats = stats
                outcome.kind = stats.errorCount == 0 ? .ingested : .rejected
                buckets = written
                try ledger.recordStats(target, stats)
            }
            state = try switchSource(key: key, sources: sources, to: target, buckets: buckets)
        }
        // A slow process must not leave an old version counting: check the key still holds what was switched to.
        guard try head(bucket: bucket, key: key)?.tag == tag else { throw .objectChanging(key) }

        let recomputer = BucketRecomputer(
            dynamo: dynamo, table: configuration.tableName, tenant: tenant, sources: sources,
            parallelism: configuration.writeParallelism, deadline: deadline)
        let switched = state
        let recomputeStarted = WallClock.nowMilliseconds()
        let recomputed = try recomputer.recompute(
            state.pairsToRecompute, from: state.recomputedPairs, deadKey: key, deadVersions: Set(state.staleVersions),
            now: now()
        ) { (done: Int) throws(IngestFailure) in
            try sources.recordRecomputed(key: key, state: switched, count: done)
        }
        outcome.bucketsRecomputed = recomputed.buckets
        outcome.readingsRead = recomputed.readingsRead
        outcome.readingsDeleted = recomputed.readingsDeleted
        outcome.recomputeMilliseconds = WallClock.nowMilliseconds() - recomputeStarted
        try sources.clearStale(key: key, state: state)
        for stale in state.staleVersions { try ledger.markDeleted(key: key, tag: stale, now: now()) }
        if let target {
            try ledger.finish(
                target, status: outcome.kind == .rejected ? .rejected : .ingested,
                durationMilliseconds: WallClock.nowMilliseconds() - started, now: now())
        }
        return outcome
    }

    /// Validates, then (for a valid file) writes every reading; returns the counts and where the readings are.
    /// An earlier attempt's progress skips the validation it finished and the readings it wrote.
    private func readAndWrite(
        bucket: String, tenant: String, version: ObjectVersion, progress: LedgerStore.Entry, ledger: LedgerStore,
        deadline: Int
    ) throws(IngestFailure) -> (FileStats, DayBuckets) {
        let today = CalendarDate(daysSinceEpoch: WallClock.nowMilliseconds() / 86_400_000)
        let rules = configuration.rules(today: today)
        let reader = PinnedObjectReader(
            s3: s3, bucket: bucket, version: version, chunkBytes: configuration.readChunkBytes,
            deadline: deadline)
        if !progress.validated {
            let checked = try reader.validate(rules: rules)
            if !checked.isValid {
                return (
                    try reject(checked, bucket: bucket, tenant: tenant, version: version, deadline: deadline),
                    DayBuckets()
                )
            }
        }
        let writer = ReadingWriter(
            dynamo: dynamo, table: configuration.tableName, tenant: tenant, version: version,
            parallelism: configuration.writeParallelism, deadline: deadline,
            alreadyWritten: progress.writtenMeterDays)
        let written: MeterFileResult
        do throws(IngestFailure) {
            written = try reader.write(rules: rules, onMeterDay: writer.add) { () throws(IngestFailure) in
                try writer.flushIfFull()
            }
            try writer.flush()
        } catch .deadlineNear {
            try ledger.recordProgress(version, writtenMeterDays: writer.writtenMeterDays, now: now())
            throw .deadlineNear
        }
        return (FileStats(result: written, meterDays: writer.meterDays), writer.buckets)
    }

    /// Stores the report of a file that failed validation; nothing of it is written to the table.
    private func reject(
        _ checked: MeterFileResult, bucket: String, tenant: String, version: ObjectVersion, deadline: Int
    )
        throws(IngestFailure) -> FileStats
    {
        var stats = FileStats(result: checked, meterDays: 0)
        let reportKey = RejectionReport.key(for: version, tenant: tenant, configuration: configuration)
        let report = RejectionReport(
            tenant: tenant, bucket: bucket, version: version, result: checked, createdAt: now())
        do throws(AWSError) {
            try s3.putObject(
                bucket: bucket, key: reportKey, body: report.json.serializedBytes,
                contentType: "application/json", deadlineMilliseconds: deadline)
        } catch {
            throw .aws(error)
        }
        stats.reportKey = reportKey
        return stats
    }

    /// Makes `version` (nil: none) the key's counting version, retrying when another switch lands first.
    private func switchSource(key: String, sources: SourceStore, to version: ObjectVersion?, buckets: DayBuckets)
        throws(IngestFailure) -> SourceState
    {
        for _ in 0..<20 {
            let current = try sources.read(key: key)
            let next = current.switched(to: version, tag: version?.tag, buckets: buckets)
            if try sources.replace(key: key, expected: current, with: next, now: now()) { return next }
        }
        throw .objectChanging(key)
    }

    private func head(bucket: String, key: String) throws(IngestFailure) -> ObjectVersion? {
        let head: S3ObjectHead?
        do throws(AWSError) {
            head = try s3.headObject(bucket: bucket, key: key)
            // A key that is gone is no failure, but a bucket that is gone (or never was) is a wrong event.
            if head == nil, try !s3.bucketExists(bucket) {
                throw AWSError.service(
                    AWSServiceError(status: 404, code: "NoSuchBucket", message: "no bucket \(bucket)"))
            }
        } catch {
            throw .aws(error)
        }
        guard let head else { return nil }
        guard let version = ObjectVersion(key: key, head: head) else {
            throw .unreadableHead("Last-Modified '\(head.lastModified)' of \(key)")
        }
        return version
    }

    private func now() -> String {
        WallClock.iso8601(milliseconds: WallClock.nowMilliseconds())
    }
}
