import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaEvents
import LambdaRuntime
import Timekeeping

/// Folds the meter-day items' changes, as the table's stream delivers them, into the day sum shards: each record
/// adds `new - old` (value, and one meter more or less). A batch's records are grouped by the sum shard they change
/// and each group is one UpdateItem, conditioned on the highest sequence number of this stream shard already
/// applied there: a record delivered again (a retried, bisected or repeated batch) is never added twice.
///
/// Then it marks each day whose counting readings changed (`AnalyticsMark`), for the analytics layer: after the
/// sums, so a mark is never older than the sums it asks to be written. A batch whose marks fail is handed back whole
/// (its sums are recognised as applied the second time).
public struct StreamFolder {
    let dynamo: DynamoDBClient
    let table: String
    let parallelism: Int
    let deadline: Deadline

    public init(dynamo: DynamoDBClient, table: String, parallelism: Int, deadline: Deadline) {
        self.dynamo = dynamo
        self.table = table
        self.parallelism = parallelism
        self.deadline = deadline
    }

    /// What one meter-day's record adds to its sum shard: `new - old`, consumption and export apart (a meter-day
    /// whose counting reading changes flow moves from one to the other), with the consumption's share that is not
    /// actual readings and its incomplete meter-days. Deltas add up, so a sum shard's update is their sum.
    struct Delta {
        var value = ExactDecimal.zero
        var meters = 0
        var notActual = ExactDecimal.zero
        var incompleteMeters = 0
        var exported = ExactDecimal.zero
        var exportMeters = 0

        init() {}

        init(from old: MeterDayItem.Counting?, to new: MeterDayItem.Counting?) {
            if let old { add(old, sign: -1) }
            if let new { add(new, sign: 1) }
        }

        private mutating func add(_ counting: MeterDayItem.Counting, sign: Int) {
            let value = sign < 0 ? .zero - counting.value : counting.value
            switch counting.marks.flow {
            case .consumption:
                self.value += value
                meters += sign
                notActual += sign < 0 ? .zero - counting.marks.notActual : counting.marks.notActual
                if !counting.marks.isComplete { incompleteMeters += sign }
            case .export:
                exported += value
                exportMeters += sign
            }
        }

        var isNone: Bool {
            value == .zero && meters == 0 && notActual == .zero && incompleteMeters == 0 && exported == .zero
                && exportMeters == 0
        }

        static func + (lhs: Delta, rhs: Delta) -> Delta {
            var sum = lhs
            sum.value += rhs.value
            sum.meters += rhs.meters
            sum.notActual += rhs.notActual
            sum.incompleteMeters += rhs.incompleteMeters
            sum.exported += rhs.exported
            sum.exportMeters += rhs.exportMeters
            return sum
        }
    }

    struct Change {
        var sequence: StreamSequence
        var delta: Delta
    }

    /// A day sum shard (`DaySumItem`), apart from the stream shard the records come from.
    struct SumShard: Hashable {
        var tenant: String
        var date: CalendarDate
        var number: Int
    }

    /// What a batch did, for the log line.
    public struct Outcome: Sendable {
        public var records = 0
        public var changes = 0
        public var updates = 0
        public var duplicates = 0
        public var marks = 0
        /// Where Lambda must resume this shard: the first record of a group that could not be applied, and why.
        public var resumeFrom: String?
        public var failure: String?
    }

    /// The meter-day an image holds: nil when there is no image, or it is another item's (the mapping's filter lets
    /// only meter-day keys through). A meter-day's image that does not parse fails the batch (was: taken for "no
    /// reading", so the sums drifted silently); Lambda retries it, and the stream's age alarm tells an operator.
    static func meterDay(_ image: JSONValue?, of record: DynamoDBStreamRecord) throws(IngestFailure) -> MeterDayItem? {
        guard let image else { return nil }
        if let day = MeterDayItem(item: image) { return day }
        guard let sk = AttributeValues.string(image, "sk"), sk.hasPrefix(TableKeys.meterDayPrefix) else { return nil }
        throw .corruptItem("stream record \(record.eventID): a meter-day image that does not parse (\(sk))")
    }

    public func fold(_ event: DynamoDBStreamEvent, now: String) throws(IngestFailure) -> Outcome {
        var outcome = Outcome(records: event.records.count)
        var groups: [SumShard: [Change]] = [:]
        var seen = Set<StreamSequence>()
        var changedDays = Set<AnalyticsMark.Day>()
        for record in event.records {
            guard let sequence = StreamSequence(record.sequenceNumber) else {
                throw .corruptItem("stream record \(record.eventID) has sequence number '\(record.sequenceNumber)'")
            }
            // A record handed over twice in one batch is still one change.
            guard seen.insert(sequence).inserted else {
                outcome.duplicates += 1
                continue
            }
            let old = try Self.meterDay(record.oldImage, of: record)
            let new = try Self.meterDay(record.newImage, of: record)
            guard let day = new ?? old else { continue }
            // Another reading counting with the same value changes no sum, but does change the analytics rows.
            if old?.counting != new?.counting { changedDays.insert(.init(tenant: day.tenant, date: day.date)) }
            let change = Change(sequence: sequence, delta: Delta(from: old?.counting, to: new?.counting))
            // A recompute's bump, or an offer of the same value, changes no sum.
            guard !change.delta.isNone else { continue }
            outcome.changes += 1
            let sumShard = SumShard(tenant: day.tenant, date: day.date, number: TableKeys.shard(ofMeter: day.meter))
            groups[sumShard, default: []].append(change)
        }
        let order = Array(groups.keys)
        let first = order.map { sumShard in
            request(sumShard, groups[sumShard] ?? [], streamShard: event.shardID, applied: nil, now: now)
        }
        var unapplied: [Change] = []
        for (sumShard, answer) in zip(
            order, dynamo.callAll("UpdateItem", first, maxInFlight: parallelism, deadline: deadline))
        {
            let changes = groups[sumShard] ?? []
            switch answer {
            case .success:
                outcome.updates += 1
            case .failure(let error) where error.isConditionFailed:
                do throws(IngestFailure) {
                    let (updates, duplicates) = try applyAfterRedelivery(
                        sumShard, changes, streamShard: event.shardID, now: now)
                    outcome.updates += updates
                    outcome.duplicates += duplicates
                } catch {
                    unapplied += changes
                    outcome.failure = error.description
                }
            case .failure(let error):
                unapplied += changes
                outcome.failure = error.description
            }
        }
        outcome.resumeFrom = unapplied.min { $0.sequence < $1.sequence }?.sequence.text
        if let failure = mark(changedDays, now: now) {
            outcome.resumeFrom = event.records.compactMap { StreamSequence($0.sequenceNumber) }.min()?.text
            outcome.failure = "marking days for the analytics layer: \(failure)"
        } else {
            outcome.marks = changedDays.count
        }
        return outcome
    }

