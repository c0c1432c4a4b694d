import AWSServices
import ConsumptionCore
import ConsumptionTable

/// Where the ranges of a large version go, and when a version is large enough to be cut: a valid file of at least
/// `fanOutBytes` is written range by range by whichever invocations take the ranges (`RangeWriter`).
struct RangeFanOut {
    let sqs: SQSClient
    let queueURL: String
    let bucket: String
    /// The messages' group: fair queues share the work queue's consumers among tenants.
    let tenant: String
    let rangeBytes: Int
    let fanOutBytes: Int

    /// How to cut `version` into ranges written apart, or nil when it is written whole: too small.
    func plan(for version: ObjectVersion) -> RangePlan? {
        guard version.size >= fanOutBytes else { return nil }
        return RangePlan(bytes: rangeBytes, alignment: VersionPage.capacity)
    }

    /// One message per range not yet written (a redelivery sends the missing ones again; a range written twice
    /// writes the same items); returns the counts with how many ranges are in flight.
    func send(_ job: RangeJob, of version: ObjectVersion, stats: FileStats?) throws(IngestFailure) -> FileStats {
        guard var stats else { throw .corruptItem("the ledger item of \(version.key) has ranges but no counts") }
        let left = job.starts.indices.filter { !job.done.contains($0) }
        let bodies = left.map {
            RangeWork(bucket: bucket, key: version.key, tag: version.tag, index: $0).json.serialized
        }
        try IngestFailure.awsCall { () throws(AWSError) in try sqs.send(bodies, to: queueURL, group: tenant) }
        stats.rangesInFlight = left.count
        return stats
    }
}
