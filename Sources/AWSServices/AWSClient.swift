import AWSSigV4
import CurlHTTP
import Hashing
import Timekeeping

/// One signed AWS call: what to send, and how.
public struct AWSRequest: Sendable {
    public var service: String
    public var method: String
    /// For S3 the decoded path (`/bucket/my key.csv`), encoded once here; for other services the path as sent.
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// S3 may skip hashing the body (`UNSIGNED-PAYLOAD`); other services always sign it.
    public var signsPayload: Bool
    /// Wall-clock milliseconds after which no retry is started (an invocation's deadline, less a margin).
    public var deadline: Deadline?
    public var timeLimit: TimeLimit

    /// How long one attempt may take.
    public enum TimeLimit: Sendable {
        /// A call and its answer: a short total limit.
        case exchange
        /// An object's bytes, which may take minutes: bounded by the deadline and by a stall (no byte for
        /// `AWSClient.stallSeconds`), not by a total that would cut a slow but steady stream.
        case stream
    }

    public init(
        service: String, method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = [], signsPayload: Bool = true,
        deadline: Deadline? = nil, timeLimit: TimeLimit = .exchange
    ) {
        self.service = service
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.signsPayload = signsPayload
        self.deadline = deadline
        self.timeLimit = timeLimit
    }
}

/// Signs, sends and retries AWS calls over one keep-alive HTTP client.
public final class AWSClient {
    public let configuration: AWSConfiguration
    public let http: any HTTPTransport
    public var retryPolicy: RetryPolicy
    /// The retries' jitter; the simulation gives a seeded one, so a seed replays the same waits.
    public var random: any RandomNumberGenerator = SystemRandomNumberGenerator()
    /// One signer per service, so each keeps its day's signing key instead of deriving it per request.
    private var signers: [String: SigV4Signer] = [:]
    /// Attempts made so far, retries included (for tests and metrics).
    public internal(set) var attempts = 0
    /// Attempts whose answer never came (a timeout, a lost connection): each may still be applied later, within its
    /// time limit, so a lease holder that saw one cannot say its writes have all landed.
    public internal(set) var unanswered = 0
    /// A stream that moves no byte for this long fails as a (retryable) timeout.
    public var stallSeconds = 10
    /// When the current invocation ends (Lambda's deadline): no attempt is given longer than that, so no request
    /// outlives the process that waits for its answer. Set per invocation by the handler; nil outside Lambda.
    public var invocationDeadline: Deadline?

    public init(configuration: AWSConfiguration, http: any HTTPTransport, retryPolicy: RetryPolicy = RetryPolicy()) {
        self.configuration = configuration
        self.http = http
        self.retryPolicy = retryPolicy
    }

    /// Sends `request`, retrying what is worth retrying; a 2xx answer comes back, anything else throws.
    /// With `onBody`, the body streams to it, and a call is retried only if nothing reached it yet.
    public func send(_ request: AWSRequest, onBody: ((UnsafeRawBufferPointer) -> Bool)? = nil) throws(AWSError)
        -> HTTPResponse
    {
        let started = MonotonicClock.nowMilliseconds()
        var attempt = 0
        var delivered = false
        while true {
            attempt += 1
            attempts += 1
            let httpRequest = signed(request)
            let outcome: Result<HTTPResponse, HTTPError>
            do throws(HTTPError) {
                var status = 0
                if let onBody {
                    var errorBody: [UInt8] = []
                    var response = try http.send(
                        httpRequest, onHead: { code, _ in status = code },
                        onBody: { piece in
                            // Error bodies are kept for decoding; only a success's body is the caller's.
                            guard (200..<300).contains(status) else {
                                errorBody.append(contentsOf: piece)
                                return true
                            }
                            delivered = true
                            return onBody(piece)
                        })
                    if !response.isSuccess { response.body = errorBody }
                    outcome = .success(response)
                } else {
                    outcome = .success(try http.send(httpRequest))
                }
            } catch {
                outcome = .failure(error)
            }
            countUnanswered(outcome)
            let lastError: String
            switch Self.verdict(on: outcome, bodyDelivered: delivered) {
            case .done(let response): return response
            case .failed(let error): throw error
            case .retry(let reason): lastError = reason
            }
            guard attempt < retryPolicy.maxAttempts else { throw .outOfTime(lastError: lastError) }
            let delay = retryPolicy.delayMilliseconds(afterAttempt: attempt, using: &random)
            let spent = MonotonicClock.nowMilliseconds() - started
            if spent + delay > retryPolicy.maxTotalMilliseconds { throw .outOfTime(lastError: lastError) }
            if let deadline = request.deadline, deadline.isWithin(milliseconds: delay) {
                throw .deadline(lastError: lastError)
            }
            MonotonicClock.sleep(milliseconds: delay)
        }
    }

