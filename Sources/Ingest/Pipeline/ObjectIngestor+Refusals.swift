import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// Files that will not count: an object of no tenant, a rejected version, and the alert each sends once.
extension ObjectIngestor {
    /// An object in no tenant's folder: a ledger entry of the reserved tenant (visible to an operator's key) and
    /// one alert, never a reading.
    func unassigned(_ version: ObjectVersion, bucket: String, reason: String) throws(IngestFailure)
        -> ObjectOutcome
    {
        let ledger = LedgerStore(dynamo: dynamo, table: configuration.tableName, tenant: Tenancy.unassigned)
        let entry = try ledger.entry(of: version)
        var outcome = ObjectOutcome(
            kind: .unassigned, tenant: Tenancy.unassigned, key: version.key, version: version, detail: reason)
        if entry.status != .unassigned {
            try ledger.recordUnassigned(version, reason: reason, now: WallClock.nowISO8601())
        }
        if entry.alertedAt != nil {
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
    func alert(_ alert: FileAlert, ledger: LedgerStore) throws(IngestFailure) {
        guard let topic = configuration.alertTopicARN else { return }
        try alert.publish(with: sns, topic: topic)
        try ledger.recordAlerted(alert.version, now: WallClock.nowISO8601())
    }

    /// Stores the report of a file that failed validation; nothing of it is written to the table.
    func reject(
        _ checked: MeterFileResult, bucket: String, tenant: String, version: ObjectVersion, deadline: Deadline
    )
        throws(IngestFailure) -> FileStats
    {
        var stats = FileStats(result: checked, meterDays: 0)
        let reportKey = RejectionReport.key(for: version, tenant: tenant, configuration: configuration)
        let report = RejectionReport(
            tenant: tenant, bucket: bucket, version: version, result: checked, createdAt: WallClock.nowISO8601())
        _ = try IngestFailure.awsCall { () throws(AWSError) in
            try s3.putObject(
                bucket: bucket, key: reportKey, body: report.json.serializedBytes,
                contentType: "application/json", deadline: deadline)
        }
        stats.reportKey = reportKey
        return stats
    }
}
