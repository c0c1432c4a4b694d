import AWSServices
import ConsumptionTable
import JSON

/// The ledger: one item per object version saying what became of it (processing, ingested, rejected, deleted),
/// with its counts, times, error summary and report location — what an operator reads instead of the logs. Each
/// step of an attempt records its own fields (`LedgerItem`) with one UpdateItem.
struct LedgerStore {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String

    typealias Status = LedgerStatus

    func entry(of version: ObjectVersion) throws(IngestFailure) -> LedgerItem {
        try entry(key: version.key, tag: version.tag)
    }

    /// What the ledger holds of a version: its status, and how far an attempt cut short got (nothing set when it
    /// holds nothing).
    func entry(key objectKey: String, tag: String) throws(IngestFailure) -> LedgerItem {
        let item = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(
                table: table, key: LedgerItem.key(tenant: tenant, objectKey: objectKey, tag: tag), consistent: true)
        }
        return item.map(LedgerItem.init(item:)) ?? LedgerItem()
    }

    /// Marks the version as being processed and returns what the ledger held of it before: an earlier attempt's
    /// progress comes back with the same request.
    func start(_ version: ObjectVersion, now: String) throws(IngestFailure) -> LedgerItem {
        var started = LedgerItem(version: version)
        started.status = .processing
        started.startedAt = now
        var update = UpdateExpression()
        update.set(started.attributes)
        update.add(LedgerItem.Attribute.attempts, AttributeValues.number(1))
        update.remove(LedgerItem.Attribute.finishedAt)
        let before = try IngestFailure.awsCall { () throws(AWSError) in
            try send(update, version.key, version.tag, returnValues: "ALL_OLD")
        }
        return before.map(LedgerItem.init(item:)) ?? LedgerItem()
    }

    /// The version is valid and will be written range by range: where the ranges start.
    func startJob(_ version: ObjectVersion, _ job: RangeJob, settings: TenantSettings) throws(IngestFailure) {
        var recorded = LedgerItem()
        recorded.validated = true
        recorded.job = job
        recorded.settings = settings
        try record(recorded, version.key, version.tag)
    }

    /// Range `index` is written; returns the job as it now stands (every range's worker sees the others' too).
    func markRangeDone(_ version: ObjectVersion, index: Int) throws(IngestFailure) -> RangeJob {
        var update = UpdateExpression()
        update.add(LedgerItem.Attribute.rangesDone, RangeJob.doneAttribute(adding: index))
        let condition = "attribute_exists(\(update.name(LedgerItem.Attribute.ranges)))"
        let item = try IngestFailure.awsCall { () throws(AWSError) in
            try send(update, version.key, version.tag, condition: condition, returnValues: "ALL_NEW")
        }
        guard let job = item.flatMap({ LedgerItem(item: $0).job }) else {
            throw .aws(.invalidResponse("the ledger item of \(version.key) lost its ranges"))
        }
        return job
    }

    /// Where an attempt stopped for the deadline, so the next one resumes there instead of starting over.
    func recordProgress(_ version: ObjectVersion, writtenMeterDays: Int, settings: TenantSettings, now: String)
        throws(IngestFailure)
    {
        var recorded = LedgerItem()
        recorded.validated = true
        recorded.writtenMeterDays = writtenMeterDays
        recorded.lastError = IngestFailure.deadlineNear.ledgerNote
        recorded.lastErrorAt = now
        recorded.settings = settings
        try record(recorded, version.key, version.tag)
    }

    /// The counts of a version's file, once read in full: kept even if the attempt is then cut short.
    func recordStats(_ version: ObjectVersion, _ stats: FileStats) throws(IngestFailure) {
        try record(stats.recorded, version.key, version.tag)
    }

    /// The final word on a version; what an attempt cut short left for the next one goes. A rejection is final
    /// whenever it lands.
    func reject(_ version: ObjectVersion, now: String) throws(IngestFailure) {
        var recorded = LedgerItem()
        recorded.status = .rejected
        recorded.finishedAt = now
        recorded.durationMilliseconds = 0
        try record(recorded, version.key, version.tag, removing: Self.attemptFields)
    }

    /// The version counts since the key's switch `switchCount`: marked `ingested`, unless a later switch has
    /// already marked it `deleted` (an invocation slowed after its switch lands here after the next one's retire).
    func finishIngested(key objectKey: String, tag: String, switchCount: Int, durationMilliseconds: Int, now: String)
        throws(IngestFailure)
    {
        var recorded = LedgerItem()
        recorded.status = .ingested
        recorded.finishedAt = now
        recorded.durationMilliseconds = durationMilliseconds
        recorded.decidedBySwitch = switchCount
        var update = UpdateExpression()
        update.set(recorded.attributes)
        for name in Self.attemptFields { update.remove(name) }
        let condition = Self.notDecidedAfter(switchCount, in: &update)
        _ = try IngestFailure.conditionalWrite { () throws(AWSError) in
            try send(update, objectKey, tag, condition: condition)
        }
    }

    /// Why the last attempt failed; the status stays `processing`, so a version stuck in the DLQ says why.
    func recordFailure(_ version: ObjectVersion, _ failure: IngestFailure, now: String) throws(IngestFailure) {
        var recorded = LedgerItem()
        recorded.lastError = failure.ledgerNote
        recorded.lastErrorAt = now
        try record(recorded, version.key, version.tag)
    }

    /// An object under the incoming prefix that belongs to no tenant (this store is the reserved tenant's): final at
    /// once, with why.
    func recordUnassigned(_ version: ObjectVersion, reason: String, now: String) throws(IngestFailure) {
        _ = try start(version, now: now)
        var recorded = LedgerItem()
        recorded.status = .unassigned
        recorded.finishedAt = now
        recorded.errorSummary = reason
        try record(recorded, version.key, version.tag)
    }

    /// The alert about this version went out.
    func recordAlerted(_ version: ObjectVersion, now: String) throws(IngestFailure) {
        var recorded = LedgerItem()
        recorded.alertedAt = now
        try record(recorded, version.key, version.tag)
    }

    /// The version stopped counting at the key's switch `switchCount` (its object deleted or overwritten): marked
    /// `deleted`, unless a later switch made it count again (a restore). A version the ledger does not hold is left
    /// so.
    func markDeleted(key objectKey: String, tag: String, switchCount: Int, now: String) throws(IngestFailure) {
        var recorded = LedgerItem()
        recorded.status = .deleted
        recorded.deletedAt = now
        recorded.decidedBySwitch = switchCount
        var update = UpdateExpression()
        update.set(recorded.attributes)
        let condition = "attribute_exists(pk) AND (\(Self.notDecidedAfter(switchCount, in: &update)))"
        _ = try IngestFailure.conditionalWrite { () throws(AWSError) in
            try send(update, objectKey, tag, condition: condition)
        }
    }

    /// What an attempt cut short leaves for the next one: gone once the version is final.
    private static let attemptFields = [
        LedgerItem.Attribute.lastError, LedgerItem.Attribute.validated, LedgerItem.Attribute.writtenMeterDays,
    ]

    /// The condition that no switch after `switchCount` has marked the version: switch counts only grow, so the
    /// later switch's mark stands whichever lands last.
    private static func notDecidedAfter(_ switchCount: Int, in update: inout UpdateExpression) -> String {
        let decided = update.name(LedgerItem.Attribute.decidedBySwitch)
        return "attribute_not_exists(\(decided)) OR \(decided) <= \(update.value(AttributeValues.number(switchCount)))"
    }

    /// A retired version's readings and pages are gone, S3 having deleted the version.
    func markPurged(key objectKey: String, tag: String, now: String) throws(IngestFailure) {
        var recorded = LedgerItem()
        recorded.purgedAt = now
        try record(recorded, objectKey, tag)
    }

    /// Every version of `objectKey` the ledger holds (matched as bytes: the sort keys of a longer key that starts
    /// the same way are left out).
    func entries(ofKey objectKey: String) throws(IngestFailure) -> [LedgerItem] {
        let items = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.query(
                table: table,
                parameters: TableKeys.prefixQuery(
                    partition: TableKeys.ledgerPartition(tenant: tenant),
                    sortKeyPrefix: TableKeys.ledgerKeyPrefix(objectKey) + "#"))
        }
        return items.map(LedgerItem.init(item:)).filter { $0.version?.key.utf8.elementsEqual(objectKey.utf8) == true }
    }

    /// Sets `recorded`'s fields on the version's item, and removes `removing`.
    private func record(_ recorded: LedgerItem, _ objectKey: String, _ tag: String, removing: [String] = [])
        throws(IngestFailure)
    {
        var update = UpdateExpression()
        update.set(recorded.attributes)
        for name in removing { update.remove(name) }
        _ = try IngestFailure.awsCall { () throws(AWSError) in try send(update, objectKey, tag) }
    }

    /// The item as the update left it or found it, as `returnValues` asks (nil without, or when there was none).
    private func send(
        _ update: UpdateExpression, _ objectKey: String, _ tag: String, condition: String? = nil,
        returnValues: String? = nil
    ) throws(AWSError) -> JSONValue? {
        try dynamo.updateItem(
            table: table, key: LedgerItem.key(tenant: tenant, objectKey: objectKey, tag: tag),
            expression: update.request(condition: condition, returnValues: returnValues))["Attributes"]
    }
}
