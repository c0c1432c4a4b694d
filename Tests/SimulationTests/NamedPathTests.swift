import Simulation
import Testing

/// The data-loss paths found by reading the code, each as a workload with no fault at all.
@Suite struct NamedPathTests {
    static func file(_ seed: UInt64, invalid: Bool = false, meters: Int = 2, days: Int = 1) -> Workload.FileSpec {
        .init(layout: "wide", gzip: false, invalid: invalid, meters: meters, days: days, seed: seed)
    }

    static let big = Workload.FileSpec(
        layout: "dailyValues", gzip: false, invalid: false, meters: 1250, days: 2, seed: 42)

    /// 1: a rejected upload lands while a large file's ranges are still being written; the large file counts.
    @Test func aRejectedUploadOverALargeFileInFlight() {
        let report = Simulation.run(
            seed: 1,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/big.csv", file: Self.big)),
                (1_200, .put(key: "incoming/acme/big.csv", file: Self.file(7, invalid: true))),
            ]),
            options: .init(faults: .calm))
        #expect(report.passed, "\(report)")
    }

    /// 2: a delete, then an invalid upload: nothing of the key counts.
    @Test func aDeleteThenAnInvalidUpload() {
        let report = Simulation.run(
            seed: 2,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/a.csv", file: Self.file(1))),
                (60_000, .delete(key: "incoming/acme/a.csv")),
                (60_010, .put(key: "incoming/acme/a.csv", file: Self.file(2, invalid: true))),
            ]),
            options: .init(faults: .calm))
        #expect(report.passed, "\(report)")
    }

    /// 3: deleting the newest version restores the one before it.
    @Test func deletingTheNewestVersionRestoresTheOneBefore() {
        let report = Simulation.run(
            seed: 3,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/a.csv", file: Self.file(1))),
                (60_000, .put(key: "incoming/acme/a.csv", file: Self.file(2))),
                (120_000, .deleteNewest(key: "incoming/acme/a.csv")),
            ]),
            options: .init(faults: .calm))
        #expect(report.passed, "\(report)")
    }

    /// 3: removing the delete marker brings the object back.
    @Test func removingTheDeleteMarkerBringsTheObjectBack() {
        let report = Simulation.run(
            seed: 4,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/a.csv", file: Self.file(1))),
                (60_000, .delete(key: "incoming/acme/a.csv")),
                (120_000, .deleteNewest(key: "incoming/acme/a.csv")),
            ]),
            options: .init(faults: .calm))
        #expect(report.passed, "\(report)")
    }

    /// 3: a large file restored after a newer version is deleted.
    @Test func aLargeFileRestored() {
        let report = Simulation.run(
            seed: 5,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/big.csv", file: Self.big)),
                (600_000, .put(key: "incoming/acme/big.csv", file: Self.file(3))),
                (1_200_000, .deleteNewest(key: "incoming/acme/big.csv")),
            ]),
            options: .init(faults: .calm))
        #expect(report.passed, "\(report)")
    }

    /// 8: the version that counts behind a rejected upload expires (S3's lifecycle): nothing counts.
    @Test func theFallbackVersionExpires() {
        let report = Simulation.run(
            seed: 6,
            workload: Workload(steps: [
                (0, .put(key: "incoming/acme/a.csv", file: Self.file(1))),
                (60_000, .put(key: "incoming/acme/a.csv", file: Self.file(2, invalid: true))),
                (600_000, .expireNoncurrent(olderThanMilliseconds: 60_000)),
            ]),
            options: .init(faults: .calm))
        #expect(report.passed, "\(report)")
    }
}
