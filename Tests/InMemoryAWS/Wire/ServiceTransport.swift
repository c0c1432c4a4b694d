import CurlHTTP

/// Hands the real client's HTTP requests to the in-memory service at a clock the test moves.
public final class ServiceTransport: HTTPTransport {
    public let service: any InMemoryService
    public var nowMilliseconds: Int
    /// Milliseconds the clock moves after each request.
    public var step: Int

    public init(_ service: any InMemoryService, now: Int = 1_800_000_000_000, step: Int = 0) {
        self.service = service
        nowMilliseconds = now
        self.step = step
    }

    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        guard let wire = WireRequest(request) else {
            return HTTPResponse(status: 400, headers: [], body: Array("bad URL".utf8))
        }
        let response = service.respond(to: wire, at: nowMilliseconds)
        nowMilliseconds += step
        return response
    }

    public func send(
        _ request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTPError) -> HTTPResponse {
        var response = try send(request)
        onHead?(response.status, response.headers)
        _ = response.body.withUnsafeBytes { onBody($0) }
        response.body = []
        return response
    }

    public func sendAll(_ requests: [HTTPRequest], maxInFlight: Int, mayStart: ((Int) -> Bool)?)
        -> [Result<HTTPResponse, HTTPError>]
    {
        requests.map { request in Result { () throws(HTTPError) in try send(request) } }
    }
}
