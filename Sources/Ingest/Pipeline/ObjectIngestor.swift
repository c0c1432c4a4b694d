import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// Brings the table in line with one key as it stands in S3, whatever event brought it here: an event only says
/// "look at this key". Every step is idempotent, so a duplicate, a stale or a redelivered event is harmless.
///
/// 1. HEAD the key. Its current version, or its absence, is the target.
/// 2. If the source item already names the target (or the target was rejected) and nothing is pending, stop: (a).
/// 3. Validate the version (streamed, pinned to it); a bad file writes nothing, is reported, and the version that
///    counted goes on counting.
/// 4. Write its readings and its meter-day pages under keys named by the version: they do not count yet.
/// 5. Switch the source item to the version (optimistic lock): now they count, and the previous version's stop.
/// 6. HEAD again; if the key changed meanwhile, start over, so a slow process never leaves an old version counting.
/// 7. Settle the meter-days: offer the new version's, retire the previous version's (recomputing only the
///    meter-days it counted in) and delete its readings — in parts settled by other invocations for a large
///    version. The day sums follow through the table's stream.
/// 8. Close the ledger entry.
public final class ObjectIngestor {
    let configuration: IngestConfiguration
    let s3: S3Client
    let dynamo: DynamoDBClient
    let sns: SNSClient
    let sqs: SQSClient
    /// A key that keeps changing under us gives up after this many rounds; the message is retried later.
    let maxRounds = 4
    var versions: KeyVersions { KeyVersions(s3: s3) }
    /// Who this process offers as: the current invocation, set by the handler as each begins (one ingestor serves
    /// the whole process, one invocation at a time); outside Lambda, the process.
    var offerer: Offerer

    /// Where meter files lie: nothing else in the bucket is ingested.
    public var incomingPrefix: String { configuration.incomingPrefix }

    public init(
        configuration: IngestConfiguration, s3: S3Client, dynamo: DynamoDBClient, sns: SNSClient, sqs: SQSClient
    ) {
        self.configuration = configuration
        self.s3 = s3
        self.dynamo = dynamo
        self.sns = sns
        self.sqs = sqs
        offerer = Offerer(name: "process-\(UInt64.random(in: 0...UInt64.max))", client: dynamo.client)
    }

    /// Starts an invocation: it offers as Lambda's request id.
    public func begin(invocation requestID: String) {
        offerer = Offerer(name: requestID, client: dynamo.client)
    }

