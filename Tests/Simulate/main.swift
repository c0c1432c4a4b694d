import Foundation
import Simulation

// `simulate SEEDS [FIRST [LARGE_EVERY]]` (`make sim SEEDS=N`): SEEDS drawn schedules from seed FIRST, every
// LARGE_EVERY-th (default 20) with a large file, the figures, and a shrunk replay of each failing seed. Exits 1 when
// any seed fails.
let arguments = CommandLine.arguments.dropFirst()
// `simulate replay SEED`: one drawn seed, its report (with SIM_VERBOSE=1, every line the function logged).
if arguments.first == "replay", let seed = arguments.dropFirst().first.flatMap(UInt64.init) {
    var options = Simulation.Options()
    options.large = seed % 20 == 0
    let drawn = Simulation.drawn(seed: seed, large: options.large)
    print(drawn.workload)
    print(drawn.faults)
    print(Simulation.run(seed: seed, options: options))
    exit(0)
}
let seeds = arguments.first.flatMap(UInt64.init) ?? 10_000
let first = arguments.dropFirst().first.flatMap(UInt64.init) ?? 1
let largeEvery = arguments.dropFirst(2).first.flatMap(UInt64.init) ?? 20
let started = Date()
var injected: [FaultPlan.Kind: Int] = [:]
var requests = 0
var failures: [Simulation.Report] = []
for seed in first..<(first + seeds) {
    var options = Simulation.Options()
    options.large = seed % largeEvery == 0
    let report = Simulation.run(seed: seed, options: options)
    requests += report.requests
    for (kind, count) in report.injected { injected[kind, default: 0] += count }
    if !report.passed {
        failures.append(report)
        print(report)
        let drawn = Simulation.drawn(seed: seed, large: options.large)
        if let replay = Shrinker.shrink(seed: seed, workload: drawn.workload, faults: drawn.faults, options: options) {
            print(replay)
        }
    }
    if seed % 1_000 == 0 {
        let seconds = Date().timeIntervalSince(started)
        print(
            "\(seed - first + 1) schedules, \(failures.count) failed, \(Int(Double(seed - first + 1) / seconds)) a second"
        )
    }
}
let seconds = Date().timeIntervalSince(started)
print(
    "simulation: \(seeds) schedules in \(Int(seconds)) s (\(Int(Double(seeds) / max(seconds, 0.001))) a second), "
        + "\(requests) requests, faults injected: "
        + FaultPlan.Kind.allCases.map { "\($0.rawValue) \(injected[$0] ?? 0)" }.joined(separator: ", "))
print("\(seeds - UInt64(failures.count)) passed, \(failures.count) failed")
exit(failures.isEmpty ? 0 : 1)
