import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON

/// The ledger: one item per object version saying what became of it (processing, ingested, rejected, deleted),
/// with its counts, times, error summary and report location — what an operator reads instead of the logs.
struct LedgerStore {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String

    typealias Status = LedgerStatus

    private func key(_ objectKey: String, _ tag: String) -> JSONValue {
        TableKeys.key(TableKeys.ledgerPartition(tenant: tenant), TableKeys.ledgerSort(key: objectKey, tag: tag))
    }

    /// What the ledger holds of a version: its status, and how far an attempt cut short got.
    struct Entry {
        var status: Status?
        /// The file passed validation in an earlier attempt (the same bytes: the version is the same).
        var validated = false
        /// Meter-days an earlier attempt wrote, in the parser's order.
        var writtenMeterDays = 0
        /// Whether the alert about this version went out.
        var alerted = false
        var errorSummary: String?
        var reportKey: String?
        /// The version the item is about (nil before its first attempt).
        var version: ObjectVersion?
        /// The counts recorded once the file was read in full.
        var stats: FileStats?
        /// Set when the file is written range by range.
        var job: RangeJob?
        /// The readings and pages of a retired version were deleted after S3 deleted the version for good.
        var purged = false
        /// The unit and zone the file was read in when it was validated (the tenant's settings then): every later
        /// pass over the same version reads it so, whatever the settings have become.
        var settings: TenantSettings?

        init(item: JSONValue?) {
            guard let item else { return }
            if let key = AttributeValues.string(item, "objectKey"), let eTag = AttributeValues.string(item, "eTag"),
                let lastModified = AttributeValues.integer(item, "lastModified"),
                let size = AttributeValues.integer(item, "objectSize")
            {
                version = ObjectVersion(
                    key: key, versionID: AttributeValues.string(item, "versionId"), eTag: eTag,
                    lastModified: lastModified, size: size)
            }
            stats = FileStats(ledgerItem: item)
            job = RangeJob(item: item)
            status = AttributeValues.string(item, "status").flatMap(Status.init)
            validated = item["validated"]?["BOOL"]?.boolValue ?? false
            settings = TenantSettings(ledgerItem: item)
            writtenMeterDays = AttributeValues.integer(item, "writtenMeterDays") ?? 0
            alerted = AttributeValues.string(item, "alertedAt") != nil
            errorSummary = AttributeValues.string(item, "errorSummary")
            reportKey = AttributeValues.string(item, "reportKey")
            purged = AttributeValues.string(item, "purgedAt") != nil
        }
    }

    func entry(of version: ObjectVersion) throws(IngestFailure) -> Entry {
        try entry(key: version.key, tag: version.tag)
    }

    func entry(key objectKey: String, tag: String) throws(IngestFailure) -> Entry {
        do throws(AWSError) {
            return Entry(item: try dynamo.getItem(table: table, key: key(objectKey, tag), consistent: true))
        } catch {
            throw .aws(error)
        }
    }

    /// The version is valid and will be written range by range: where the ranges start.
    func startJob(_ version: ObjectVersion, _ job: RangeJob, settings: TenantSettings) throws(IngestFailure) {
        let (assignments, values, names) = Self.recording(settings)
        try update(
            version.key, version.tag, "SET validated = :true, ranges = :ranges, \(assignments)",
            values.merging([":true": ["BOOL": true], ":ranges": job.rangesAttribute]) { own, _ in own }, names: names)
    }

    /// The SET clauses, values and names that record `settings` on a ledger item.
    private static func recording(_ settings: TenantSettings) -> (String, [String: JSONValue], [String: JSONValue]) {
        var assignments: [String] = []
        var values: [String: JSONValue] = [:]
        var names: [String: JSONValue] = [:]
        for (name, value) in settings.ledgerAttributes.sorted(by: { $0.key < $1.key }) {
            assignments.append("#\(name) = :\(name)")
            values[":\(name)"] = value
            names["#\(name)"] = .string(name)
        }
        return (assignments.joined(separator: ", "), values, names)
    }

