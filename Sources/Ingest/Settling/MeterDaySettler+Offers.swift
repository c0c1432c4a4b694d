import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import Timekeeping

/// A version's offers: each meter-day of its pages takes it where it ranks above what counts, within the offering
/// lease; a refusal that may hide a recompute starts one.
extension MeterDaySettler {
    /// Offers the counting version's meter-days from `state.offered` on, as one of its offerers; false when a later
    /// switch came. Any number of invocations may offer at once (a duplicate delivery, two events of the key):
    /// offers are idempotent.
    ///
    /// An offer is a blind write: a switch after ours must not have run its retire before our last offers landed.
    /// The progress write after the last round is conditioned on our switch still standing, so a switch came either
    /// before it (it failed: our offers are retracted) or after it (its retire follows every offer, once the lease it
    /// leaves has ended). Each offerer joins the switch's offerers before its first offer and leaves them when it
    /// stops with every answer in hand, so the one that records the offers done ends the lease only when no other
    /// offerer may still be sending (seed 149341: the first of two offerers to finish recorded a lease that read
    /// back as none, and the second's slow offer landed after an overwrite's retire).
    func offerRemaining(
        _ state: inout SourceItem, as offerer: Offerer, now: () -> String, cost: inout MeterDayRecomputer.Cost
    ) throws(IngestFailure) -> Bool {
        guard let counting = state.counting, let start = state.offered else { return true }
        let version = counting.identity
        let (key, switchCount) = (state.key, state.switchCount)
        var lease = WallClock.nowMilliseconds() + SourceItem.offeringLeaseMilliseconds
        var end = SourceStore.OffersEnd.notPending
        do {
            guard
                try sources.recordOffers(
                    key: key, switchCount: switchCount, offerer: offerer.name, offered: start, until: lease, now: now())
            else { return try offersStopped(&state, retracting: nil, cost: &cost) }
            let walked = try walk(version.key, version.tag, from: start, to: counting.meterDays) {
                (entries, done) throws(IngestFailure) -> Bool in
                try offer(entries, from: version, deadline: offerDeadline(lease), cost: &cost)
                state.offered = done
                // Done or not, an offer whose answer was lost may still land within a lease from now.
                lease = WallClock.nowMilliseconds() + SourceItem.offeringLeaseMilliseconds
                // The last round's progress is the finish, below.
                guard done < counting.meterDays else { return true }
                return try sources.recordOffers(
                    key: key, switchCount: switchCount, offerer: offerer.name, offered: done, until: lease, now: now())
            }
            if walked {
                end = try sources.finishOffers(
                    key: key, switchCount: switchCount, offerer: offerer.name, alone: offerer.allAnswered,
                    until: lease, now: now())
            }
        } catch {
            // Stopped by its deadline or a failed call: with every answer in hand, none of its offers is left to land.
            if offerer.allAnswered {
                try? sources.leaveOffers(key: key, switchCount: switchCount, offerer: offerer.name, now: now())
            }
            throw error
        }
        let sent = 0..<(state.offered ?? counting.meterDays)
        state.offered = nil
        switch end {
        case .leaseEnded: state.offeringUntil = nil
        case .leaseKept(let until): state.offeringUntil = until
        case .notPending: return try offersStopped(&state, retracting: sent, cost: &cost)
        }
        return true
    }

    /// After an offering write found the offers no longer pending: false when a later switch came (the offers sent,
    /// `retracting`, are retracted); true when another offerer recorded them done (`state` is now that record, its
    /// lease kept for ours, which it found among the offerers). False, to start over, for anything else.
    private func offersStopped(
        _ state: inout SourceItem, retracting sent: Range<Int>?, cost: inout MeterDayRecomputer.Cost
    ) throws(IngestFailure) -> Bool {
        let stored = try sources.read(key: state.key)
        guard stored.switchCount == state.switchCount else {
            if let sent, let counting = state.counting { try retract(counting.identity, sent, cost: &cost) }
            return false
        }
        state = stored
        return stored.offered == nil
    }

