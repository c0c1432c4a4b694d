import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// What a key counts while its current version is rejected, and the readings of versions S3 no longer holds.
extension ObjectIngestor {
    /// What a key whose current version is rejected counts.
    enum Fallback {
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
    /// the key's last delete marker. Versions not read before are read on the way (at most ten). The caller switches
    /// to it and marks it ingested; one found counting already is marked here, should its switch's invocation have
    /// died before the mark.
    func lastValidVersion(
        before rejected: ObjectVersion, state: SourceItem, bucket: String, tenant: String, ledger: LedgerStore,
        deadline: Deadline
    ) throws(IngestFailure) -> Fallback {
        guard let rejectedID = rejected.versionID else { return .unchanged }
        let history = try IngestFailure.awsCall { () throws(AWSError) in
            try s3.versions(bucket: bucket, key: rejected.key)
        }
        guard let position = history.firstIndex(where: { $0.versionID == rejectedID }) else { return .unchanged }
        let older = history[(position + 1)...]
        for entry in older.prefix(10) {
            if entry.isDeleteMarker { return .nothing }
            let head = try IngestFailure.awsCall { () throws(AWSError) in
                try s3.headObject(bucket: bucket, key: rejected.key, versionID: entry.versionID)
            }
            guard let head, let version = ObjectVersion(key: rejected.key, head: head) else { continue }
            let status = try ledger.entry(of: version).status
            if state.counting?.identity.tag == version.tag {
                if status != .ingested {
                    try ledger.finishIngested(
                        key: version.key, tag: version.tag, switchCount: state.switchCount, durationMilliseconds: 0,
                        now: WallClock.nowISO8601())
                }
                return .unchanged
            }
            if status == .rejected { continue }
            let stats = try ingest(version, bucket: bucket, tenant: tenant, ledger: ledger, deadline: deadline)
            // Switched to only once every range is written: the last range's writer comes back for the switch.
            if let ranges = stats.rangesInFlight { return .inFlight(ranges) }
            if stats.errorCount == 0 {
                return .version(SourceItem.CountingVersion(identity: version.identity, meterDays: stats.meterDays))
            }
        }
        // Past ten versions back the search stops, and what counts goes on counting.
        return older.count > 10 ? .unchanged : .nothing
    }

    /// Deletes the readings and pages of the versions of `key` S3 has deleted for good (by VersionId, or expired
    /// by its lifecycle) and that no longer count: their retire kept them while S3 held the version. A version left
    /// `processing` (its attempt died, and the key had moved on before a retry) never counted and never will: it is
    /// marked `deleted` and purged as far as its recorded counts, or else its pages, name its meter-days.
    func purgeRemovedVersions(
        bucket: String, key: String, tenant: String, sources: SourceStore, ledger: LedgerStore, deadline: Deadline
    ) throws(IngestFailure) {
        let removable = try ledger.entries(ofKey: key).filter {
            ($0.status == .deleted || $0.status == .processing) && $0.purgedAt == nil
        }
        guard !removable.isEmpty else { return }
        let stored = try versions.storedTags(bucket: bucket, key: key)
        let state = try sources.read(key: key)
        let settler = settler(tenant: tenant, bucket: bucket, deadline: deadline)
        for entry in removable {
            guard let version = entry.version, !stored.contains(version.tag),
                state.counting?.identity.tag != version.tag, !state.retiring.contains(where: { $0.tag == version.tag })
            else { continue }
            if entry.status == .processing {
                try ledger.markDeleted(
                    key: key, tag: version.tag, switchCount: state.switchCount, now: WallClock.nowISO8601())
            }
            let meterDays: Int
            if let recorded = entry.stats?.meterDays {
                meterDays = recorded
            } else {
                meterDays = try settler.pagedMeterDays(key: key, tag: version.tag)
            }
            try settler.purge(key: key, tag: version.tag, meterDays: meterDays)
            try ledger.markPurged(key: key, tag: version.tag, now: WallClock.nowISO8601())
        }
    }
}