    /// Range `index` is written; returns the job as it now stands (every range's worker sees the others' too).
    func markRangeDone(_ version: ObjectVersion, index: Int) throws(IngestFailure) -> RangeJob {
        let payload: [String: JSONValue] = [
            "UpdateExpression": "ADD rangesDone :index", "ConditionExpression": "attribute_exists(ranges)",
            "ExpressionAttributeValues": [":index": ["NS": [.string(String(index))]]], "ReturnValues": "ALL_NEW",
        ]
        do throws(AWSError) {
            let item = try dynamo.updateItem(table: table, key: key(version.key, version.tag), expression: payload)
            guard let job = item["Attributes"].flatMap(RangeJob.init(item:)) else {
                throw AWSError.invalidResponse("the ledger item of \(version.key) lost its ranges")
            }
            return job
        } catch {
            throw .aws(error)
        }
    }

    /// Where an attempt stopped for the deadline, so the next one resumes there instead of starting over.
    func recordProgress(_ version: ObjectVersion, writtenMeterDays: Int, settings: TenantSettings, now: String)
        throws(IngestFailure)
    {
        let (assignments, values, names) = Self.recording(settings)
        try update(
            version.key, version.tag,
            "SET validated = :true, writtenMeterDays = :written, lastError = :error, lastErrorAt = :now, \(assignments)",
            values.merging([
                ":true": ["BOOL": true], ":written": AttributeValues.number(writtenMeterDays),
                ":error": AttributeValues.string(IngestFailure.deadlineNear.ledgerNote),
                ":now": AttributeValues.string(now),
            ]) { own, _ in own }, names: names)
    }

    /// Marks the version as being processed and returns what the ledger held of it before: an earlier attempt's
    /// progress comes back with the same request.
    func start(_ version: ObjectVersion, now: String) throws(IngestFailure) -> Entry {
        var values: [String: JSONValue] = [
            ":processing": AttributeValues.string(Status.processing.rawValue), ":now": AttributeValues.string(now),
            ":objectKey": AttributeValues.string(version.key), ":eTag": AttributeValues.string(version.eTag),
            ":lastModified": AttributeValues.number(version.lastModified),
            ":size": AttributeValues.number(version.size),
            ":one": AttributeValues.number(1), ":tag": AttributeValues.string(version.tag),
        ]
        var set =
            "#status = :processing, startedAt = :now, objectKey = :objectKey, eTag = :eTag, "
            + "lastModified = :lastModified, objectSize = :size, versionTag = :tag"
        if let versionID = version.versionID {
            values[":versionId"] = AttributeValues.string(versionID)
            set += ", versionId = :versionId"
        }
        let before = try update(
            version.key, version.tag, "SET \(set) ADD attempts :one REMOVE finishedAt", values, returningOld: true)
        return Entry(item: before)
    }

    /// The counts of a version's file, once read in full: kept even if the attempt is then cut short.
    func recordStats(_ version: ObjectVersion, _ stats: FileStats) throws(IngestFailure) {
        var values: [String: JSONValue] = [:]
        var set: [String] = []
        var names: [String: JSONValue] = [:]
        // Through placeholders: several natural names (rows, days, bytes, format) are DynamoDB reserved words.
        for (name, value) in stats.ledgerAttributes {
            values[":\(name)"] = value
            names["#\(name)"] = .string(name)
            set.append("#\(name) = :\(name)")
        }
        try update(version.key, version.tag, "SET \(set.joined(separator: ", "))", values, names: names)
    }

    /// The final word on a version.
    func finish(_ version: ObjectVersion, status: Status, durationMilliseconds: Int, now: String) throws(IngestFailure)
    {
        try update(
            version.key, version.tag,
            "SET #status = :status, finishedAt = :now, durationMs = :duration REMOVE lastError, validated, writtenMeterDays",
            [
                ":status": AttributeValues.string(status.rawValue), ":now": AttributeValues.string(now),
                ":duration": AttributeValues.number(durationMilliseconds),
            ])
    }

