import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import Timekeeping

/// Checks a tenant's day sums against the meter-day items, and rebuilds the shards that are wrong (`consumption
/// sums`): the repair for sums the stream fold can no longer mend (its records aged out after 24 hours, a lost or
/// re-created stream, a shard edited by hand). Sum shard `s` of a day must hold what the meter-days of `DayMeters`
/// partition `s` add up to (`DayShardReader`, `SumDifference`).
///
/// A rebuild is right only while no fold applies records of these days: a record folded after the rebuild read the
/// items would add a change the items already hold. Each shard is written on condition that it is still as read, so a
/// fold that lands between the read and the write makes that shard's write fail, and it is read and summed again
/// (at most `attempts` times) instead of overwritten; a fold after the write cannot be caught, hence the procedure in
/// docs/deploying.md's Operating section (ingest paused, the stream caught up and its mapping off).
public struct DaySumRebuilder {
    let dynamo: DynamoDBClient
    let table: String
    let reader: DayShardReader
    let attempts: Int

    public init(dynamo: DynamoDBClient, table: String, attempts: Int = 5) {
        self.dynamo = dynamo
        self.table = table
        reader = DayShardReader(dynamo: dynamo, table: table)
        self.attempts = attempts
    }

    /// A sum shard that is not what its index partition adds up to.
    public struct Mismatch: Equatable, Sendable {
        public var date: CalendarDate
        public var shard: Int
        public var differences: [SumDifference]
    }

    /// What became of one wrong shard.
    public struct Repair: Equatable, Sendable {
        public enum Outcome: Equatable, Sendable {
            /// Written from the items; these fields had differed.
            case rebuilt([SumDifference])
            /// Read again, it already agreed with its items (mended meanwhile, or the index had lagged).
            case agreed
            /// Changed under every attempt: something is still folding into it. Left as it was.
            case keptChanging
        }

        public var date: CalendarDate
        public var shard: Int
        public var attempts: Int
        public var outcome: Outcome
    }

    /// Every day of `range`, all its shards: one consistent Query of the day's sum shards and a Query of each index
    /// partition (16 a day, eventually consistent). Read-only.
    public func check(tenant: String, range: ClosedRange<CalendarDate>, deadline: Deadline) throws(IngestFailure)
        -> [Mismatch]
    {
        var mismatches: [Mismatch] = []
        for day in range.lowerBound.daysSinceEpoch...range.upperBound.daysSinceEpoch {
            let date = CalendarDate(daysSinceEpoch: day)
            let stored = try reader.sumShards(tenant: tenant, date: date)
            for shard in 0..<TableKeys.shardCount {
                let indexed = try reader.forEachIndexed(tenant: tenant, date: date, shard: shard, deadline: deadline)
                let differences = SumDifference.between(stored[shard], indexed)
                if !differences.isEmpty {
                    mismatches.append(Mismatch(date: date, shard: shard, differences: differences))
                }
            }
        }
        return mismatches
    }

    /// Rewrites each shard of `mismatches` from its items, then marks each day with a rewritten shard for the
    /// analytics layer (its files were written from the wrong sums, or refused while they disagreed).
    public func rebuild(tenant: String, _ mismatches: [Mismatch], now: String, deadline: Deadline)
        throws(IngestFailure) -> [Repair]
    {
        var repairs: [Repair] = []
        var rebuiltDays = Set<AnalyticsMark.Day>()
        for mismatch in mismatches {
            let repair = try rebuild(
                tenant: tenant, date: mismatch.date, shard: mismatch.shard, now: now, deadline: deadline)
            if case .rebuilt = repair.outcome { rebuiltDays.insert(.init(tenant: tenant, date: mismatch.date)) }
            repairs.append(repair)
        }
        guard !rebuiltDays.isEmpty else { return repairs }
        guard let token = AnalyticsMark.newToken() else { throw .noRandomBytes }
        try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.batchWrite(
                table: table, requests: AnalyticsMark.puts(rebuiltDays, token: token, markedAt: now), maxInFlight: 1,
                deadline: deadline)
        }
        return repairs
    }

    private func rebuild(tenant: String, date: CalendarDate, shard: Int, now: String, deadline: Deadline)
        throws(IngestFailure) -> Repair
    {
        for attempt in 1...attempts {
            let item = try reader.sumShardItem(tenant: tenant, date: date, shard: shard)
            let indexed = try reader.forEachIndexed(tenant: tenant, date: date, shard: shard, deadline: deadline)
            let differences = SumDifference.between(item.flatMap(DaySumItem.init(item:)), indexed)
            guard !differences.isEmpty else {
                return Repair(date: date, shard: shard, attempts: attempt, outcome: .agreed)
            }
            var request = Self.rewrite(asRead: item, to: indexed, date: date, now: now)
            request["TableName"] = .string(table)
            request["Key"] = DaySumItem.key(tenant: tenant, date: date, shard: shard)
            let rewritten = try IngestFailure.conditionalWrite { () throws(AWSError) in
                _ = try dynamo.call("UpdateItem", .object(request), deadline: deadline)
            }
            if rewritten {
                return Repair(date: date, shard: shard, attempts: attempt, outcome: .rebuilt(differences))
            }
            // Changed since it was read (a fold landed): read and sum again rather than overwrite it.
        }
        return Repair(date: date, shard: shard, attempts: attempts, outcome: .keptChanging)
    }

    /// The UpdateItem members (no table or key) that set a sum shard's six sums to `sums`, on condition that the
    /// shard is still `asRead`: every attribute it had holds the value read (a fold always sets `updatedAt` and its
    /// stream shard's `lane:` mark), or it still does not exist. DynamoDB limits an expression to 4 KB, about 200
    /// attributes here: a shard folded into by some 190 stream shards is refused whole, and the command fails.
    ///
    /// The `lane:` marks stay as they are: a stalled stream that resumes must still recognise the records it already
    /// folded as folded. Records it has not folded yet would add changes the items already hold, which is why the
    /// stream must have caught up before a rebuild.
    static func rewrite(asRead item: JSONValue?, to sums: StreamFolder.Delta, date: CalendarDate, now: String)
        -> [String: JSONValue]
    {
        var update = UpdateExpression()
        update.set(DaySumItem.Attribute.total, AttributeValues.number(sums.value))
        update.set(DaySumItem.Attribute.meters, AttributeValues.number(sums.meters))
        update.set(DaySumItem.Attribute.notActual, AttributeValues.number(sums.notActual))
        update.set(DaySumItem.Attribute.incompleteMeters, AttributeValues.number(sums.incompleteMeters))
        update.set(DaySumItem.Attribute.exported, AttributeValues.number(sums.exported))
        update.set(DaySumItem.Attribute.exportMeters, AttributeValues.number(sums.exportMeters))
        update.set(DaySumItem.Attribute.date, AttributeValues.string(date.description))
        update.set(DaySumItem.Attribute.updatedAt, AttributeValues.string(now))
        // Names and values are placeholders added to `update`: the condition is spelled before the request is made.
        let condition: String
        if let attributes = item?.objectValue {
            let unchanged = attributes.keys.sorted().filter { $0 != "pk" && $0 != "sk" }.map { attribute in
                "\(update.name(attribute)) = \(update.value(attributes[attribute] ?? .null))"
            }
            condition = (["attribute_exists(\(update.name("pk")))"] + unchanged).joined(separator: " AND ")
        } else {
            condition = "attribute_not_exists(\(update.name("pk")))"
        }
        return update.request(condition: condition)
    }
}
