import AWSServices
import ConsumptionTable
import Timekeeping

/// A settle part's handler: settles one part of a large version's offers or retire (`SettleFanOut` sent them).
/// When this part completes the job, the outcome says so and the caller has the key reconciled, which finds the
/// job complete and goes on.
struct PartSettler {
    let configuration: IngestConfiguration
    let s3: S3Client
    let dynamo: DynamoDBClient
    let sqs: SQSClient

    /// `receive` counts the receives of the part's message: one past the first means every earlier one died before
    /// recording progress (one that recorded any was continued in a fresh message), so rounds halve with each.
    func settle(_ work: SettleWork, receive: Int, deadline: Deadline) throws(IngestFailure) -> WorkOutcome {
        var settler = MeterDaySettler(
            configuration: configuration, dynamo: dynamo, sqs: sqs, versions: KeyVersions(s3: s3),
            tenant: try configuration.tenant(ofWorkOn: work.key), bucket: work.bucket, deadline: deadline)
        settler.roundHalvings = min(max(0, receive - 1), 6)
        var cost = MeterDayRecomputer.Cost()
        let part = try settler.settle(
            part: work, now: WallClock.nowISO8601, cost: &cost)
        return WorkOutcome(done: part.settled, detail: part.detail, jobComplete: part.jobComplete)
    }

    /// How far a part's settling has come: the first meter-day of the part and the one it resumes at (nil when the
    /// part is done or its job gone). A receive of the part's message that died still saved its progress.
    func position(of work: SettleWork) throws(IngestFailure) -> (start: Int, resume: Int)? {
        let jobs = SettleJobStore(
            dynamo: dynamo, table: configuration.tableName, tenant: try configuration.tenant(ofWorkOn: work.key))
        guard
            let job = try jobs.read(kind: work.kind, key: work.key, tag: work.tag, switchCount: work.switchCount),
            work.part < job.parts, !job.done.contains(work.part)
        else { return nil }
        return (job.meterDays(of: work.part).lowerBound, job.resumePosition(of: work.part))
    }
}
