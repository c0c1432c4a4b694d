import CurlHTTP
import InMemoryWire

/// The network as one invocation sees it: each request is in flight for a (seeded) while, during which other
/// invocations run, then is applied to the in-memory services at once, or meets a fault from the plan. A parallel
/// batch keeps up to `maxInFlight` requests in flight at once, as curl's multi interface does; a request slower than
/// its time limit is given up by the client at that limit (and may still be applied). A killed task's requests fail
/// unsent.
final class InvocationNetwork: HTTPTransport {
    private let world: World
    private let task: SimulatedTask
    private let hardDeadline: Int

    init(world: World, task: SimulatedTask, hardDeadline: Int) {
        self.world = world
        self.task = task
        self.hardDeadline = hardDeadline
    }

    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        let flight = try depart(request)
        wait(until: flight.arrival)
        return try arrive(flight, onHead: nil, onBody: nil)
    }

    func send(
        _ request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTPError) -> HTTPResponse {
        let flight = try depart(request)
        wait(until: flight.arrival)
        return try arrive(flight, onHead: onHead, onBody: onBody)
    }

    /// Up to `maxInFlight` at once: a request leaves when a slot frees (checked by `mayStart` then), and each is
    /// applied when it arrives, in arrival order.
    func sendAll(_ requests: [HTTPRequest], maxInFlight: Int, mayStart: ((Int) -> Bool)?)
        -> [Result<HTTPResponse, HTTPError>]
    {
        var results = [Result<HTTPResponse, HTTPError>?](repeating: nil, count: requests.count)
        var inFlight: [(index: Int, flight: Flight)] = []
        var next = 0
        while next < requests.count || !inFlight.isEmpty {
            while inFlight.count < max(1, maxInFlight) && next < requests.count {
                let index = next
                next += 1
                guard mayStart?(index) ?? true else {
                    results[index] = .failure(.notStarted)
                    continue
                }
                do throws(HTTPError) {
                    inFlight.append((index, try depart(requests[index])))
                } catch {
                    results[index] = .failure(error)
                }
            }
            guard let soonest = inFlight.indices.min(by: { inFlight[$0].flight.arrival < inFlight[$1].flight.arrival })
            else { continue }
            let (index, flight) = inFlight.remove(at: soonest)
            wait(until: flight.arrival)
            results[index] = Result { () throws(HTTPError) in try arrive(flight, onHead: nil, onBody: nil) }
        }
        return results.map { $0 ?? .failure(.notStarted) }
    }

    private static let gone = HTTPError.transport(
        TransportFailure(kind: .other, code: 7, message: "the simulated process is gone"))
    private static let timedOut = HTTPError.transport(
        TransportFailure(kind: .timeout, code: 28, message: "the simulated answer never came"))

    /// A request on its way: when it arrives (or the client gives up on it), and what befalls it.
    struct Flight {
        var request: WireRequest
        var arrival: Int
        var fault: FaultPlan.Kind?
        /// The client gave up at its time limit before the answer came.
        var abandoned: Bool
    }

    private func depart(_ request: HTTPRequest) throws(HTTPError) -> Flight {
        guard !task.killed else { throw Self.gone }
        guard let wire = WireRequest(request) else {
            throw .transport(TransportFailure(kind: .invalidRequest, code: 3, message: "bad URL \(request.url)"))
        }
        let fault = world.drawFault(for: wire)
        if fault == .crashBefore {
            kill("crashed before a request")
            throw Self.gone
        }
        let latency = world.latency(slow: fault == .slow)
        let limit = request.timeoutMilliseconds ?? Int.max
        return Flight(
            request: wire, arrival: world.scheduler.now + min(latency, limit), fault: fault, abandoned: latency > limit)
    }

    private func wait(until time: Int) {
        guard !task.killed else { return }
        world.scheduler.wait(task, milliseconds: time - world.scheduler.now)
        if world.scheduler.now >= hardDeadline && !task.killed { kill("ran past its timeout: Lambda ends it") }
    }

    private func kill(_ why: String) {
        task.killed = true
        world.log.record("SIMULATION \(task.name) \(why)")
    }

    private func arrive(
        _ flight: Flight, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: ((UnsafeRawBufferPointer) -> Bool)?
    ) throws(HTTPError) -> HTTPResponse {
        guard !task.killed else { throw Self.gone }
        let wire = flight.request
        if flight.abandoned {
            // The client stopped waiting; the service may or may not have applied it.
            if world.random.chance(500_000) { _ = world.apply(wire) }
            throw Self.timedOut
        }
        switch flight.fault {
        case .throttle?:
            return world.throttled(wire)
        case .serverError?:
            return HTTPResponse(
                status: 500, headers: [("content-type", "application/x-amz-json-1.0")],
                body: Array(#"{"__type": "InternalServerError", "message": "simulated"}"#.utf8))
        default:
            break
        }
        let response = world.apply(wire)
        world.log.trace(wire, response, fault: flight.fault, task: task)
        switch flight.fault {
        case .lostAnswer?:
            throw Self.timedOut
        case .crashAfter?:
            kill("crashed after a request")
            throw Self.gone
        default:
            break
        }
        guard let onBody else { return response }
        onHead?(response.status, response.headers)
        let cut =
            flight.fault == .cutBody && response.isSuccess && response.body.count > 1 ? response.body.count / 2 : nil
        let body = cut.map { Array(response.body[..<$0]) } ?? response.body
        var start = 0
        while start < body.count {
            let end = min(body.count, start + 65_536)
            let keepGoing = body[start..<end].withUnsafeBytes { onBody($0) }
            guard keepGoing else { throw .aborted }
            start = end
        }
        if cut != nil { throw .transport(TransportFailure(kind: .connectionLost, code: 56, message: "simulated cut")) }
        return HTTPResponse(status: response.status, headers: response.headers, body: [])
    }
}
