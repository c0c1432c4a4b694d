import AWSServices
import ConsumptionCore
import ConsumptionTable
import Timekeeping

/// A range message's handler: writes one range of a version `RangeFanOut` cut, and records it on the ledger. When
/// this range completes the set, the outcome says so and the caller has the key reconciled, as if the whole file
/// had been written there. A range of a version that no longer is the key's is skipped: its readings could never
/// count.
struct RangeWriter {
    let configuration: IngestConfiguration
    let s3: S3Client
    let dynamo: DynamoDBClient

    func write(_ work: RangeWork, deadline: Deadline) throws(IngestFailure) -> WorkOutcome {
        let tenant = try configuration.tenant(ofWorkOn: work.key)
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
            guard let current = try KeyVersions(s3: s3).current(bucket: work.bucket, key: work.key) else {
                return WorkOutcome(done: false, detail: "a delete replaced this version")
            }
            if current.tag != work.tag, try ledger.entry(of: current).status != .rejected {
                return WorkOutcome(done: false, detail: "a newer version replaced this one")
            }
            let writer = ReadingWriter(
                dynamo: dynamo, table: configuration.tableName, tenant: tenant, version: version.identity,
                parallelism: configuration.writeParallelism, deadline: deadline,
                firstMeterDay: job.starts[work.index].meterDay)
            let reader = PinnedObjectReader(
                s3: s3, bucket: work.bucket, version: version, chunkBytes: configuration.readChunkBytes,
                deadline: deadline)
            _ = try reader.write(
                rules: configuration.rulesToday(entry.settings ?? TenantSettings()), range: (job, work.index),
                onMeterDay: writer.add
            ) { () throws(IngestFailure) in
                try writer.flushIfFull()
            }
            try writer.finish()
            job = try ledger.markRangeDone(version, index: work.index)
            written = true
        }
        return WorkOutcome(
            done: written, detail: "\(job.done.count) of \(job.starts.count) ranges written",
            jobComplete: job.isComplete)
    }
}
