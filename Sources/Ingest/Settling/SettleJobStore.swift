import AWSServices
import ConsumptionTable
import JSON

/// Reads and writes the items of settle jobs (`SettleJob`): made by the invocation that finds a large version to
/// settle, completed part by part by the invocations that take the parts.
struct SettleJobStore {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String

    /// The job as stored (nil: never made, or finished and deleted).
    func read(_ job: SettleJob) throws(IngestFailure) -> SettleJob? {
        try read(kind: job.kind, key: job.key, tag: job.tag, switchCount: job.switchCount)
    }

    func read(kind: SettleJob.Kind, key: String, tag: String, switchCount: Int) throws(IngestFailure) -> SettleJob? {
        let item = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(
                table: table,
                key: SettleJob.key(tenant: tenant, kind: kind, key: key, tag: tag, switchCount: switchCount),
                consistent: true)
        }
        guard let item else { return nil }
        guard let job = SettleJob(item: item) else { throw .corruptItem("settle job of \(key) does not parse") }
        return job
    }

    /// Every job of `objectKey` (matched as bytes: a key whose hash collides is left out).
    func jobs(ofKey objectKey: String) throws(IngestFailure) -> [SettleJob] {
        let items = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.query(
                table: table,
                parameters: TableKeys.prefixQuery(
                    partition: TableKeys.settlePartition(tenant: tenant),
                    sortKeyPrefix: SettleJob.prefix(ofKey: objectKey)
                ))
        }
        var jobs: [SettleJob] = []
        for item in items {
            guard let job = SettleJob(item: item) else {
                throw .corruptItem("a settle job of \(objectKey) does not parse")
            }
            if job.key.utf8.elementsEqual(objectKey.utf8) { jobs.append(job) }
        }
        return jobs
    }

    /// The job as stored, made as `job` if it is not there yet (the first to make it wins; its parts count).
    func readOrMake(_ job: SettleJob) throws(IngestFailure) -> SettleJob {
        if let stored = try read(job) { return stored }
        let made = try IngestFailure.conditionalWrite { () throws(AWSError) in
            try dynamo.putItem(
                table: table, item: job.item(tenant: tenant),
                condition: ["ConditionExpression": "attribute_not_exists(pk)"])
        }
        if made { return job }
        guard let stored = try read(job) else { throw .corruptItem("settle job of \(job.key) vanished as it was made") }
        return stored
    }

    /// Part `index` is done; returns the job as it now stands (each part's invocation sees the others' too), or
    /// nil when the job is gone (finished, or superseded and deleted): never made again by a late part.
    func markPartDone(_ job: SettleJob, index: Int) throws(IngestFailure) -> SettleJob? {
        var update = UpdateExpression()
        update.add(SettleJob.doneAttribute, ["NS": [.string(String(index))]])
        let answer = try IngestFailure.conditionalWrite { () throws(AWSError) in
            try send(update, job, returnValues: "ALL_NEW")
        }
        guard let answer else { return nil }
        guard let stored = answer["Attributes"].flatMap(SettleJob.init(item:)) else {
            throw .aws(.invalidResponse("the settle job of \(job.key) does not parse"))
        }
        return stored
    }

    /// Part `index` has settled up to `position`; false when the job is gone (it finished, or its switch did).
    func recordProgress(_ job: SettleJob, part index: Int, position: Int) throws(IngestFailure) -> Bool {
        var update = UpdateExpression()
        update.set(SettleJob.progressAttribute(part: index), AttributeValues.number(position))
        return try IngestFailure.conditionalWrite { () throws(AWSError) in _ = try send(update, job) }
    }

    func delete(_ job: SettleJob) throws(IngestFailure) {
        try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.deleteItem(table: table, key: job.key(tenant: tenant))
        }
    }

    /// An update of the job's item while it exists: a job finished or superseded is never made again by a late part.
    private func send(_ update: UpdateExpression, _ job: SettleJob, returnValues: String? = nil) throws(AWSError)
        -> JSONValue
    {
        try dynamo.updateItem(
            table: table, key: job.key(tenant: tenant),
            expression: update.request(condition: "attribute_exists(pk)", returnValues: returnValues))
    }
}
