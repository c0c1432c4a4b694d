import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// A large file's work done by other invocations: its ranges to write and its parts to settle.
extension ObjectIngestor {
    /// How to cut `version` into ranges written apart, or nil when it is written here: no range queue, or too small.
    func fanOutPlan(for version: ObjectVersion) -> RangePlan? {
        guard configuration.workQueueURL != nil, version.size >= configuration.fanOutBytes else { return nil }
        return RangePlan(bytes: configuration.rangeBytes, alignment: VersionPage.capacity)
    }

    /// One message per range not yet written (a redelivery sends the missing ones again; a range written twice
    /// writes the same items).
    func sendRanges(_ job: RangeJob, of version: ObjectVersion, bucket: String, tenant: String, stats: FileStats?)
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
        try IngestFailure.awsCall { () throws(AWSError) in
            try sqs.send(bodies, to: queue, group: tenant)
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

    /// How far a part's settling has come: the first meter-day of the part and the one it resumes at (nil when the
    /// part is done or its job gone). A receive of the part's message that died still saved its progress.
    public func settlePosition(_ work: SettleWork) throws(IngestFailure) -> (start: Int, resume: Int)? {
        let jobs = SettleJobStore(
            dynamo: dynamo, table: configuration.tableName, tenant: try tenant(ofWorkOn: work.key))
        guard
            let job = try jobs.read(kind: work.kind, key: work.key, tag: work.tag, switchCount: work.switchCount),
            work.part < job.parts, !job.done.contains(work.part)
        else { return nil }
        return (job.meterDays(of: work.part).lowerBound, job.resumePosition(of: work.part))
    }

    /// The tenant of a key a piece of work names: a key the work queue carries was placed when it was split.
    func tenant(ofWorkOn key: String) throws(IngestFailure) -> String {
        guard
            case .tenant(let tenant) = Tenancy.place(
                key: key, incomingPrefix: configuration.incomingPrefix, defaultTenant: configuration.defaultTenant)
        else { throw .corruptItem("work on \(key), which belongs to no tenant") }
        return tenant
    }
}
