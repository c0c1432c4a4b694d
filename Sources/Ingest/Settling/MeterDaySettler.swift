import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// Brings the meter-day items in line with a source item after a switch, page by page, recording its progress on
/// the source item: the counting version's meter-days are *offered*, then each version that stopped counting is
/// *retired* and its readings deleted. What one file costs is what its pages hold, whatever else its days hold.
///
/// A version with more meter-days than a part (`SettleFanOut`) is settled in parts instead: a `SettleJob` item
/// and one message per part, taken by whichever invocations (`PartSettler`, through `settle(part:)`); the one that
/// settles the last part has the key reconciled again, which finds the job complete and goes on.
struct MeterDaySettler {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String
    let sources: SourceStore
    let jobs: SettleJobStore
    let recomputer: MeterDayRecomputer
    let fanOut: SettleFanOut?
    let parallelism: Int
    let deadline: Deadline
    /// Whether S3 still holds the version (key, tag). A retired version S3 still holds may become current again
    /// (its newer version deleted, a delete marker removed), so its readings and pages stay until S3 deletes it
    /// for good (`purge`); one S3 no longer holds has them deleted at its retire.
    let stillStored: (_ key: String, _ tag: String) throws(IngestFailure) -> Bool
    /// Rounds are this many times halved: a piece whose earlier receives all died before their first round was
    /// recorded saves its progress sooner (seed 3500 of `make sim`: three receives of a part died within the first
    /// round of 64 meter-days, the fifth after progress, and the part went to the DLQ).
    var roundHalvings = 0

    typealias MeterDay = MeterDayRecomputer.MeterDay

    enum Settlement: Equatable {
        case settled
        /// Another switch of the key came meanwhile, or another invocation settled the step this state was read
        /// before: the work is theirs, and the caller starts over from the key's new state.
        case superseded
        /// This many parts are left to other invocations.
        case inParts(Int)
    }

    /// Settles `state`'s pending work. Near the deadline it records how far it got and throws, so the next attempt
    /// resumes there.
    func settle(
        _ state: inout SourceItem, offerer: Offerer, now: () -> String, cost: inout MeterDayRecomputer.Cost
    ) throws(IngestFailure) -> Settlement {
        if let counting = state.counting, let start = state.offered {
            let version = counting.identity
            if let fanOut, counting.meterDays - start > fanOut.partMeterDays {
                let wanted = SettleJob(
                    kind: .offer, key: state.key, tag: version.tag, switchCount: state.switchCount,
                    meterDays: counting.meterDays, partMeterDays: fanOut.partMeterDays)
                guard let job = try pendingJob(wanted) else { return .superseded }
                guard job.isComplete else { return .inParts(try fanOut.send(job)) }
                // A part delivered twice may still be sending offers under a lease renewed before this record;
                // none is renewed after it (a renewal needs offers pending), so every one ends by a lease from now.
                state.offered = nil
                state.offeringUntil = WallClock.nowMilliseconds() + SourceItem.offeringLeaseMilliseconds
                guard try sources.recordProgress(state, now: now()) else { return .superseded }
                try jobs.delete(job)
            } else {
                guard try offerRemaining(&state, as: offerer, now: now, cost: &cost) else { return .superseded }
            }
        }
        while let retiring = state.retiring.first {
            if let fanOut, retiring.meterDays - retiring.done > fanOut.partMeterDays {
                let wanted = SettleJob(
                    kind: .retire, key: state.key, tag: retiring.tag, switchCount: retiring.switchCount,
                    meterDays: retiring.meterDays, partMeterDays: fanOut.partMeterDays)
                guard let job = try pendingJob(wanted) else { return .superseded }
                guard job.isComplete else { return .inParts(try fanOut.send(job)) }
                state.retiring.removeFirst()
                guard try sources.recordProgress(state, now: now()) else { return .superseded }
                try jobs.delete(job)
                continue
            }
            try waitForOffersToEnd(notBefore: retiring.notBefore)
            let key = state.key
            let keeps = try stillStored(key, retiring.tag)
            let finished = try walk(key, retiring.tag, from: retiring.done, to: retiring.meterDays) {
                (entries, done) throws(IngestFailure) -> Bool in
                try retire(entries, key: key, tag: retiring.tag, cost: &cost)
                if !keeps { try deleteReadings(entries, key: key, tag: retiring.tag) }
                state.retiring[0].done = done
                return try sources.recordProgress(state, now: now())
            }
            guard finished else { return .superseded }
            if !keeps { try deletePages(of: key, tag: retiring.tag, 0..<retiring.meterDays) }
            state.retiring.removeFirst()
            if try !sources.recordProgress(state, now: now()) { return .superseded }
        }
        return .settled
    }

    /// The job of a step, made if it is not stored yet, while the key's stored state still has the step pending.
    /// `state` may have been read before another invocation finished the step and deleted its job: that job would
    /// be made again and its parts sent for nothing. An unfinished job is therefore confirmed against a fresh read
    /// of the source item; a step that is no longer pending deletes the job and gives nil (the caller starts over
    /// from the new state). A step can only be recorded done after its job is complete, so a job made after the
    /// step was recorded always meets that read.
    private func pendingJob(_ wanted: SettleJob) throws(IngestFailure) -> SettleJob? {
        let job = try jobs.readOrMake(wanted)
        guard !job.isComplete else { return job }
        guard job.isPending(in: try sources.read(key: wanted.key)) else {
            try jobs.delete(job)
            return nil
        }
        return job
    }

