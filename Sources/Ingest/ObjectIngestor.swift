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
    private let configuration: IngestConfiguration
    private let s3: S3Client
    private let dynamo: DynamoDBClient
    private let sns: SNSClient
    private let sqs: SQSClient
    /// A key that keeps changing under us gives up after this many rounds; the message is retried later.
    private let maxRounds = 4

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
    }

    /// With `purging` (an event saying S3 removed something of the key), the readings of versions S3 deleted for
    /// good go too.
    public func reconcile(bucket: String, key: String, deadline: Deadline, purging: Bool = false)
        throws(IngestFailure) -> ObjectOutcome
    {
        let started = WallClock.nowMilliseconds()
        let tenant: String
        switch Tenancy.place(
            key: key, incomingPrefix: configuration.incomingPrefix, defaultTenant: configuration.defaultTenant)
        {
        case .outsideIncoming:
            return ObjectOutcome(kind: .ignored, tenant: nil, key: key)
        case .folder:
            // An empty "folder" is the console's placeholder; one that holds bytes is a file nobody can own.
            guard let version = try head(bucket: bucket, key: key), version.size > 0 else {
                return ObjectOutcome(kind: .ignored, tenant: nil, key: key)
            }
            return try unassigned(version, bucket: bucket, reason: "a key ending in '/' holds \(version.size) bytes")
        case .invalidTenant(let segment):
            guard let version = try head(bucket: bucket, key: key) else {
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
            let target = try head(bucket: bucket, key: key)
            do throws(IngestFailure) {
                var outcome = try bringUpToDate(
                    bucket: bucket, key: key, tenant: tenant, target: target,
                    sources: sources, ledger: ledger, deadline: deadline, started: started)
                if purging && outcome.kind != .split {
                    try purgeRemovedVersions(
                        bucket: bucket, key: key, tenant: tenant, ledger: ledger, deadline: deadline)
                }
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

    /// An object in no tenant's folder: a ledger entry of the reserved tenant (visible to an operator's key) and
    /// one alert, never a reading.
    private func unassigned(_ version: ObjectVersion, bucket: String, reason: String) throws(IngestFailure)
        -> ObjectOutcome
    {
        let ledger = LedgerStore(dynamo: dynamo, table: configuration.tableName, tenant: Tenancy.unassigned)
        let entry = try ledger.entry(of: version)
        var outcome = ObjectOutcome(
            kind: .unassigned, tenant: Tenancy.unassigned, key: version.key, version: version, detail: reason)
        if entry.status != .unassigned { try ledger.recordUnassigned(version, reason: reason, now: now()) }
        if entry.alerted {
            outcome.kind = .unchanged
        } else {
            try alert(
                FileAlert(
                    kind: .unassigned, tenant: Tenancy.unassigned, bucket: bucket, version: version, summary: reason,
                    reportKey: nil), ledger: ledger)
        }
        return outcome
    }

    /// Tells the alert topic, once per version: the ledger records that it went out.
    private func alert(_ alert: FileAlert, ledger: LedgerStore) throws(IngestFailure) {
        guard let topic = configuration.alertTopicARN else { return }
        try alert.publish(with: sns, topic: topic)
        try ledger.recordAlerted(alert.version, now: now())
    }

    /// One round: nil `target` means the key has no object.
    private func bringUpToDate(
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
                    // Other invocations write the ranges; the one that writes the last comes back here.
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
                if !entry.alerted {
                    try alert(
                        FileAlert(
                            kind: .rejected, tenant: tenant, bucket: bucket, version: target,
                            summary: outcome.stats?.errorSummary ?? entry.errorSummary ?? "",
                            reportKey: outcome.stats?.reportKey ?? entry.reportKey), ledger: ledger)
                }
                // A rejected version never counts, and does not erase the key's last valid version: that one counts.
                switch try lastValidVersion(
                    before: target, counting: state.counting, bucket: bucket, tenant: tenant, ledger: ledger,
                    deadline: deadline)
                {
                case .version(let fallback):
                    state = try switchSource(from: state, sources: sources, to: fallback)
                    outcome.detail =
                        "the last valid version counts: \(fallback.identity.versionID ?? fallback.identity.tag)"
                case .nothing where state.counting != nil:
                    state = try switchSource(from: state, sources: sources, to: nil)
                    outcome.detail = "no valid version since the key's last delete: nothing of it counts"
                case .inFlight(let ranges):
                    // The last range's writer comes back here, and the fallback then counts.
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
        guard try head(bucket: bucket, key: key)?.tag == target?.tag else { throw .objectChanging(key) }

        let settler = settler(tenant: tenant, bucket: bucket, deadline: deadline)
        let retiring = state.retiring.map(\.tag)
        let settleStarted = WallClock.nowMilliseconds()
        var cost = MeterDayRecomputer.Cost()
        let settlement = try settler.settle(&state, now: now, cost: &cost)
        outcome.meterDaysRecomputed = cost.meterDays
        outcome.readingsRead = cost.readingsRead
        outcome.settleMilliseconds = WallClock.nowMilliseconds() - settleStarted
        switch settlement {
        case .superseded:
            throw .objectChanging(key)
        case .inParts(let parts):
            // Other invocations settle the parts; the one that settles the last comes back here.
            outcome.kind = .split
            outcome.detail = "\(parts) parts of its settling are being done"
            return outcome
        case .settled:
            break
        }
        for tag in retiring { try ledger.markDeleted(key: key, tag: tag, now: now()) }
        if let target, outcome.kind == .ingested, state.counting?.identity.tag == target.tag {
            try ledger.finish(
                target, status: .ingested, durationMilliseconds: WallClock.nowMilliseconds() - started, now: now())
        }
        return outcome
    }

    /// Reads one version: validated, then (when valid) its readings and pages written; the counts go to the ledger,
    /// and a rejection is final there before anything else happens, so no retry takes it for anything else.
    private func ingest(
        _ version: ObjectVersion, bucket: String, tenant: String, ledger: LedgerStore, deadline: Deadline
    ) throws(IngestFailure) -> FileStats {
        let progress = try ledger.start(version, now: now())
        let stats = try readAndWrite(
            bucket: bucket, tenant: tenant, version: version, progress: progress, ledger: ledger, deadline: deadline)
        try ledger.recordStats(version, stats)
        if stats.errorCount > 0 {
            try ledger.finish(version, status: .rejected, durationMilliseconds: 0, now: now())
        }
        return stats
    }

    /// Whether the key's latest entry is an object (not a delete marker, not nothing).
    private func hasObject(bucket: String, key: String) throws(AWSError) -> Bool {
        guard let newest = try s3.versions(bucket: bucket, key: key).first else { return false }
        return newest.isLatest && !newest.isDeleteMarker
    }

    /// What a key whose current version is rejected counts.
    private enum Fallback {
        /// What counts goes on counting: it is the fallback already, or the bucket keeps no versions (the table then
        /// keeps whatever counted), or the history moved under us (the caller's second HEAD sees it).
        case unchanged
        /// The newest valid version before the rejected one, after the key's last delete marker.
        case version(SourceItem.CountingVersion)
        /// No valid version since the key's last delete marker (or ever): nothing of the key counts.
        case nothing
        /// The fallback is a large version whose ranges are still being written (this many were sent again).
        case inFlight(Int)
    }

    /// The version that counts while the key's current version is rejected: the newest valid one before it, after
    /// the key's last delete marker. Versions not read before are read on the way (at most ten).
    private func lastValidVersion(
        before rejected: ObjectVersion, counting: SourceItem.CountingVersion?, bucket: String, tenant: String,
        ledger: LedgerStore, deadline: Deadline
    ) throws(IngestFailure) -> Fallback {
        guard let rejectedID = rejected.versionID else { return .unchanged }
        let history: [S3VersionEntry]
        do throws(AWSError) {
            history = try s3.versions(bucket: bucket, key: rejected.key)
        } catch {
            throw .aws(error)
        }
        guard let position = history.firstIndex(where: { $0.versionID == rejectedID }) else { return .unchanged }
        let older = history[(position + 1)...]
        for entry in older.prefix(10) {
            if entry.isDeleteMarker { return .nothing }
            let head: S3ObjectHead?
            do throws(AWSError) {
                head = try s3.headObject(bucket: bucket, key: rejected.key, versionID: entry.versionID)
            } catch {
                throw .aws(error)
            }
            guard let head, let version = ObjectVersion(key: rejected.key, head: head) else { continue }
            if counting?.identity.tag == version.tag { return .unchanged }
            if try ledger.entry(of: version).status == .rejected { continue }
            let stats = try ingest(version, bucket: bucket, tenant: tenant, ledger: ledger, deadline: deadline)
            // Marked ingested only once every range is written: the last range's writer comes back for the switch.
            if let ranges = stats.rangesInFlight { return .inFlight(ranges) }
            if stats.errorCount == 0 {
                try ledger.finish(version, status: .ingested, durationMilliseconds: 0, now: now())
                return .version(SourceItem.CountingVersion(identity: version.identity, meterDays: stats.meterDays))
            }
        }
        // Past ten versions back the search stops, and what counts goes on counting.
        return older.count > 10 ? .unchanged : .nothing
    }

    /// Validates, then (for a valid file) writes every reading and page; returns the counts.
    /// An earlier attempt's progress skips the validation it finished and the readings it wrote.
    private func readAndWrite(
        bucket: String, tenant: String, version: ObjectVersion, progress: LedgerStore.Entry, ledger: LedgerStore,
        deadline: Deadline
    ) throws(IngestFailure) -> FileStats {
        // Once a version is validated, every pass over it reads it with the settings it was validated with.
        var settings = progress.settings ?? TenantSettings()
        if progress.settings == nil { settings = try tenantSettings(tenant) }
        let rules = rulesToday(settings)
        let reader = PinnedObjectReader(
            s3: s3, bucket: bucket, version: version, chunkBytes: configuration.readChunkBytes,
            deadline: deadline)
        if let job = progress.job {
            guard job.isComplete else {
                return try sendRanges(job, of: version, bucket: bucket, stats: progress.stats)
            }
            // Every range is written: the counts recorded when the job was made are the file's.
            guard let stats = progress.stats else {
                throw .corruptItem("the ledger item of \(version.key) has ranges but no counts")
            }
            return stats
        }
        if !progress.validated {
            let plan = fanOutPlan(for: version)
            let checked = try reader.validate(rules: rules, rangePlan: plan)
            if !checked.isValid {
                return try reject(checked, bucket: bucket, tenant: tenant, version: version, deadline: deadline)
            }
            if plan != nil && checked.rangeStarts.count > 1 {
                // A valid wide or daily-values file: a data row is a meter-day.
                var stats = FileStats(result: checked, meterDays: checked.rows)
                stats.settings = settings
                let job = RangeJob(starts: checked.rangeStarts)
                try ledger.recordStats(version, stats)
                try ledger.startJob(version, job, settings: settings)
                return try sendRanges(job, of: version, bucket: bucket, stats: stats)
            }
        }
        let writer = ReadingWriter(
            dynamo: dynamo, table: configuration.tableName, tenant: tenant, source: version.identity,
            parallelism: configuration.writeParallelism, deadline: deadline,
            alreadyWritten: progress.writtenMeterDays)
        let written: MeterFileResult
        do throws(IngestFailure) {
            written = try reader.write(rules: rules, onMeterDay: writer.add) { () throws(IngestFailure) in
                try writer.flushIfFull()
            }
            try writer.finish()
        } catch .deadlineNear {
            try ledger.recordProgress(
                version, writtenMeterDays: writer.writtenMeterDays, settings: settings, now: now())
            throw .deadlineNear
        }
        var stats = FileStats(result: written, meterDays: writer.meterDays)
        stats.settings = settings
        return stats
    }

    /// The validation rules as of the wall clock's day (the date window moves with it), for a file read as a
    /// tenant's `settings` say.
    private func rulesToday(_ settings: TenantSettings) -> ValidationRules {
        configuration.rules(
            today: CalendarDate(daysSinceEpoch: WallClock.nowMilliseconds() / 86_400_000), settings: settings)
    }

    /// What the tenant has set (`consumption tenants`); the defaults when nothing.
    private func tenantSettings(_ tenant: String) throws(IngestFailure) -> TenantSettings {
        let item: JSONValue?
        do throws(AWSError) {
            item = try dynamo.getItem(table: configuration.tableName, key: TenantSettings.key(tenant: tenant))
        } catch {
            throw .aws(error)
        }
        guard let item else { return TenantSettings() }
        guard let settings = TenantSettings(item: item) else {
            throw .corruptItem("the settings of tenant \(tenant) do not parse")
        }
        return settings
    }

    /// How to cut `version` into ranges written apart, or nil when it is written here: no range queue, or too small.
    private func fanOutPlan(for version: ObjectVersion) -> RangePlan? {
        guard configuration.workQueueURL != nil, version.size >= configuration.fanOutBytes else { return nil }
        return RangePlan(bytes: configuration.rangeBytes, alignment: VersionPage.capacity)
    }

    /// One message per range not yet written (a redelivery sends the missing ones again; a range written twice
    /// writes the same items).
    private func sendRanges(_ job: RangeJob, of version: ObjectVersion, bucket: String, stats: FileStats?)
        throws(IngestFailure) -> FileStats
    {
        guard var stats else { throw .corruptItem("the ledger item of \(version.key) has ranges but no counts") }
        guard let queue = configuration.workQueueURL else {
            throw .aws(.configuration("WORK_QUEUE_URL is not set, and \(version.key) has ranges to write"))
        }
        let left = job.starts.indices.filter { !job.done.contains($0) }
        let bodies = left.map {
            RangeWork(bucket: bucket, key: version.key, tag: version.tag, index: $0).json.serialized
        }
        do throws(AWSError) {
            try sqs.send(bodies, to: queue)
        } catch {
            throw .aws(error)
        }
        stats.rangesInFlight = left.count
        return stats
    }

    /// Writes one range of a version split by `sendRanges` and records it; the invocation that writes the last one
    /// brings the key up to date, as if the whole file had been written here. A range of a version that no longer
    /// is the key's is skipped: its readings could never count.
    public func writeRange(_ work: RangeWork, deadline: Deadline) throws(IngestFailure) -> WorkOutcome {
        let tenant = try tenant(ofWorkOn: work.key)
        let ledger = LedgerStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant)
        let entry = try ledger.entry(key: work.key, tag: work.tag)
        guard let version = entry.version, var job = entry.job, job.starts.indices.contains(work.index) else {
            throw .corruptItem("no range \(work.index) of \(work.key) on the ledger")
        }
        if entry.status?.isFinal == true { return WorkOutcome(done: false, detail: "the version is settled") }
        var written = false
        if !job.done.contains(work.index) {
            // A range whose version no longer is the key's is skipped (its readings could never count), unless the
            // key's current version is rejected: then this one may be the version that counts in its place.
            guard let current = try head(bucket: work.bucket, key: work.key) else {
                return WorkOutcome(done: false, detail: "a delete replaced this version")
            }
            if current.tag != work.tag, try ledger.entry(of: current).status != .rejected {
                return WorkOutcome(done: false, detail: "a newer version replaced this one")
            }
            let writer = ReadingWriter(
                dynamo: dynamo, table: configuration.tableName, tenant: tenant, source: version.identity,
                parallelism: configuration.writeParallelism, deadline: deadline,
                firstMeterDay: job.starts[work.index].meterDay)
            let reader = PinnedObjectReader(
                s3: s3, bucket: work.bucket, version: version, chunkBytes: configuration.readChunkBytes,
                deadline: deadline)
            _ = try reader.write(
                rules: rulesToday(entry.settings ?? TenantSettings()), range: (job, work.index), onMeterDay: writer.add
            ) { () throws(IngestFailure) in
                try writer.flushIfFull()
            }
            try writer.finish()
            job = try ledger.markRangeDone(version, index: work.index)
            written = true
        }
        var outcome = WorkOutcome(done: written, detail: "\(job.done.count) of \(job.starts.count) ranges written")
        if job.isComplete { outcome.completed = try reconcile(bucket: work.bucket, key: work.key, deadline: deadline) }
        return outcome
    }

    /// Settles one part of a large version's settling; the invocation that settles the last one brings the key up
    /// to date, which finds the job complete and goes on.
    public func settlePart(_ work: SettleWork, deadline: Deadline) throws(IngestFailure) -> WorkOutcome {
        let tenant = try tenant(ofWorkOn: work.key)
        var cost = MeterDayRecomputer.Cost()
        let part = try settler(tenant: tenant, bucket: work.bucket, deadline: deadline)
            .settle(part: work, now: now, cost: &cost)
        var outcome = WorkOutcome(done: part.settled, detail: part.detail)
        if part.jobComplete {
            outcome.completed = try reconcile(bucket: work.bucket, key: work.key, deadline: deadline)
        }
        return outcome
    }

    /// The tenant of a key a piece of work names: a key the work queue carries was placed when it was split.
    private func tenant(ofWorkOn key: String) throws(IngestFailure) -> String {
        guard
            case .tenant(let tenant) = Tenancy.place(
                key: key, incomingPrefix: configuration.incomingPrefix, defaultTenant: configuration.defaultTenant)
        else { throw .corruptItem("work on \(key), which belongs to no tenant") }
        return tenant
    }

    private func settler(tenant: String, bucket: String, deadline: Deadline) -> MeterDaySettler {
        let sources = SourceStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant)
        return MeterDaySettler(
            dynamo: dynamo, table: configuration.tableName, tenant: tenant, sources: sources,
            jobs: SettleJobStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant),
            recomputer: MeterDayRecomputer(
                dynamo: dynamo, table: configuration.tableName, tenant: tenant, sources: sources,
                parallelism: configuration.writeParallelism, deadline: deadline),
            fanOut: configuration.workQueueURL.map {
                SettleFanOut(
                    sqs: sqs, queueURL: $0, bucket: bucket, partMeterDays: configuration.settlePartMeterDays)
            },
            parallelism: configuration.writeParallelism, deadline: deadline,
            stillStored: { (key, tag) throws(IngestFailure) -> Bool in
                try self.storedTags(bucket: bucket, key: key).contains(tag)
            })
    }

    /// The tags of the versions S3 holds of `key` (none in a bucket without versioning: there a replaced object is
    /// gone).
    private func storedTags(bucket: String, key: String) throws(IngestFailure) -> Set<String> {
        do throws(AWSError) {
            return Set(
                try s3.versions(bucket: bucket, key: key).filter { !$0.isDeleteMarker && $0.versionID != "null" }
                    .map { ObjectVersion.tag(versionID: $0.versionID) })
        } catch {
            throw .aws(error)
        }
    }

    /// Deletes the readings and pages of the versions of `key` S3 has deleted for good (by VersionId, or expired
    /// by its lifecycle) and that no longer count: their retire kept them while S3 held the version.
    private func purgeRemovedVersions(
        bucket: String, key: String, tenant: String, ledger: LedgerStore, deadline: Deadline
    ) throws(IngestFailure) {
        let retired = try ledger.entries(ofKey: key).filter { $0.status == .deleted && !$0.purged }
        guard !retired.isEmpty else { return }
        let stored = try storedTags(bucket: bucket, key: key)
        let state = try SourceStore(dynamo: dynamo, table: configuration.tableName, tenant: tenant).read(key: key)
        let settler = settler(tenant: tenant, bucket: bucket, deadline: deadline)
        for entry in retired {
            guard let version = entry.version, !stored.contains(version.tag),
                state.counting?.identity.tag != version.tag, !state.retiring.contains(where: { $0.tag == version.tag })
            else { continue }
            try settler.purge(key: key, tag: version.tag, meterDays: entry.stats?.meterDays ?? 0)
            try ledger.markPurged(key: key, tag: version.tag, now: now())
        }
    }

    /// Stores the report of a file that failed validation; nothing of it is written to the table.
    private func reject(
        _ checked: MeterFileResult, bucket: String, tenant: String, version: ObjectVersion, deadline: Deadline
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
                contentType: "application/json", deadline: deadline)
        } catch {
            throw .aws(error)
        }
        stats.reportKey = reportKey
        return stats
    }

    /// Makes `version` (nil: none) the key's counting version, starting from `current` (the item as last read),
    /// and re-reading it whenever another switch lands first.
    private func switchSource(
        from current: SourceItem, sources: SourceStore, to version: SourceItem.CountingVersion?
    ) throws(IngestFailure) -> SourceItem {
        var current = current
        for _ in 0..<20 {
            let next = current.switched(to: version, now: WallClock.nowMilliseconds())
            if try sources.replace(next, expectedSwitchCount: current.switchCount, now: now()) { return next }
            current = try sources.read(key: current.key)
            // Another process switched to the same version first (two events of one key at once): its switch
            // stands, and switching again would make its offers retract themselves for nothing.
            if current.counting?.identity.tag == version?.identity.tag { return current }
        }
        throw .objectChanging(current.key)
    }

    /// The key's current version, or nil when it has none. S3 answers a HEAD of a missing key with 404 only to a
    /// caller allowed `s3:ListBucket` on the bucket, else 403; the template allows listing only under the incoming
    /// prefix, and a HEAD carries no prefix to match. So a 403 is settled by listing the key's own versions, which
    /// that grant allows: a key whose latest entry is no object is gone (no failure), and a key that has one makes
    /// the 403 a real refusal. After a 404 the listing tells a missing key from a missing bucket (`NoSuchBucket`,
    /// a wrong event), which a HEAD's bodiless answer cannot.
    private func head(bucket: String, key: String) throws(IngestFailure) -> ObjectVersion? {
        var head: S3ObjectHead?
        do throws(AWSError) {
            do throws(AWSError) {
                head = try s3.headObject(bucket: bucket, key: key)
                if head == nil { _ = try hasObject(bucket: bucket, key: key) }
            } catch {
                guard case .service(let failure) = error, failure.status == 403,
                    try !hasObject(bucket: bucket, key: key)
                else { throw error }
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
