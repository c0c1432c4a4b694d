import CurlHTTP
import Glibc
import InMemoryWire

/// The last lines the product logged (errors only), for the report of a failing seed; with `SIM_VERBOSE` set,
/// every line at info level, printed as it comes.
final class SimulationLog: @unchecked Sendable {
    private(set) var lines: [String] = []
    private let keep = 40
    let verbose = getenv("SIM_VERBOSE") != nil

    /// With `SIM_TRACE=text`, every applied request whose body holds `text` (or of the invocation so named), and its
    /// answer.
    private let traced = getenv("SIM_TRACE").map { String(cString: $0) }

    func trace(_ request: WireRequest, _ response: HTTPResponse, fault: FaultPlan.Kind?, task: SimulatedTask) {
        guard let traced,
            traced == task.name || String(decoding: request.body, as: UTF8.self).contains(traced)
        else { return }
        print(
            "TRACE \(task.name) \(request.header("x-amz-target") ?? request.method) \(response.status) "
                + "\(fault.map { "fault \($0.rawValue) " } ?? "")\(String(decoding: request.body, as: UTF8.self).prefix(700)) "
                + "-> \(String(decoding: response.body, as: UTF8.self).prefix(300))")
    }

    func record(_ line: String) {
        if verbose { print(line) }
        lines.append(line)
        if lines.count > keep { lines.removeFirst(lines.count - keep) }
    }
}
