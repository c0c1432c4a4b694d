import CurlHTTP
import InMemoryWire

/// The network as one invocation sees it: each request waits a (seeded) while in flight, letting other invocations
/// run, then is applied to the in-memory services at once, or meets a fault from the plan. A killed task's
/// requests fail unsent.
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
        try exchange(request, onHead: nil, onBody: nil)
    }

    func send(
        _ request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTPError) -> HTTPResponse {
        try exchange(request, onHead: onHead, onBody: onBody)
    }

    /// One request after another (each a point where other invocations run), each checked by `mayStart` when its
    /// turn comes.
    func sendAll(_ requests: [HTTPRequest], maxInFlight: Int, mayStart: ((Int) -> Bool)?)
        -> [Result<HTTPResponse, HTTPError>]
    {
        requests.indices.map { index in
            Result { () throws(HTTPError) in
                guard mayStart?(index) ?? true else { throw .notStarted }
                return try exchange(requests[index], onHead: nil, onBody: nil)
            }
        }
    }

    private static let gone = HTTPError.transport(
        TransportFailure(kind: .other, code: 7, message: "the simulated process is gone"))
    private static let timedOut = HTTPError.transport(
        TransportFailure(kind: .timeout, code: 28, message: "the simulated answer never came"))

    private func exchange(
        _ request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: ((UnsafeRawBufferPointer) -> Bool)?
    ) throws(HTTPError) -> HTTPResponse {
        guard !task.killed else { throw Self.gone }
        let fault = world.drawFault()
        world.scheduler.wait(task, milliseconds: world.latency(slow: fault == .slow))
        if world.scheduler.now >= hardDeadline {
            task.killed = true
            world.log.record("SIMULATION \(task.name) ran past its timeout: Lambda ends it")
        }
        guard !task.killed else { throw Self.gone }
        guard let wire = WireRequest(request) else {
            throw .transport(TransportFailure(kind: .invalidRequest, code: 3, message: "bad URL \(request.url)"))
        }
        switch fault {
        case .crashBefore?:
            task.killed = true
            world.log.record("SIMULATION \(task.name) crashed before a request")
            throw Self.gone
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
        world.log.trace(wire, response, fault: fault, task: task)
        switch fault {
        case .lostAnswer?:
            throw Self.timedOut
        case .crashAfter?:
            task.killed = true
            world.log.record("SIMULATION \(task.name) crashed after a request")
            throw Self.gone
        default:
            break
        }
        guard let onBody else { return response }
        onHead?(response.status, response.headers)
        let cut = fault == .cutBody && response.isSuccess && response.body.count > 1 ? response.body.count / 2 : nil
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