    /// Deletes the key's jobs whose step is over: one whose invocation died between recording the step done and
    /// deleting the job, or one whose step a later switch replaced after its last part was done. Returns how many.
    /// The jobs are listed before the source item is read: a job's step was pending before the job was made, and a
    /// step over at that read is over for good (switch counts only grow), so no job still wanted is deleted; and
    /// none deleted is made again (`pendingJob` confirms against a fresh read; parts only update a job that exists).
    func sweepJobs(of key: String) throws(IngestFailure) -> Int {
        let stored = try jobs.jobs(ofKey: key)
        guard !stored.isEmpty else { return 0 }
        let state = try sources.read(key: key)
        let over = stored.filter { !$0.isPending(in: state) }
        for job in over { try jobs.delete(job) }
        return over.count
    }

    /// What taking one part did: whether this invocation settled it, why not, and whether every part is now done.
    struct PartOutcome: Equatable {
        var settled: Bool
        var detail: String
        var jobComplete = false
    }

    /// Settles one part of a job made by `settle`. Offers: only while the switch they are for stands, under an
    /// offering lease of their own renewed by a write conditioned on that switch, and confirmed the same way after
    /// the last round (a switch before the confirmation retracts the part's offers; one after it retires after
    /// them). Retires: once the offers of the version being retired have ended, then its readings and the part's
    /// pages are deleted.
    func settle(part work: SettleWork, now: () -> String, cost: inout MeterDayRecomputer.Cost)
        throws(IngestFailure) -> PartOutcome
    {
        guard
            let job = try jobs.read(kind: work.kind, key: work.key, tag: work.tag, switchCount: work.switchCount),
            work.part < job.parts
        else { return PartOutcome(settled: false, detail: "the job is finished") }
        guard !job.done.contains(work.part) else {
            return PartOutcome(settled: false, detail: "settled before", jobComplete: job.isComplete)
        }
        let state = try sources.read(key: work.key)
        guard job.isPending(in: state) else {
            // The step is over (recorded done, or replaced by a later switch): no part of it will ever be done, and
            // its item goes.
            try jobs.delete(job)
            return PartOutcome(settled: false, detail: "the \(job.kind.rawValue) these parts are for is over")
        }
        let meterDays = job.meterDays(of: work.part)
        switch job.kind {
        case .offer:
            guard let counting = state.counting,
                try offer(
                    part: meterDays, from: job.resumePosition(of: work.part), of: counting.identity,
                    switchCount: job.switchCount, now: now, cost: &cost,
                    saving: { (position) throws(IngestFailure) -> Bool in
                        try jobs.recordProgress(job, part: work.part, position: position)
                    })
            else {
                return PartOutcome(settled: false, detail: "a later switch came while offering: offers retracted")
            }
        case .retire:
            try waitForOffersToEnd(notBefore: job.retire(in: state)?.notBefore ?? 0)
            let keeps = try stillStored(work.key, job.tag)
            let finished = try walk(
                work.key, job.tag, from: job.resumePosition(of: work.part), to: meterDays.upperBound
            ) {
                (entries, done) throws(IngestFailure) -> Bool in
                try retire(entries, key: work.key, tag: job.tag, cost: &cost)
                if !keeps { try deleteReadings(entries, key: work.key, tag: job.tag) }
                return try jobs.recordProgress(job, part: work.part, position: done)
            }
            guard finished else { return PartOutcome(settled: false, detail: "the job finished meanwhile") }
            if !keeps { try deletePages(of: work.key, tag: job.tag, meterDays) }
        }
        guard let after = try jobs.markPartDone(job, index: work.part) else {
            return PartOutcome(settled: true, detail: "settled; the job had finished meanwhile")
        }
        return PartOutcome(
            settled: true, detail: "\(after.done.count) of \(after.parts) parts settled",
            jobComplete: after.isComplete)
    }

    /// Hands the meter-days `start..<end` of a version's pages to `step` a round at a time (small enough that the
    /// deadline is checked often), with the count done after each round. Returns false as soon as `step` does.
    func walk(
        _ key: String, _ tag: String, from start: Int, to end: Int,
        _ step: ([VersionPage.Entry], Int) throws(IngestFailure) -> Bool
    ) throws(IngestFailure) -> Bool {
        let round = max(1, max(DynamoDBClient.batchWriteLimit, parallelism * 16) >> roundHalvings)
        var done = start
        while done < end {
            let number = done / VersionPage.capacity
            let entries = try page(key, tag, number)
            var offset = done % VersionPage.capacity
            // A page already deleted (its part of the version retired meanwhile) has nothing left to do.
            guard offset < entries.count else {
                done = (number + 1) * VersionPage.capacity
                continue
            }
            while offset < entries.count {
                guard !deadline.hasPassed else { throw .deadlineNear }
                let slice = Array(entries[offset..<min(entries.count, offset + round)])
                offset += slice.count
                done += slice.count
                guard try step(slice, done) else { return false }
            }
        }
        return true
    }

    /// A page of a version's meter-days; a page already deleted (its version retired meanwhile) is empty.
    func page(_ key: String, _ tag: String, _ number: Int) throws(IngestFailure) -> [VersionPage.Entry] {
        let item = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(
                table: table, key: VersionPage.key(tenant: tenant, objectKey: key, tag: tag, page: number),
                consistent: true)
        }
        guard let item else { return [] }
        guard let page = VersionPage(item: item) else { throw .corruptItem("page \(number) of \(key) does not parse") }
        return page.entries
    }

    func readingKey(_ entry: VersionPage.Entry, key: String, tag: String) -> JSONValue {
        TableKeys.key(
            TableKeys.meterPartition(tenant: tenant, meter: entry.meter),
            TableKeys.readingSort(date: entry.date, keyHash: TableKeys.keyHash(key), tag: tag))
    }

    func write(_ requests: [JSONValue]) throws(IngestFailure) {
        guard !requests.isEmpty else { return }
        try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.batchWrite(table: table, requests: requests, maxInFlight: parallelism, deadline: deadline)
        }
    }
}
