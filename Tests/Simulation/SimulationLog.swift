import Glibc

/// The last lines the product logged (errors only), for the report of a failing seed; with `SIM_VERBOSE` set,
/// every line at info level, printed as it comes.
final class SimulationLog: @unchecked Sendable {
    private(set) var lines: [String] = []
    private let keep = 40
    let verbose = getenv("SIM_VERBOSE") != nil

    func record(_ line: String) {
        if verbose { print(line) }
        lines.append(line)
        if lines.count > keep { lines.removeFirst(lines.count - keep) }
    }
}