    func countUnanswered(_ outcome: Result<HTTPResponse, HTTPError>) {
        if case .failure(.transport) = outcome { unanswered += 1 }
    }

    /// What one attempt's outcome means: done, failed for good, or worth another try (and why).
    enum Verdict {
        case done(HTTPResponse)
        case failed(AWSError)
        case retry(String)
    }

    /// Throttling, transient server faults and retryable transport failures are retried; never validation errors,
    /// failed conditions, or a transfer whose body already reached the caller.
    static func verdict(on outcome: Result<HTTPResponse, HTTPError>, bodyDelivered: Bool) -> Verdict {
        switch outcome {
        case .success(let response) where response.isSuccess:
            return .done(response)
        case .success(let response):
            let error = ErrorDecoding.decode(response)
            return error.isRetryable ? .retry("\(error.code) (HTTP \(error.status))") : .failed(.service(error))
        case .failure(.transport(let transport)):
            return transport.isRetryable && !bodyDelivered
                ? .retry(transport.description) : .failed(.transport(transport))
        case .failure(.aborted):
            return .failed(.invalidResponse("the body consumer stopped the transfer"))
        case .failure(.notStarted):
            return .failed(.notSent)
        }
    }

    /// The HTTP request for `request`, signed now (a retry is signed afresh).
    func signed(_ request: AWSRequest) -> HTTPRequest {
        let endpoint = configuration.endpoint(for: request.service)
        let host = Self.authority(of: endpoint)
        let isS3 = request.service == "s3"
        let signer = signer(for: request.service)
        let payloadHash = request.signsPayload ? SHA256.hexHash(request.body) : SigV4Header.unsignedPayload
        var headers = request.headers
        headers.append(("host", host))
        let signing = SigningRequest(
            method: request.method, path: request.path, query: request.query,
            headers: headers, payloadHash: payloadHash)
        headers += signer.signatureHeaders(for: signing, date: AmzDate.now(), includeContentHash: isS3)
        let path = isS3 ? URIEncoding.encode(request.path, keepingSlashes: true) : request.path
        let query = signer.canonicalQuery(request.query)
        let url = endpoint + path + (query.isEmpty ? "" : "?" + query)
        var http = HTTPRequest(method: request.method, url: url, headers: headers, body: request.body)
        if request.timeLimit == .stream {
            http.timeoutMilliseconds = request.deadline.map { max(1_000, $0.remainingMilliseconds) }
            http.stallSeconds = stallSeconds
        }
        if let end = invocationDeadline {
            http.timeoutMilliseconds = min(http.timeoutMilliseconds ?? Int.max, max(1, end.remainingMilliseconds))
        }
        return http
    }

    private func signer(for service: String) -> SigV4Signer {
        if let signer = signers[service] { return signer }
        let signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: service)
        signers[service] = signer
        return signer
    }

    /// `host[:port]` of a URL.
    static func authority(of url: String) -> String {
        let afterScheme = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first
        return afterScheme.map(String.init) ?? url
    }
}
