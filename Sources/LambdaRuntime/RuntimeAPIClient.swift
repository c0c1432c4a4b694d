import CurlHTTP

/// The four calls a runtime makes, behind a protocol so the loop is tested with an in-memory fake.
public protocol RuntimeAPIClient {
    /// Waits for the next invocation: its metadata and event bytes.
    func next() throws(LambdaError) -> (InvocationMetadata, [UInt8])
    func respond(requestID: String, body: [UInt8]) throws(LambdaError)
    func fail(requestID: String, error: LambdaError) throws(LambdaError)
    func failInit(_ error: LambdaError) throws(LambdaError)
}

/// The Runtime API over libcurl, at the `host:port` that `AWS_LAMBDA_RUNTIME_API` names.
public final class CurlRuntimeAPIClient: RuntimeAPIClient {
    public let endpoint: String
    private let http: CurlHTTPClient

    public init(endpoint: String, http: CurlHTTPClient) {
        self.endpoint = endpoint
        self.http = http
    }

    public func next() throws(LambdaError) -> (InvocationMetadata, [UInt8]) {
        let response = try send(.next)
        guard response.isSuccess else { throw Self.unexpected(response, "next") }
        return (try InvocationMetadata(headers: response.headers), response.body)
    }

    public func respond(requestID: String, body: [UInt8]) throws(LambdaError) {
        let response = try send(.response(requestID: requestID, body: body))
        guard response.isSuccess else { throw Self.unexpected(response, "response") }
    }

    public func fail(requestID: String, error: LambdaError) throws(LambdaError) {
        let response = try send(.error(requestID: requestID, error))
        guard response.isSuccess else { throw Self.unexpected(response, "error") }
    }

    public func failInit(_ error: LambdaError) throws(LambdaError) {
        let response = try send(.initError(error))
        guard response.isSuccess else { throw Self.unexpected(response, "init error") }
    }

    private func send(_ request: RuntimeRequest) throws(LambdaError) -> HTTPResponse {
        do throws(HTTPError) {
            return try http.send(request.httpRequest(endpoint: endpoint))
        } catch {
            throw LambdaError(errorType: "Runtime.APIUnreachable", errorMessage: "Runtime API: \(error)")
        }
    }

    private static func unexpected(_ response: HTTPResponse, _ call: String) -> LambdaError {
        LambdaError(
            errorType: "Runtime.APIError",
            errorMessage: "Runtime API \(call): HTTP \(response.status) \(response.bodyText.prefix(200))")
    }
}
