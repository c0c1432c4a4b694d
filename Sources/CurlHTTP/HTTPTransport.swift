/// Where the AWS clients' exchanges go: libcurl in the binaries and the tests against moto, an in-memory world of
/// AWS services in the deterministic simulation (`Tests/Simulation`). The clients above it (signing, retries,
/// paging, error decoding) are the same code in both.
public protocol HTTPTransport: AnyObject {
    /// Sends `request` and returns the response with its body.
    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse

    /// Sends `request`, streaming the body to `onBody` (false stops the transfer); the response's body is empty.
    func send(
        _ request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTPError) -> HTTPResponse

    /// Sends every request, at most `maxInFlight` at a time; each outcome in request order. A request `mayStart`
    /// refuses when its turn comes is not sent (`HTTPError.notStarted`).
    func sendAll(_ requests: [HTTPRequest], maxInFlight: Int, mayStart: ((Int) -> Bool)?)
        -> [Result<HTTPResponse, HTTPError>]
}

extension CurlHTTPClient: HTTPTransport {}
