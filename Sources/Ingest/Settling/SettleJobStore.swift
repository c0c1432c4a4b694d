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
        let item: JSONValue?
        do throws(AWSError) {
            item = try dynamo.getItem(
                table: table,
                key: SettleJob.key(tenant: tenant, kind: kind, key: key, tag: tag, switchCount: switchCount),
                consistent: true)
        } catch {
            throw .aws(error)
        }
        guard let item else { return nil }
        guard let job = SettleJob(item: item) else { throw .corruptItem("settle job of \(key) does not parse") }
        return job
    }

    /// The job as stored, made as `job` if it is not there yet (the first to make it wins; its parts count).
    func readOrMake(_ job: SettleJob) throws(IngestFailure) -> SettleJob {
        if let stored = try read(job) { return stored }
        do throws(AWSError) {
            try dynamo.putItem(
                table: table, item: job.item(tenant: tenant),
                condition: ["ConditionExpression": "attribute_not_exists(pk)"])
            return job
        } catch {
            guard error.isConditionFailed else { throw .aws(error) }
        }
        guard let stored = try read(job) else { throw .corruptItem("settle job of \(job.key) vanished as it was made") }
        return stored
    }

    /// Part `index` is done; returns the job as it now stands (each part's invocation sees the others' too), or
    /// nil when the job is gone (finished, or superseded and deleted): never made again by a late part.
    func markPartDone(_ job: SettleJob, index: Int) throws(IngestFailure) -> SettleJob? {
        let payload: [String: JSONValue] = [
            "UpdateExpression": "ADD #done :index", "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeNames": ["#done": .string(SettleJob.doneAttribute)],
            "ExpressionAttributeValues": [":index": ["NS": [.string(String(index))]]], "ReturnValues": "ALL_NEW",
        ]
        do throws(AWSError) {
            let item = try dynamo.updateItem(table: table, key: job.key(tenant: tenant), expression: payload)
            guard let stored = item["Attributes"].flatMap(SettleJob.init(item:)) else {
                throw AWSError.invalidResponse("the settle job of \(job.key) does not parse")
            }
            return stored
        } catch {
            if error.isConditionFailed { return nil }
            throw .aws(error)
        }
    }

    /// Part `index` has settled up to `position`; false when the job is gone (it finished, or its switch did).
    func recordProgress(_ job: SettleJob, part index: Int, position: Int) throws(IngestFailure) -> Bool {
        let payload: [String: JSONValue] = [
            "UpdateExpression": "SET #progress = :position", "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeNames": ["#progress": .string(SettleJob.progressAttribute(part: index))],
            "ExpressionAttributeValues": [":position": AttributeValues.number(position)],
        ]
        do throws(AWSError) {
            _ = try dynamo.updateItem(table: table, key: job.key(tenant: tenant), expression: payload)
            return true
        } catch {
            if error.isConditionFailed { return false }
            throw .aws(error)
        }
    }

    func delete(_ job: SettleJob) throws(IngestFailure) {
        do throws(AWSError) {
            try dynamo.deleteItem(table: table, key: job.key(tenant: tenant))
        } catch {
            throw .aws(error)
        }
    }
}