    /// Offers one part's meter-days for the switch `switchCount`; false when a later switch came (the part's
    /// offers are then retracted).
    /// The part resumes at `start`; `saving` records how far it got after each round (false: the job is gone).
    func offer(
        part meterDays: Range<Int>, from start: Int, of version: VersionIdentity, switchCount: Int,
        now: () -> String, cost: inout MeterDayRecomputer.Cost,
        saving: (Int) throws(IngestFailure) -> Bool
    ) throws(IngestFailure) -> Bool {
        var lease = 0
        _ = try walk(version.key, version.tag, from: start, to: meterDays.upperBound) {
            (entries, done) throws(IngestFailure) -> Bool in
            if Deadline(epochMilliseconds: lease).isWithin(milliseconds: Self.offerWindowMilliseconds) {
                lease = WallClock.nowMilliseconds() + SourceItem.offeringLeaseMilliseconds
                guard
                    try sources.holdSwitch(
                        key: version.key, switchCount: switchCount, offeringUntil: lease, now: now())
                else { return false }
            }
            try offer(entries, from: version, deadline: offerDeadline(lease), cost: &cost)
            return try saving(done)
        }
        // Cut short, the part's job is gone: done by other invocations (a part delivered twice), or dropped for a
        // later switch. Its offers stand while the switch it was for does; only a later switch retracts them (was:
        // retracted whenever cut short, and a retraction stopped by the deadline left recomputes pending forever).
        // Finished or not, the same confirmation decides.
        if try sources.holdSwitch(key: version.key, switchCount: switchCount, offeringUntil: nil, now: now()) {
            return true
        }
        try retract(version, meterDays, cost: &cost)
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
    func waitForOffersToEnd(notBefore: Int) throws(IngestFailure) {
        guard notBefore > 0 else { return }
        let start = Deadline(epochMilliseconds: notBefore + Self.clockMarginMilliseconds)
        guard !start.hasPassed else { return }
        guard start < deadline else { throw .deadlineNear }
        WallClock.sleep(milliseconds: start.remainingMilliseconds)
    }

    /// Offers each meter-day of a page: one conditional write each, which takes the meter-day when nothing counts
    /// there, or a lower-ranked reading does, and no recompute is pending. When it is refused, the meter-day is read:
    /// a pending recompute, or an older version of the same key counting there, means it must be recomputed.
    func offer(
        _ entries: [VersionPage.Entry], from version: VersionIdentity, deadline: Deadline,
        cost: inout MeterDayRecomputer.Cost
    ) throws(IngestFailure) {
        guard !deadline.hasPassed else { throw .deadlineNear }
        let requests: [JSONValue] = entries.map { entry in
            var update = UpdateExpression()
            let counting = MeterDayItem.Counting(
                version: version, value: entry.value, line: entry.line, marks: entry.marks)
            update.set(
                MeterDayItem.countingAttributes(counting, tenant: tenant, meter: entry.meter, date: entry.date))
            for name in MeterDayItem.absentAttributes(of: counting) { update.remove(name) }
            let generation = update.name(MeterDayItem.Attribute.generation)
            let computed = update.name(MeterDayItem.Attribute.computed)
            let value = update.name(MeterDayItem.Attribute.value)
            let rankedBelow = version.rank.condition(
                itemRanks: .below, name: { update.name($0) }, value: { update.value($0) })
            // The version itself already there (an offer redone after a crash) is taken again: a write, not a
            // refusal and a read.
            let itself =
                "(\(update.name(VersionIdentity.Attribute.key)) = \(update.value(AttributeValues.string(version.key))) "
                + "AND \(update.name(VersionIdentity.Attribute.tag)) = \(update.value(AttributeValues.string(version.tag))))"
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
            if !Self.offerIsSettled(day, by: version) {
                recompute.append(MeterDay(meter: ByteIdentity(entry.meter), date: entry.date))
            }
        }
        try recomputer.recompute(recompute, offered: version, cost: &cost)
    }

    /// Whether a refused offer can be left as it is: no recompute is pending, and the meter-day holds the offered
    /// version itself or a better-ranked reading of another key. Anything else may hide a recompute that read the
    /// table before the offering version counted (a pending one, or one that stored after the refusal).
    static func offerIsSettled(_ day: MeterDayItem, by version: VersionIdentity) -> Bool {
        guard !day.isRecomputing, let counting = day.counting else { return false }
        if counting.version.isSameVersion(as: version) { return true }
        return !counting.version.key.utf8.elementsEqual(version.key.utf8) && version.rank < counting.version.rank
    }
}