    /// Why the last attempt failed; the status stays `processing`, so a version stuck in the DLQ says why.
    func recordFailure(_ version: ObjectVersion, _ failure: IngestFailure, now: String) throws(IngestFailure) {
        try update(
            version.key, version.tag, "SET lastError = :error, lastErrorAt = :now",
            [":error": AttributeValues.string(failure.ledgerNote), ":now": AttributeValues.string(now)])
    }

    /// An object under the incoming prefix that belongs to no tenant (this store is the reserved tenant's): final at
    /// once, with why.
    func recordUnassigned(_ version: ObjectVersion, reason: String, now: String) throws(IngestFailure) {
        _ = try start(version, now: now)
        try update(
            version.key, version.tag, "SET #status = :status, finishedAt = :now, errorSummary = :reason",
            [
                ":status": AttributeValues.string(Status.unassigned.rawValue), ":now": AttributeValues.string(now),
                ":reason": AttributeValues.string(reason),
            ])
    }

    /// The alert about this version went out.
    func recordAlerted(_ version: ObjectVersion, now: String) throws(IngestFailure) {
        try update(version.key, version.tag, "SET alertedAt = :now", [":now": AttributeValues.string(now)])
    }

    /// A version whose object was deleted: its readings no longer count.
    func markDeleted(key objectKey: String, tag: String, now: String) throws(IngestFailure) {
        do throws(AWSError) {
            _ = try dynamo.updateItem(
                table: table, key: key(objectKey, tag),
                expression: [
                    "UpdateExpression": "SET #status = :deleted, deletedAt = :now",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeNames": ["#status": "status"],
                    "ExpressionAttributeValues": [
                        ":deleted": AttributeValues.string(Status.deleted.rawValue),
                        ":now": AttributeValues.string(now),
                    ],
                ])
        } catch {
            if error.isConditionFailed { return }
            throw .aws(error)
        }
    }

    /// Every version of `objectKey` the ledger holds (matched as bytes: the sort keys of a longer key that starts
    /// the same way are left out).
    func entries(ofKey objectKey: String) throws(IngestFailure) -> [Entry] {
        do throws(AWSError) {
            let items = try dynamo.query(
                table: table,
                parameters: [
                    "ConsistentRead": true, "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                    "ExpressionAttributeValues": [
                        ":pk": AttributeValues.string(TableKeys.ledgerPartition(tenant: tenant)),
                        ":prefix": AttributeValues.string(TableKeys.ledgerKeyPrefix(objectKey) + "#"),
                    ],
                ])
            return items.map { Entry(item: $0) }.filter { $0.version?.key.utf8.elementsEqual(objectKey.utf8) == true }
        } catch {
            throw .aws(error)
        }
    }

    /// A retired version's readings and pages are gone, S3 having deleted the version.
    func markPurged(key objectKey: String, tag: String, now: String) throws(IngestFailure) {
        try update(objectKey, tag, "SET purgedAt = :now", [":now": AttributeValues.string(now)])
    }

    /// With `returningOld`, the item as it was before (nil when there was none).
    @discardableResult
    private func update(
        _ objectKey: String, _ tag: String, _ expression: String, _ values: [String: JSONValue],
        names extraNames: [String: JSONValue] = [:], returningOld: Bool = false
    ) throws(IngestFailure) -> JSONValue? {
        var names = extraNames
        if expression.contains("#status") { names["#status"] = "status" }
        var payload: [String: JSONValue] = [
            "UpdateExpression": .string(expression), "ExpressionAttributeValues": .object(values),
        ]
        if !names.isEmpty { payload["ExpressionAttributeNames"] = .object(names) }
        if returningOld { payload["ReturnValues"] = "ALL_OLD" }
        do throws(AWSError) {
            return try dynamo.updateItem(table: table, key: key(objectKey, tag), expression: payload)["Attributes"]
        } catch {
            throw .aws(error)
        }
    }
}
