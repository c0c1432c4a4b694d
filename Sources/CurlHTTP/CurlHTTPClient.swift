import CCurl
import Glibc

/// HTTP over libcurl for the Lambda binaries: connections kept alive and shared between handles, TLS verified,
/// connect and total timeouts, response bodies buffered or streamed to a callback, and parallel exchanges through
/// curl's multi interface. One client per thread: Lambda hands out one invocation at a time.
public final class CurlHTTPClient {
    public struct Configuration: Sendable {
        public var connectTimeoutMilliseconds = 3_000
        /// Easy handles kept for reuse, and the most exchanges in flight at once.
        public var maxHandles = 16
        public var verifiesTLS = true
        /// The CA certificates TLS peers are verified against. Nil: libcurl's built-in path, which is that of the
        /// system libcurl was built on (Debian's `/etc/ssl/certs/ca-certificates.crt`, which Amazon Linux lacks).
        public var caBundle: String?

        public init() {}

        /// As a function on Lambda needs it: the CA bundle `SSL_CERT_FILE` names, else the first that exists of
        /// Amazon Linux's system bundle (kept current with the runtime image) and the one the zip ships
        /// (`$LAMBDA_TASK_ROOT/ca-certificates.crt`); else libcurl's own, for a run on the build machine.
        public static func lambda(environment: [String: String]) -> Configuration {
            var configuration = Configuration()
            var candidates = ["/etc/pki/tls/certs/ca-bundle.crt"]
            if let root = environment["LAMBDA_TASK_ROOT"] { candidates.append(root + "/ca-certificates.crt") }
            if let named = environment["SSL_CERT_FILE"], !named.isEmpty { candidates = [named] }
            configuration.caBundle = candidates.first { access($0, R_OK) == 0 }
            return configuration
        }
    }

    public let configuration: Configuration
    private let share: UnsafeMutableRawPointer?
    private var idleHandles: [UnsafeMutableRawPointer] = []
    /// New connections opened so far (reused ones are not counted): what keep-alive saves.
    public private(set) var connectionsOpened = 0

    public init(configuration: Configuration = Configuration()) throws(HTTPError) {
        self.configuration = configuration
        guard curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK else {
            throw .transport(TransportFailure(kind: .other, code: -1, message: "curl_global_init failed"))
        }
        share = curl_share_init()
        // One connection cache for every handle of this client, so parallel and sequential exchanges reuse
        // the same connections.
        _ = ccurl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_CONNECT.rawValue))
        _ = ccurl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue))
    }

    deinit {
        for handle in idleHandles { curl_easy_cleanup(handle) }
        curl_share_cleanup(share)
    }

    /// Sends `request` and returns the response with its body.
    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        try perform(CurlTransfer(request: request, onHead: nil, onBody: nil))
    }

    /// Sends `request`, handing the response body to `onBody` piece by piece as it arrives (never held whole);
    /// `onHead` gets the status and headers before the first piece. `onBody` returning false stops the transfer
    /// (`HTTPError.aborted`). The returned response has an empty body.
    public func send(
        _ request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)? = nil,
        onBody: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTPError) -> HTTPResponse {
        try perform(CurlTransfer(request: request, onHead: onHead, onBody: onBody))
    }

    private func perform(_ transfer: CurlTransfer) throws(HTTPError) -> HTTPResponse {
        let handle = try takeHandle()
        defer { returnHandle(handle) }
        try configure(handle, for: transfer)
        let code = curl_easy_perform(handle)
        return try finish(handle, transfer, code)
    }

    // MARK: Handles

    func takeHandle() throws(HTTPError) -> UnsafeMutableRawPointer {
        if let handle = idleHandles.popLast() {
            curl_easy_reset(handle)
            return handle
        }
        guard let handle = curl_easy_init() else {
            throw .transport(TransportFailure(kind: .other, code: -1, message: "curl_easy_init failed"))
        }
        return handle
    }

    func returnHandle(_ handle: UnsafeMutableRawPointer) {
        if idleHandles.count < configuration.maxHandles {
            idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
    }

    func configure(_ handle: UnsafeMutableRawPointer, for transfer: CurlTransfer) throws(HTTPError) {
        let request = transfer.request
        var failed = false
        func check(_ code: CURLcode) { if code != CURLE_OK { failed = true } }
        check(ccurl_setopt_pointer(handle, CURLOPT_SHARE, share))
        check(ccurl_setopt_string(handle, CURLOPT_URL, request.url))
        // The path goes as signed: curl would otherwise squash `/./` and `/../` in an S3 key, and S3 would then see
        // another path than the signature covers.
        check(ccurl_setopt_long(handle, CURLOPT_PATH_AS_IS, 1))
        check(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        check(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeoutMilliseconds))
        check(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds ?? 0))
        if let stall = request.stallSeconds {
            // Under 1 byte a second for `stall` seconds: curl's low-speed limit, which ends as a timeout.
            check(ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1))
            check(ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, stall))
        }
        check(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, configuration.verifiesTLS ? 1 : 0))
        check(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, configuration.verifiesTLS ? 2 : 0))
        if let bundle = configuration.caBundle { check(ccurl_setopt_string(handle, CURLOPT_CAINFO, bundle)) }
        check(ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        check(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, transfer.errorBuffer))
        check(ccurl_setopt_header(handle, CurlCallbacks.header))
        check(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, transfer.opaque))
        check(ccurl_setopt_write(handle, CurlCallbacks.write))
        check(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, transfer.opaque))
        switch request.method {
        case "GET": check(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case "HEAD": check(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1))
        default: check(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if request.method != "GET" && request.method != "HEAD" {
            // The body array lives in the transfer, which outlives the exchange.
            check(ccurl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            check(
                request.body.withUnsafeBytes {
                    ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
                })
        }
        var list: UnsafeMutablePointer<curl_slist>?
        var names = Set<String>()
        for (name, value) in request.headers {
            names.insert(name.lowercased())
            list = curl_slist_append(list, "\(name): \(value)")
        }
        // Headers curl would add on its own, unsigned: leave them out.
        for name in ["Expect", "Accept", "Content-Type"] where !names.contains(name.lowercased()) {
            list = curl_slist_append(list, "\(name):")
        }
        transfer.headerList = list
        check(ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list)))
        if failed {
            throw .transport(TransportFailure(kind: .invalidRequest, code: -1, message: "libcurl refused an option"))
        }
    }

    func finish(_ handle: UnsafeMutableRawPointer, _ transfer: CurlTransfer, _ code: CURLcode) throws(HTTPError)
        -> HTTPResponse
    {
        var connects = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        connectionsOpened += connects
        if transfer.aborted { throw .aborted }
        guard code == CURLE_OK else {
            let detail = String(cString: transfer.errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            throw .transport(TransportFailure(kind: Self.kind(of: code), code: Int(code.rawValue), message: message))
        }
        transfer.deliverHead()
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var response = transfer.response
        response.status = status
        return response
    }

    static func kind(of code: CURLcode) -> TransportFailure.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .resolve
        case CURLE_COULDNT_CONNECT: return .connect
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            return .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .invalidRequest
        default: return .other
        }
    }
}
