import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// Recomputes meter-day items from their readings, under the generation guard.
///
/// For each meter-day: bump its `generation` (unless the caller's conditional bump already did), then read every
/// reading of it (consistently), keep those whose version is the one its source item names, let the best-ranked win
/// (rule d), and store it only if no recompute with a newer generation has stored one. A recompute that starts
/// after a change has seen it, and the newest to store started after every change before it, so the stored
/// reading is right whatever the interleaving; offers are refused while it is pending, so none is lost under it.
struct MeterDayRecomputer {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String
    let sources: SourceStore
    let parallelism: Int
    let deadline: Deadline

    struct MeterDay: Hashable {
        var meter: ByteIdentity
        var date: CalendarDate
    }

    /// What the recomputes cost, for the log line and the benchmarks.
    struct Cost {
        var meterDays = 0
        var readingsRead = 0
    }

    /// A meter-day another recompute bumped while this one read is recomputed again, until none is pending: that
    /// other one may die between its bump and its store, and only a recompute still going stores a generation
    /// after it. Three invocations settling the same version, one of them dying after its last bump, left a
    /// meter-day pending when each stopped after three rounds (seed 190). Past this many rounds the message fails
    /// and comes back (`recomputeContended`), never leaving silently.
    static let maxRounds = 25

    /// Recomputes `meterDays`; `generations` holds those already bumped by the caller, and the others are bumped
    /// here unless `offered` is settled there by then (`MeterDaySettler.offerIsSettled`, evaluated by the write).
    /// A meter-day whose generation moved past this recompute's own while it read is recomputed again, while it is
    /// still pending, so none is left pending.
    ///
    /// No bump is unconditional: a bump that lands after another invocation's recompute already stored what it
    /// wanted, by an invocation that then dies, would leave the meter-day pending with nobody to store it.
    func recompute(
        _ meterDays: [MeterDay], generations known: [MeterDay: Int] = [:], offered: VersionIdentity? = nil,
        cost: inout Cost
    ) throws(IngestFailure) {
        var days = meterDays
        var generations = known
        var bumpUnless = offered.map(Bump.unlessSettled) ?? .whilePending
        for _ in 0..<Self.maxRounds where !days.isEmpty {
            days = try recomputeOnce(days, generations: generations, bumpUnless: bumpUnless, cost: &cost)
            generations = [:]
            bumpUnless = .whilePending
        }
        guard days.isEmpty else { throw .recomputeContended(days.count) }
    }

    /// When a meter-day not yet bumped is bumped.
    enum Bump {
        /// Unless the offered version is settled there: it counts, or a better-ranked reading of another key
        /// does, and no recompute is pending.
        case unlessSettled(VersionIdentity)
        /// While a recompute is pending (once none is, the last one stored started after this one's reason).
        case whilePending
    }

    /// One round: bump, read, store; returns the meter-days still pending after it (a newer generation unstored).
    private func recomputeOnce(
        _ meterDays: [MeterDay], generations known: [MeterDay: Int], bumpUnless bump: Bump, cost: inout Cost
    ) throws(IngestFailure) -> [MeterDay] {
        guard !meterDays.isEmpty else { return [] }
        guard !deadline.hasPassed else { throw .deadlineNear }
        var generations = known
        let unbumped = meterDays.filter { generations[$0] == nil }
        let bumps: [JSONValue] = unbumped.map { day in
            var update = UpdateExpression()
            update.add(MeterDayItem.Attribute.generation, AttributeValues.number(1))
            let condition: String
            switch bump {
            case .unlessSettled(let version): condition = "NOT (\(Self.settled(by: version, &update)))"
            case .whilePending: condition = Self.pending(&update)
            }
            var request = update.request(condition: condition, returnValues: "UPDATED_NEW")
            request["TableName"] = .string(table)
            request["Key"] = MeterDayItem.key(tenant: tenant, meter: day.meter.text, date: day.date)
            return .object(request)
        }
        var settled: Set<MeterDay> = []
        for (day, answer) in zip(
            unbumped, dynamo.callAll("UpdateItem", bumps, maxInFlight: parallelism, deadline: deadline))
        {
            if case .failure(let error) = answer, error.isConditionFailed {
                settled.insert(day)
                continue
            }
            guard
                let generation = AttributeValues.integer(
                    try answer.orIngestFailure()["Attributes"] ?? .null, MeterDayItem.Attribute.generation)
            else { throw .corruptItem("UpdateItem returned no generation") }
            generations[day] = generation
        }

        let meterDays = meterDays.filter { !settled.contains($0) }
        guard !meterDays.isEmpty else { return [] }
        let readings = try readAll(meterDays)
        let keys = Set(readings.values.flatMap { $0.map { ByteIdentity($0.version.key) } })
        let counting = try sources.countingTags(of: Array(keys))

        var stores: [JSONValue] = []
        for day in meterDays {
            let found = readings[day] ?? []
            cost.readingsRead += found.count
            var best: ReadingItem?
            for reading in found where counting[ByteIdentity(reading.version.key)] == reading.version.tag {
                if let current = best, !(current.version.rank < reading.version.rank) { continue }
                best = reading
            }
            var update = UpdateExpression()
            let generation = update.value(AttributeValues.number(generations[day] ?? 0))
            update.set(MeterDayItem.Attribute.computed, AttributeValues.number(generations[day] ?? 0))
            if let best {
                let counting = MeterDayItem.Counting(
                    version: best.version, value: best.value, line: best.line, marks: best.marks)
                update.set(
                    MeterDayItem.countingAttributes(
                        counting, tenant: tenant, meter: day.meter.text, date: day.date))
                for name in MeterDayItem.absentAttributes(of: counting) { update.remove(name) }
            } else {
                for name in MeterDayItem.countingAttributeNames { update.remove(name) }
            }
            let computed = update.name(MeterDayItem.Attribute.computed)
            var request = update.request(
                condition: "attribute_not_exists(\(computed)) OR \(computed) < \(generation)", returnValues: "ALL_NEW")
            request["TableName"] = .string(table)
            request["Key"] = MeterDayItem.key(tenant: tenant, meter: day.meter.text, date: day.date)
            stores.append(.object(request))
        }
        var unsure: [MeterDay] = []
        var pending: [MeterDay] = []
        for (day, answer) in zip(
            meterDays, dynamo.callAll("UpdateItem", stores, maxInFlight: parallelism, deadline: deadline))
        {
            // A newer generation stored first: it has seen everything this one saw, but a newer one still may be
            // pending.
            if case .failure(let error) = answer, error.isConditionFailed {
                unsure.append(day)
                continue
            }
            if let item = try answer.orIngestFailure()["Attributes"], MeterDayItem(item: item)?.isRecomputing == true {
                pending.append(day)
            }
        }
        cost.meterDays += meterDays.count
        return pending + (try stillPending(unsure))
    }

