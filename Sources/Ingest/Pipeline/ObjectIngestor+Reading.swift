import AWSServices
import ConsumptionCore
import ConsumptionTable
import LambdaRuntime
import Timekeeping

/// A version read and written: its readings streamed into the table, under the rules of the tenant's settings.
extension ObjectIngestor {
    /// Validates, then (for a valid file) writes every reading and page; returns the counts.
    /// An earlier attempt's progress skips the validation it finished and the readings it wrote.
    func readAndWrite(
        bucket: String, tenant: String, version: ObjectVersion, progress: LedgerItem, ledger: LedgerStore,
        deadline: Deadline
    ) throws(IngestFailure) -> FileStats {
        // Once a version is validated, every pass over it reads it with the settings it was validated with.
        var settings = progress.settings ?? TenantSettings()
        if progress.settings == nil { settings = try tenantSettings(tenant) }
        let rules = configuration.rulesToday(settings)
        let reader = PinnedObjectReader(
            s3: s3, bucket: bucket, version: version, chunkBytes: configuration.readChunkBytes,
            deadline: deadline)
        let fanOut = configuration.workQueueURL.map {
            RangeFanOut(
                sqs: sqs, queueURL: $0, bucket: bucket, tenant: tenant, rangeBytes: configuration.rangeBytes,
                fanOutBytes: configuration.fanOutBytes)
        }
        if let job = progress.job {
            guard job.isComplete else {
                guard let fanOut else {
                    throw .aws(.configuration("WORK_QUEUE_URL is not set, and \(version.key) has ranges to write"))
                }
                return try fanOut.send(job, of: version, stats: progress.stats)
            }
            // Every range is written: the counts recorded when the job was made are the file's.
            guard let stats = progress.stats else {
                throw .corruptItem("the ledger item of \(version.key) has ranges but no counts")
            }
            return stats
        }
        if progress.validated != true {
            let plan = fanOut?.plan(for: version)
            let checked = try reader.validate(rules: rules, rangePlan: plan)
            if !checked.isValid {
                return try reject(checked, bucket: bucket, tenant: tenant, version: version, deadline: deadline)
            }
            if let fanOut, plan != nil && checked.rangeStarts.count > 1 {
                // A valid wide or daily-values file: a data row is a meter-day.
                var stats = FileStats(result: checked, meterDays: checked.rows)
                stats.settings = settings
                let job = RangeJob(starts: checked.rangeStarts)
                try ledger.recordStats(version, stats)
                try ledger.startJob(version, job, settings: settings)
                return try fanOut.send(job, of: version, stats: stats)
            }
        }
        let writer = ReadingWriter(
            dynamo: dynamo, table: configuration.tableName, tenant: tenant, version: version.identity,
            parallelism: configuration.writeParallelism, deadline: deadline,
            alreadyWritten: progress.writtenMeterDays ?? 0)
        let written: MeterFileResult
        do throws(IngestFailure) {
            written = try reader.write(rules: rules, onMeterDay: writer.add) { () throws(IngestFailure) in
                try writer.flushIfFull()
            }
            try writer.finish()
        } catch .deadlineNear {
            try ledger.recordProgress(
                version, writtenMeterDays: writer.writtenMeterDays, settings: settings, now: WallClock.nowISO8601())
            throw .deadlineNear
        }
        var stats = FileStats(result: written, meterDays: writer.meterDays)
        stats.settings = settings
        return stats
    }

    /// What the tenant has set (`consumption tenants`); the defaults when nothing.
    func tenantSettings(_ tenant: String) throws(IngestFailure) -> TenantSettings {
        let item = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(table: configuration.tableName, key: TenantSettings.key(tenant: tenant))
        }
        guard let item else { return TenantSettings() }
        guard let settings = TenantSettings(item: item) else {
            throw .corruptItem("the settings of tenant \(tenant) do not parse")
        }
        return settings
    }
}
