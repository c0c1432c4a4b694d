import AWSServices
import JSON

/// The ledger: one item per object version saying what became of it (processing, ingested, rejected, deleted),
/// with its counts, times, error summary and report location — what an operator reads instead of the logs.
struct LedgerStore {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String

    enum Status: String {
        case processing, ingested, rejected, deleted
    }

    private func key(_ objectKey: String, _ tag: String) -> JSONValue {
        TableKeys.key(TableKeys.ledgerPartition(tenant: tenant), TableKeys.ledgerSort(key: objectKey, version: tag))
    }

    func status(of version: ObjectVersion) throws(IngestFailure) -> Status? {
        do throws(AWSError) {
            let item = try dynamo.getItem(table: table, key: key(version.key, version.tag), consistent: true)
            return item.flatMap { AttributeValues.string($0, "status") }.flatMap(Status.init)
        } catch {
            throw .aws(error)
        }
    }

    func start(_ version: ObjectVersion, now: String) throws(IngestFailure) {
        var values: [String: JSONValue] = [
            ":processing": AttributeValues.string(Status.processing.rawValue), ":now": AttributeValues.string(now),
            ":objectKey": AttributeValues.string(version.key), ":eTag": AttributeValues.string(version.eTag),
            ":lastModified": AttributeValues.number(version.lastModified), ":size": AttributeValues.number(version.size),
            ":one": AttributeValues.number(1), ":tag": AttributeValues.string(version.tag),
        ]
        var set = "#status = :processing, startedAt = :now, objectKey = :objectKey, eTag = :eTag, "
            + "lastModified = :lastModified, objectSize = :size, versionTag = :tag"
        if let versionID = version.versionID {
            values[":versionId"] = AttributeValues.string(versionID)
            set += ", versionId = :versionId"
        }
        try update(version.key, version.tag, "SET \(set) ADD attempts :one REMOVE finishedAt", values)
    }

    /// The final word on a version: its counts and, for a rejected file, what was wrong and where the report is.
    func finish(_ version: ObjectVersion, status: Status, stats: FileStats?, now: String) throws(IngestFailure) {
        var values: [String: JSONValue] = [
            ":status": AttributeValues.string(status.rawValue), ":now": AttributeValues.string(now),
        ]
        var set = ["#status = :status", "finishedAt = :now"]
        var names: [String: JSONValue] = [:]
        // Through placeholders: several natural names (rows, days, bytes, format) are DynamoDB reserved words.
        for (name, value) in stats?.ledgerAttributes ?? [:] {
            values[":\(name)"] = value
            names["#\(name)"] = .string(name)
            set.append("#\(name) = :\(name)")
        }
        try update(version.key, version.tag, "SET \(set.joined(separator: ", ")) REMOVE lastError", values, names: names)
    }

    /// Why the last attempt failed; the status stays `processing`, so a version stuck in the DLQ says why.
    func recordFailure(_ version: ObjectVersion, _ failure: IngestFailure, now: String) throws(IngestFailure) {
        try update(version.key, version.tag, "SET lastError = :error, lastErrorAt = :now",
                   [":error": AttributeValues.string(failure.description), ":now": AttributeValues.string(now)])
    }

    /// A version whose object was deleted: its readings no longer count.
    func markDeleted(key objectKey: String, tag: String, now: String) throws(IngestFailure) {
        do throws(AWSError) {
            _ = try dynamo.updateItem(table: table, key: key(objectKey, tag), expression: [
                "UpdateExpression": "SET #status = :deleted, deletedAt = :now",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": ["#status": "status"],
                "ExpressionAttributeValues": [":deleted": AttributeValues.string(Status.deleted.rawValue),
                                              ":now": AttributeValues.string(now)],
            ])
        } catch {
            if error.code == "ConditionalCheckFailedException" { return }
            throw .aws(error)
        }
    }

    private func update(
        _ objectKey: String, _ tag: String, _ expression: String, _ values: [String: JSONValue],
        names extraNames: [String: JSONValue] = [:]
    ) throws(IngestFailure) {
        var names = extraNames
        if expression.contains("#status") { names["#status"] = "status" }
        var payload: [String: JSONValue] = ["UpdateExpression": .string(expression), "ExpressionAttributeValues": .object(values)]
        if !names.isEmpty { payload["ExpressionAttributeNames"] = .object(names) }
        do throws(AWSError) {
            _ = try dynamo.updateItem(table: table, key: key(objectKey, tag), expression: payload)
        } catch {
            throw .aws(error)
        }
    }
}