    /// The condition that a recompute is pending on a meter-day.
    static func pending(_ update: inout UpdateExpression) -> String {
        let generation = update.name(MeterDayItem.Attribute.generation)
        let computed = update.name(MeterDayItem.Attribute.computed)
        return
            "(attribute_exists(\(generation)) AND (attribute_not_exists(\(computed)) OR \(generation) <> \(computed)))"
    }

    /// The condition that `source`'s offer is settled on a meter-day: `MeterDaySettler.offerIsSettled` as a
    /// condition expression, so the write that would start a recompute decides it atomically.
    static func settled(by version: VersionIdentity, _ update: inout UpdateExpression) -> String {
        let generation = update.name(MeterDayItem.Attribute.generation)
        let computed = update.name(MeterDayItem.Attribute.computed)
        let key = update.name(VersionIdentity.Attribute.key)
        let versionKey = update.value(AttributeValues.string(version.key))
        let tag = update.name(VersionIdentity.Attribute.tag)
        let itself = "(\(key) = \(versionKey) AND \(tag) = \(update.value(AttributeValues.string(version.tag))))"
        // Of another key: the ETags, which break ties within one key, never decide here.
        let rankedAbove = version.rank.condition(
            itemRanks: .above, name: { update.name($0) }, value: { update.value($0) })
        let otherKeyRankedAbove = "(\(key) <> \(versionKey) AND (\(rankedAbove)))"
        return "attribute_exists(\(update.name(MeterDayItem.Attribute.value))) AND "
            + "(attribute_not_exists(\(generation)) OR \(generation) = \(computed)) AND "
            + "(\(itself) OR \(otherKeyRankedAbove))"
    }

    /// Those of `meterDays` whose last bump has no store yet (read consistently).
    private func stillPending(_ meterDays: [MeterDay]) throws(IngestFailure) -> [MeterDay] {
        let reads: [JSONValue] = meterDays.map { day in
            [
                "TableName": .string(table), "ConsistentRead": true,
                "Key": MeterDayItem.key(tenant: tenant, meter: day.meter.text, date: day.date),
            ]
        }
        var pending: [MeterDay] = []
        for (day, answer) in zip(
            meterDays, dynamo.callAll("GetItem", reads, maxInFlight: parallelism, deadline: deadline))
        {
            if let item = try answer.orIngestFailure()["Item"], MeterDayItem(item: item)?.isRecomputing == true {
                pending.append(day)
            }
        }
        return pending
    }

    /// Every reading of each meter-day, the queries in parallel, each followed to its last page.
    private func readAll(_ meterDays: [MeterDay]) throws(IngestFailure) -> [MeterDay: [ReadingItem]] {
        var readings: [MeterDay: [ReadingItem]] = [:]
        var queries: [MeterDay: [String: JSONValue]] = [:]
        for day in meterDays {
            var query = TableKeys.prefixQuery(
                partition: TableKeys.meterPartition(tenant: tenant, meter: day.meter.text),
                sortKeyPrefix: "\(TableKeys.readingPrefix)\(day.date)#")
            query["TableName"] = .string(table)
            queries[day] = query
        }
        for _ in 0..<10_000 where !queries.isEmpty {
            let order = Array(queries.keys)
            let answers = dynamo.callAll(
                "Query", order.map { JSONValue.object(queries[$0] ?? [:]) }, maxInFlight: parallelism,
                deadline: deadline)
            for (day, answer) in zip(order, answers) {
                let page = try answer.orIngestFailure()
                for item in page["Items"]?.arrayValue ?? [] {
                    guard let reading = ReadingItem(item: item) else {
                        throw .corruptItem("a reading of \(day.meter.text) on \(day.date)")
                    }
                    readings[day, default: []].append(reading)
                }
                if let last = page["LastEvaluatedKey"], last != .null {
                    queries[day]?["ExclusiveStartKey"] = last
                } else {
                    queries[day] = nil
                }
            }
        }
        guard queries.isEmpty else { throw .corruptItem("a meter-day query did not end after 10,000 pages") }
        return readings
    }
}
