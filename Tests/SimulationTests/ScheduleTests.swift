import Glibc
import Simulation
import Testing

/// Drawn schedules against the oracle: every meter-day, day sum, index entry and ledger status equal to what the
/// bucket's final state says, no message in a DLQ, nothing pending.
@Suite struct ScheduleTests {
    /// `SIM_SEEDS` schedules (100 by default: this is a debug build; `make test` runs 1,000 more in release, `make
    /// sim` as many as asked) of small files with every fault kind, and one in fifty with a file large enough to be
    /// written in ranges and settled in parts.
    @Test func drawnSchedulesMatchTheOracle() {
        let seeds = UInt64(Environment.integer("SIM_SEEDS") ?? 100)
        var failures: [String] = []
        for seed in 1...seeds {
            var options = Simulation.Options()
            options.large = seed % 50 == 0
            let report = Simulation.run(seed: seed, options: options)
            guard !report.passed else { continue }
            let drawn = Simulation.drawn(seed: seed, large: options.large)
            let replay = Shrinker.shrink(
                seed: seed, workload: drawn.workload, faults: drawn.faults, options: options, maxRuns: 40)
            failures.append("\(report)\n\(replay.map(String.init(describing:)) ?? "")")
            if failures.count == 3 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    @Test func aSeedReplaysTheSameRun() {
        let first = Simulation.run(seed: 7)
        let second = Simulation.run(seed: 7)
        #expect(first.requests == second.requests)
        #expect(first.invocations == second.invocations)
        #expect(first.virtualMilliseconds == second.virtualMilliseconds)
        #expect(first.requests > 0)
    }
}

enum Environment {
    static func integer(_ name: String) -> Int? {
        guard let text = getenv(name) else { return nil }
        return Int(String(cString: text))
    }
}