    /// Puts a mark for each changed day, with a token no put before it had (a retried batch too), so a run that read
    /// an earlier mark cannot delete this one. Nil when done, else why not.
    private func mark(_ days: Set<AnalyticsMark.Day>, now: String) -> String? {
        guard !days.isEmpty else { return nil }
        guard let token = AnalyticsMark.newToken() else { return IngestFailure.noRandomBytes.description }
        let puts = AnalyticsMark.puts(days, token: token, markedAt: now)
        do throws(AWSError) {
            try dynamo.batchWrite(table: table, requests: puts, maxInFlight: parallelism, deadline: deadline)
            return nil
        } catch {
            return error.description
        }
    }

    /// Some of these records were applied before: read how far this stream shard got at the sum shard, and apply
    /// only the rest, conditioned on exactly that point (another delivery of the same records may race this one).
    private func applyAfterRedelivery(_ sumShard: SumShard, _ changes: [Change], streamShard: String, now: String)
        throws(IngestFailure) -> (updates: Int, duplicates: Int)
    {
        for _ in 0..<8 {
            let item = try IngestFailure.awsCall { () throws(AWSError) in
                try dynamo.getItem(
                    table: table,
                    key: DaySumItem.key(tenant: sumShard.tenant, date: sumShard.date, shard: sumShard.number),
                    consistent: true)
            }
            let applied = item.flatMap { DaySumItem.appliedSequence($0, streamShard: streamShard) }
                .flatMap(StreamSequence.init)
            let rest = changes.filter { change in applied.map { $0 < change.sequence } ?? true }
            guard !rest.isEmpty else { return (0, changes.count) }
            let update = request(sumShard, rest, streamShard: streamShard, applied: applied, now: now)
            let written = try IngestFailure.conditionalWrite { () throws(AWSError) in
                _ = try dynamo.call("UpdateItem", update, deadline: deadline)
            }
            if written { return (1, changes.count - rest.count) }
        }
        throw .corruptItem(
            "sum shard \(sumShard.date)#\(sumShard.number) kept moving under stream shard \(streamShard)")
    }

    /// The UpdateItem adding `changes` to a sum shard. `applied`: the point this stream shard is known to have
    /// reached there (nil: the changes must all be newer than whatever it reached).
    private func request(
        _ sumShard: SumShard, _ changes: [Change], streamShard: String, applied: StreamSequence?, now: String
    ) -> JSONValue {
        let sum = changes.map(\.delta).reduce(Delta(), +)
        let first = changes.map(\.sequence).min() ?? changes[0].sequence
        let last = changes.map(\.sequence).max() ?? changes[0].sequence
        var update = UpdateExpression()
        update.add(DaySumItem.Attribute.total, AttributeValues.number(sum.value))
        update.add(DaySumItem.Attribute.meters, AttributeValues.number(sum.meters))
        // Attributes only files that have them ever touch: a plain file's sum shards stay as they were.
        if sum.notActual != .zero || sum.incompleteMeters != 0 {
            update.add(DaySumItem.Attribute.notActual, AttributeValues.number(sum.notActual))
            update.add(DaySumItem.Attribute.incompleteMeters, AttributeValues.number(sum.incompleteMeters))
        }
        if sum.exported != .zero || sum.exportMeters != 0 {
            update.add(DaySumItem.Attribute.exported, AttributeValues.number(sum.exported))
            update.add(DaySumItem.Attribute.exportMeters, AttributeValues.number(sum.exportMeters))
        }
        update.set(DaySumItem.Attribute.date, AttributeValues.string(sumShard.date.description))
        update.set(DaySumItem.Attribute.updatedAt, AttributeValues.string(now))
        update.set(DaySumItem.Attribute.lane(streamShard), AttributeValues.string(last.padded))
        let lane = update.name(DaySumItem.Attribute.lane(streamShard))
        let condition: String
        if let applied {
            condition = "\(lane) = \(update.value(AttributeValues.string(applied.padded)))"
        } else {
            condition =
                "attribute_not_exists(\(lane)) OR \(lane) < \(update.value(AttributeValues.string(first.padded)))"
        }
        var request = update.request(condition: condition)
        request["TableName"] = .string(table)
        request["Key"] = DaySumItem.key(tenant: sumShard.tenant, date: sumShard.date, shard: sumShard.number)
        return .object(request)
    }
}
