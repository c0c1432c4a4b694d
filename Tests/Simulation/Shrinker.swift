/// Makes a failing run small enough to read: drops workload steps one at a time, then the faults, keeping each
/// cut that still fails. What is left prints as a replay to paste into a regression test.
public enum Shrinker {
    public struct Replay: CustomStringConvertible {
        public var seed: UInt64
        public var workload: Workload
        public var faults: FaultPlan
        public var report: Simulation.Report

        public var description: String {
            let faultList = faults.perMillion.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { ".\($0.key.rawValue): \($0.value)" }.joined(separator: ", ")
            return """
                // a shrunk replay: \(report.mismatches.first ?? "never quiet")
                let report = Simulation.run(
                    seed: \(seed), workload: \(workload),
                    options: .init(faults: FaultPlan(perMillion: [\(faultList.isEmpty ? ":" : faultList)])))
                """
        }
    }

    /// The smallest failing variant found of (seed, workload, faults) within `maxRuns` runs.
    public static func shrink(
        seed: UInt64, workload: Workload, faults: FaultPlan, options: Simulation.Options,
        maxRuns: Int = 200
    ) -> Replay? {
        var options = options
        func fails(_ workload: Workload, _ faults: FaultPlan) -> Simulation.Report? {
            options.faults = faults
            let report = Simulation.run(seed: seed, workload: workload, options: options)
            return report.passed ? nil : report
        }
        guard var report = fails(workload, faults) else { return nil }
        var workload = workload
        var faults = faults
        var runs = 1
        var index = 0
        while index < workload.steps.count && runs < maxRuns {
            var smaller = workload
            smaller.steps.remove(at: index)
            runs += 1
            if let failing = fails(smaller, faults) {
                workload = smaller
                report = failing
            } else {
                index += 1
            }
        }
        for kind in faults.perMillion.keys.sorted(by: { $0.rawValue < $1.rawValue }) where runs < maxRuns {
            var fewer = faults
            fewer.perMillion[kind] = nil
            runs += 1
            if let failing = fails(workload, fewer) {
                faults = fewer
                report = failing
            }
        }
        return Replay(seed: seed, workload: workload, faults: faults, report: report)
    }
}
