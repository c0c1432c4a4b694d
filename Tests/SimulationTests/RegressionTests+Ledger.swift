import Simulation
import Testing

/// The ledger's last word on every version, not only the newest (the check found both in seeds 61 to 2300 of
/// `make sim`).
extension RegressionTests {
    static func small(_ seed: UInt64) -> Workload.FileSpec {
        Workload.FileSpec(layout: "wide", gzip: false, invalid: false, meters: 2, days: 1, seed: seed)
    }

    /// Seed 1378: the invocation that switched to the first version is slowed before its ledger mark; the overwrite
    /// is switched to and retires the first version (marked `deleted`) before that mark lands. The mark of the
    /// earlier switch does not overwrite the later one's (was: the first version said `ingested` for good, and
    /// so was never purged once S3 deleted it).
    @Test func aVersionsIngestedMarkLandingAfterItsRetireLeavesItDeleted() {
        let report = Simulation.run(
            seed: 1378,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/a.csv", file: Self.small(1))),
                (8_000, .put(key: "incoming/acme/a.csv", file: Self.small(2))),
            ]),
            options: .init(
                faults: FaultPlan(pinned: [.init(.slow, operation: "UpdateItem", containing: #"{"S":"ingested"}"#)])))
        #expect(report.injected[.slow] == 1, "the slow request pinned on the first mark happened")
        #expect(report.passed, "\(report)")
    }

    /// Seeds 61 and 684: the invocation reading a version dies after marking it `processing`; S3's version is
    /// deleted before the retry. The removal's purge closes the entry `deleted` (was: `processing` for good, and
    /// the readings it wrote never purged).
    @Test(arguments: [false, true])
    func aVersionDeletedAfterItsAttemptDiedIsMarkedDeleted(invalid: Bool) {
        var file = Self.small(3)
        file.invalid = invalid
        let report = Simulation.run(
            seed: 684,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/a.csv", file: file)),
                (10_000, .deleteNewest(key: "incoming/acme/a.csv")),
            ]),
            options: .init(
                faults: FaultPlan(pinned: [
                    .init(.crashAfter, operation: "UpdateItem", containing: #"{"S":"processing"}"#)
                ])))
        #expect(report.injected[.crashAfter] == 1, "the crash pinned after the mark `processing` happened")
        #expect(report.passed, "\(report)")
    }
}

extension RegressionTests {
    /// Seed 620349: the attempt's `processing` mark is slowed until after the version's deletion was purged; its read
    /// then finds the version gone. The attempt closes the entry `deleted` itself (was: `processing` for good, as
    /// the purge had listed the key's entries before the mark landed).
    @Test func aVersionDeletedWhileItsFirstMarkWasInFlightIsMarkedDeleted() {
        let report = Simulation.run(
            seed: 620_349,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/a.csv", file: Self.small(4))),
                (4_000, .deleteNewest(key: "incoming/acme/a.csv")),
            ]),
            options: .init(
                faults: FaultPlan(pinned: [.init(.slow, operation: "UpdateItem", containing: #"{"S":"processing"}"#)])))
        #expect(report.injected[.slow] == 1, "the slow request pinned on the mark `processing` happened")
        #expect(report.passed, "\(report)")
    }
}
