import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import Timekeeping

/// A version's offers: each meter-day of its pages takes it where it ranks above what counts, within the offering
/// lease; a refusal that may hide a recompute starts one.
extension MeterDaySettler {
    /// Offers one part's meter-days for the switch `switchCount`; false when a later switch came (the part's
    /// offers are then retracted).
    /// The part resumes at `start`; `saving` records how far it got after each round (false: the job is gone).
    func offer(
        part meterDays: Range<Int>, from start: Int, of source: VersionIdentity, switchCount: Int,
        now: () -> String, cost: inout MeterDayRecomputer.Cost,
        saving: (Int) throws(IngestFailure) -> Bool
    ) throws(IngestFailure) -> Bool {
        var lease = 0
        _ = try walk(source.key, source.tag, from: start, to: meterDays.upperBound) {
            (entries, done) throws(IngestFailure) -> Bool in
            if Deadline(epochMilliseconds: lease).isWithin(milliseconds: Self.offerWindowMilliseconds) {
                lease = WallClock.nowMilliseconds() + SourceItem.offeringLeaseMilliseconds
                guard
                    try sources.holdSwitch(
                        key: source.key, switchCount: switchCount, offeringUntil: lease, now: now())
                else { return false }
            }
            try offer(entries, from: source, deadline: offerDeadline(lease), cost: &cost)
            return try saving(done)
        }
        // Cut short, the part's job is gone: done by other invocations (a part delivered twice), or dropped for a
        // later switch. Its offers stand while the switch it was for does; only a later switch retracts them (was:
        // retracted whenever cut short, and a retraction stopped by the deadline left recomputes pending forever).
        // Finished or not, the same confirmation decides.
        if try sources.holdSwitch(key: source.key, switchCount: switchCount, offeringUntil: nil, now: now()) {
            return true
        }
        try retract(source, meterDays, cost: &cost)
        return false
    }

    /// Offers go out only in a lease's first 20 s (and before the invocation's deadline).
    func offerDeadline(_ lease: Int) -> Deadline {
        min(deadline, Deadline(epochMilliseconds: lease).earlier(by: Self.offerWindowMilliseconds))
    }

    /// The last offer of an offering lease is sent 40 s before it ends and lands within 30 s; a retire waits for
    /// the lease's end plus this margin for clocks.
    static let offerWindowMilliseconds = 40_000
    static let clockMarginMilliseconds = 5_000

    /// A version still offered when it stopped counting may have offers landing until its lease ends: its retire
    /// waits for that (or, past the invocation's deadline, is left for the retry).
    func waitForOffersToEnd(_ retiring: SourceItem.Retiring) throws(IngestFailure) {
        guard retiring.notBefore > 0 else { return }
        let start = Deadline(epochMilliseconds: retiring.notBefore + Self.clockMarginMilliseconds)
        guard !start.hasPassed else { return }
        guard start < deadline else { throw .deadlineNear }
        WallClock.sleep(milliseconds: start.remainingMilliseconds)
    }

    /// Offers each meter-day of a page: one conditional write each, which takes the meter-day when nothing counts
    /// there, or a lower-ranked reading does, and no recompute is pending. When it is refused, the meter-day is read:
    /// a pending recompute, or an older version of the same key counting there, means it must be recomputed.
    func offer(
        _ entries: [VersionPage.Entry], from source: VersionIdentity, deadline: Deadline,
        cost: inout MeterDayRecomputer.Cost
    ) throws(IngestFailure) {
        guard !deadline.hasPassed else { throw .deadlineNear }
        let requests: [JSONValue] = entries.map { entry in
            var update = UpdateExpression()
            let counting = MeterDayItem.Counting(
                source: source, value: entry.value, line: entry.line, marks: entry.marks)
            update.set(
                MeterDayItem.countingAttributes(counting, tenant: tenant, meter: entry.meter, date: entry.date))
            for name in MeterDayItem.absentAttributes(of: counting) { update.remove(name) }
            let generation = update.name(MeterDayItem.Attribute.generation)
            let computed = update.name(MeterDayItem.Attribute.computed)
            let value = update.name(MeterDayItem.Attribute.value)
            let rankedBelow = source.rank.condition(
                itemRanks: .below, name: { update.name($0) }, value: { update.value($0) })
            // The version itself already there (an offer redone after a crash) is taken again: a write, not a
            // refusal and a read.
            let itself =
                "(\(update.name(VersionIdentity.Attribute.key)) = \(update.value(AttributeValues.string(source.key))) "
                + "AND \(update.name(VersionIdentity.Attribute.tag)) = \(update.value(AttributeValues.string(source.tag))))"
            let condition =
                "attribute_not_exists(pk) OR ((attribute_not_exists(\(generation)) OR \(generation) = \(computed)) "
                + "AND (attribute_not_exists(\(value)) OR (\(rankedBelow)) OR \(itself)))"
            var request = update.request(condition: condition)
            request["TableName"] = .string(table)
            request["Key"] = MeterDayItem.key(tenant: tenant, meter: entry.meter, date: entry.date)
            return .object(request)
        }
        var refused: [VersionPage.Entry] = []
        for (entry, answer) in zip(
            entries, dynamo.callAll("UpdateItem", requests, maxInFlight: parallelism, deadline: deadline))
        {
            if case .failure(let error) = answer, error.isConditionFailed {
                refused.append(entry)
                continue
            }
            _ = try answer.orIngestFailure()
        }
        let reads: [JSONValue] = refused.map { entry in
            [
                "TableName": .string(table), "ConsistentRead": true,
                "Key": MeterDayItem.key(tenant: tenant, meter: entry.meter, date: entry.date),
            ]
        }
        var recompute: [MeterDay] = []
        for (entry, answer) in zip(
            refused, dynamo.callAll("GetItem", reads, maxInFlight: parallelism, deadline: deadline))
        {
            guard let item = try answer.orIngestFailure()["Item"], let day = MeterDayItem(item: item) else {
                throw .corruptItem("meter-day \(entry.meter) on \(entry.date) refused an offer but does not parse")
            }
            if !Self.offerIsSettled(day, by: source) {
                recompute.append(MeterDay(meter: ByteIdentity(entry.meter), date: entry.date))
            }
        }
        try recomputer.recompute(recompute, offered: source, cost: &cost)
    }

    /// Whether a refused offer can be left as it is: no recompute is pending, and the meter-day holds the offered
    /// version itself or a better-ranked reading of another key. Anything else may hide a recompute that read the
    /// table before the offering version counted (a pending one, or one that stored after the refusal).
    static func offerIsSettled(_ day: MeterDayItem, by source: VersionIdentity) -> Bool {
        guard !day.isRecomputing, let counting = day.counting else { return false }
        if counting.source.isSameVersion(as: source) { return true }
        return !counting.source.key.utf8.elementsEqual(source.key.utf8) && source.rank < counting.source.rank
    }
}