    /// With `purging` (an event saying S3 removed something of the key), the readings of versions S3 deleted for
    /// good go too. With `sweepingJobs` (a message delivered before, whose invocation may have died between
    /// recording a step done and deleting its job; or a job's last piece just done), so do the key's settle jobs
    /// whose step is over.
    public func reconcile(
        bucket: String, key: String, deadline: Deadline, purging: Bool = false, sweepingJobs: Bool = false
    ) throws(IngestFailure) -> ObjectOutcome {
        let started = WallClock.nowMilliseconds()
        let tenant: String
        switch Tenancy.place(
            key: key, incomingPrefix: configuration.incomingPrefix, defaultTenant: configuration.defaultTenant)
        {
        case .outsideIncoming:
            return ObjectOutcome(kind: .ignored, tenant: nil, key: key)
        case .folder:
            // An empty "folder" is the console's placeholder; one that holds bytes is a file nobody can own.
            guard let version = try versions.current(bucket: bucket, key: key), version.size > 0 else {
                return ObjectOutcome(kind: .ignored, tenant: nil, key: key)
            }
            return try unassigned(version, bucket: bucket, reason: "a key ending in '/' holds \(version.size) bytes")
        case .invalidTenant(let segment):
            guard let version = try versions.current(bucket: bucket, key: key) else {
                return ObjectOutcome(kind: .ignored, tenant: nil, key: key)
            }
            return try unassigned(
                version, bucket: bucket,
                reason: "the tenant folder '\(segment.prefix(80))' breaks the rule: \(Tenancy.tenantRule)")
        case .tenant(let name):
            tenant = name
        }
        let sources = SourceStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant)
        let ledger = LedgerStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant)
        for _ in 1...maxRounds {
            guard !deadline.hasPassed else { throw .deadlineNear }
            let target = try versions.current(bucket: bucket, key: key)
            do throws(IngestFailure) {
                var outcome = try reconcileRound(
                    bucket: bucket, key: key, tenant: tenant, target: target,
                    sources: sources, ledger: ledger, deadline: deadline, started: started)
                if purging && outcome.kind != .split {
                    try purgeRemovedVersions(
                        bucket: bucket, key: key, tenant: tenant, sources: sources, ledger: ledger,
                        deadline: deadline)
                }
                if sweepingJobs {
                    outcome.jobsSwept = try settler(tenant: tenant, bucket: bucket, deadline: deadline).sweepJobs(
                        of: key)
                }
                outcome.durationMilliseconds = WallClock.nowMilliseconds() - started
                return outcome
            } catch .objectChanging {
                continue
            } catch {
                // Best effort: the failure may be DynamoDB's own, and the message's retry matters more than the note.
                if let target { try? ledger.recordFailure(target, error, now: WallClock.nowISO8601()) }
                throw error
            }
        }
        throw .objectChanging(key)
    }

    /// One round: nil `target` means the key has no object.
    func reconcileRound(
        bucket: String, key: String, tenant: String, target: ObjectVersion?, sources: SourceStore, ledger: LedgerStore,
        deadline: Deadline, started: Int
    ) throws(IngestFailure) -> ObjectOutcome {
        var state = try sources.read(key: key)
        var outcome = ObjectOutcome(
            kind: target == nil ? .deleted : .ingested, tenant: tenant, key: key, version: target)
        if let target {
            let counts = state.counting?.identity.tag == target.tag
            let entry = try ledger.entry(of: target)
            let status = entry.status
            var rejected = status == .rejected
            if !counts && !rejected {
                let readStarted = WallClock.nowMilliseconds()
                let stats = try ingest(target, bucket: bucket, tenant: tenant, ledger: ledger, deadline: deadline)
                outcome.readWriteMilliseconds = WallClock.nowMilliseconds() - readStarted
                outcome.stats = stats
                if let ranges = stats.rangesInFlight {
                    // Other invocations write the ranges; the one that writes the last has the key reconciled.
                    outcome.kind = .split
                    outcome.detail = "\(ranges) of its ranges are being written"
                    outcome.durationMilliseconds = WallClock.nowMilliseconds() - started
                    return outcome
                }
                rejected = stats.errorCount > 0
                if !rejected {
                    state = try switchSource(
                        from: state, sources: sources,
                        to: SourceItem.CountingVersion(identity: target.identity, meterDays: stats.meterDays))
                }
            } else if !state.hasPendingWork && !rejected && status?.isFinal == true {
                return ObjectOutcome(kind: .unchanged, tenant: tenant, key: key, version: target)
            }
            if rejected {
                outcome.kind = outcome.stats == nil ? .unchanged : .rejected
                if entry.alertedAt == nil {
                    try alert(
                        FileAlert(
                            kind: .rejected, tenant: tenant, bucket: bucket, version: target,
                            summary: outcome.stats?.errorSummary ?? entry.errorSummary ?? "",
                            reportKey: outcome.stats?.reportKey ?? entry.reportKey), ledger: ledger)
                }
                // A rejected version never counts, and does not erase the key's last valid version: that one counts.
                switch try lastValidVersion(
                    before: target, state: state, bucket: bucket, tenant: tenant, ledger: ledger, deadline: deadline)
                {
                case .version(let fallback):
                    state = try switchSource(from: state, sources: sources, to: fallback)
                    try ledger.finishIngested(
                        key: fallback.identity.key, tag: fallback.identity.tag, switchCount: state.switchCount,
                        durationMilliseconds: 0, now: WallClock.nowISO8601())
                    outcome.detail =
                        "the last valid version counts: \(fallback.identity.versionID ?? fallback.identity.tag)"
                case .nothing where state.counting != nil:
                    state = try switchSource(from: state, sources: sources, to: nil)
                    outcome.detail = "no valid version since the key's last delete: nothing of it counts"
                case .inFlight(let ranges):
                    // The last range's writer has the key reconciled, and the fallback then counts.
                    outcome.kind = .split
                    outcome.detail = "the last valid version is being written: \(ranges) of its ranges"
                    return outcome
                case .unchanged, .nothing:
                    if !state.hasPendingWork { return outcome }
                }
            }
        } else if state.counting != nil {
            state = try switchSource(from: state, sources: sources, to: nil)
        } else if !state.hasPendingWork {
            return ObjectOutcome(kind: .unchanged, tenant: tenant, key: key)
        }
        // A slow process must not leave an old version counting: the key must still hold what was switched to
        // (or, for a rejected target, the version whose rejection was decided).
        guard try versions.current(bucket: bucket, key: key)?.tag == target?.tag else { throw .objectChanging(key) }

        // Marked before they are settled: the versions stopped counting at their switch, and a mark after the settling
        // would be lost to an invocation that died between recording the retire and marking.
        for retiring in state.retiring {
            try ledger.markDeleted(
                key: key, tag: retiring.tag, switchCount: retiring.switchCount, now: WallClock.nowISO8601())
        }
        let settler = settler(tenant: tenant, bucket: bucket, deadline: deadline)
        let settleStarted = WallClock.nowMilliseconds()
        var cost = MeterDayRecomputer.Cost()
        let settlement = try settler.settle(&state, offerer: offerer, now: WallClock.nowISO8601, cost: &cost)
        outcome.meterDaysRecomputed = cost.meterDays
        outcome.readingsRead = cost.readingsRead
        outcome.settleMilliseconds = WallClock.nowMilliseconds() - settleStarted
        switch settlement {
        case .superseded:
            throw .objectChanging(key)
        case .inParts(let parts):
            // Other invocations settle the parts; the one that settles the last has the key reconciled.
            outcome.kind = .split
            outcome.detail = "\(parts) parts of its settling are being done"
            return outcome
        case .settled:
            break
        }
        if let target, outcome.kind == .ingested, state.counting?.identity.tag == target.tag {
            try ledger.finishIngested(
                key: target.key, tag: target.tag, switchCount: state.switchCount,
                durationMilliseconds: WallClock.nowMilliseconds() - started,
                now: WallClock.nowISO8601())
        }
        return outcome
    }

    /// Reads one version: validated, then (when valid) its readings and pages written; the counts go to the ledger,
    /// and a rejection is final there before anything else happens, so no retry takes it for anything else.
    func ingest(
        _ version: ObjectVersion, bucket: String, tenant: String, ledger: LedgerStore, deadline: Deadline
    ) throws(IngestFailure) -> FileStats {
        let progress = try ledger.start(version, now: WallClock.nowISO8601())
        let stats: FileStats
        do throws(IngestFailure) {
            stats = try readAndWrite(
                bucket: bucket, tenant: tenant, version: version, progress: progress, ledger: ledger,
                deadline: deadline)
        } catch .objectChanging(let code) where code == "NoSuchVersion" || code == "NoSuchKey" {
            // Gone for good, it can never count. The removal's purge closes such an entry, but may have listed the
            // key's entries before this attempt's mark landed: closed here too, unless the version counts (its
            // retire marks it).
            let state = try SourceStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant).read(
                key: version.key)
            if state.counting?.identity.tag != version.tag {
                try ledger.markDeleted(
                    key: version.key, tag: version.tag, switchCount: state.switchCount, now: WallClock.nowISO8601())
            }
            throw .objectChanging(code)
        }
        try ledger.recordStats(version, stats)
        if stats.errorCount > 0 {
            try ledger.reject(version, now: WallClock.nowISO8601())
        }
        return stats
    }

    func settler(tenant: String, bucket: String, deadline: Deadline) -> MeterDaySettler {
        MeterDaySettler(
            configuration: configuration, dynamo: dynamo, sqs: sqs, versions: versions, tenant: tenant, bucket: bucket,
            deadline: deadline)
    }

    /// Makes `version` (nil: none) the key's counting version, starting from `current` (the item as last read),
    /// and re-reading it whenever another switch lands first.
    func switchSource(
        from current: SourceItem, sources: SourceStore, to version: SourceItem.CountingVersion?
    ) throws(IngestFailure) -> SourceItem {
        var current = current
        for _ in 0..<20 {
            let next = current.switched(to: version, now: WallClock.nowMilliseconds())
            if try sources.replace(next, expectedSwitchCount: current.switchCount, now: WallClock.nowISO8601()) {
                return next
            }
            current = try sources.read(key: current.key)
            // Another process switched to the same version first (two events of one key at once): its switch
            // stands, and switching again would make its offers retract themselves for nothing.
            if current.counting?.identity.tag == version?.identity.tag { return current }
        }
        throw .objectChanging(current.key)
    }
}
