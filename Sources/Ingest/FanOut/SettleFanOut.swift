import AWSServices
import ConsumptionTable

/// Where the parts of a large version's settling go, and how large a part is: a version with more meter-days than
/// `partMeterDays` left to offer or retire is settled in parts by whichever invocations take them.
struct SettleFanOut {
    let sqs: SQSClient
    let queueURL: String
    let bucket: String
    /// The messages' group: fair queues share the work queue's consumers among tenants.
    let tenant: String
    let partMeterDays: Int

    /// One message per part not yet settled (a repeated call sends them again: a part settled twice changes
    /// nothing the first did not); returns how many.
    func send(_ job: SettleJob) throws(IngestFailure) -> Int {
        let left = (0..<job.parts).filter { !job.done.contains($0) }
        try IngestFailure.awsCall { () throws(AWSError) in
            try sqs.send(
                left.map { SettleWork(bucket: bucket, job: job, part: $0).json.serialized }, to: queueURL,
                group: tenant)
        }
        return left.count
    }
}
