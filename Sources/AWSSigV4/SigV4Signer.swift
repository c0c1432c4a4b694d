import Hashing
import Synchronization

/// AWS Signature Version 4, step by step as the specification names the steps: canonical request, string to sign,
/// signing key, signature. The clock is the caller's (`AmzDate`), so tests pin it.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String
    /// S3 signs the path as sent, encoded once and not normalised; other services normalise it (remove `.` and
    /// `..` segments and empty ones) and encode it again.
    public let isS3Style: Bool
    private let keyCache = SigningKeyCache()

    public init(credentials: AWSCredentials, region: String, service: String, isS3Style: Bool? = nil) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.isS3Style = isS3Style ?? (service == "s3")
    }

    // MARK: The steps

    /// The canonical URI: `path` normalised (other services only) and percent-encoded, slashes kept.
    public func canonicalURI(_ path: String) -> String {
        let source = isS3Style ? path : Self.normalizedPath(path)
        let encoded = URIEncoding.encode(source, keepingSlashes: true)
        return encoded.isEmpty ? "/" : encoded
    }

    /// Parameters encoded, then sorted by name and value; `name=` for an empty value.
    public func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (URIEncoding.encode($0.name), URIEncoding.encode($0.value)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Lowercase names in order, each with its values trimmed, inner white space collapsed, repeats joined by `,`.
    public func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (text: String, signed: String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            guard !SigV4Header.unsigned.contains(key) else { continue }
            values[key, default: []].append(Self.collapsingWhitespace(value))
        }
        let names = values.keys.sorted()
        let text = names.map { "\($0):\(values[$0]?.joined(separator: ",") ?? "")\n" }.joined()
        return (text, names.joined(separator: ";"))
    }

    public func canonicalRequest(_ request: SigningRequest) -> (text: String, signedHeaders: String) {
        let headers = canonicalHeaders(request.headers)
        let text = [
            request.method, canonicalURI(request.path), canonicalQuery(request.query), headers.text,
            headers.signed, request.payloadHash,
        ].joined(separator: "\n")
        return (text, headers.signed)
    }

    public func credentialScope(_ date: AmzDate) -> String {
        "\(date.day)/\(region)/\(service)/aws4_request"
    }

    public func stringToSign(canonicalRequest: String, date: AmzDate) -> String {
        [
            SigV4Header.algorithm, date.timestamp, credentialScope(date),
            SHA256.hexHash(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")
    }

    /// HMAC chain of the secret over day, region, service and `aws4_request`; cached for the day.
    public func signingKey(_ date: AmzDate) -> [UInt8] {
        let day = String(date.day)
        if let cached = keyCache.key(for: day) { return cached }
        var key = SHA256.hmac(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: Array(day.utf8))
        for part in [region, service, "aws4_request"] { key = SHA256.hmac(key: key, message: Array(part.utf8)) }
        keyCache.store(key, for: day)
        return key
    }

    public func signature(stringToSign: String, date: AmzDate) -> String {
        SHA256.hex(SHA256.hmac(key: signingKey(date), message: Array(stringToSign.utf8)))
    }

    // MARK: Signing

    /// The headers to add to `request` so that it is signed: `x-amz-date`, the session token when there is one,
    /// `x-amz-content-sha256` when `includeContentHash` (S3 wants it), and `Authorization`. With
    /// `signsSessionToken` false the token header is added but left out of the signature.
    public func signatureHeaders(
        for request: SigningRequest, date: AmzDate, includeContentHash: Bool, signsSessionToken: Bool = true
    ) -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = [(SigV4Header.date, date.timestamp)]
        let token = credentials.sessionToken.map { (name: SigV4Header.securityToken, value: $0) }
        if signsSessionToken, let token { added.append(token) }
        if includeContentHash { added.append((SigV4Header.contentSHA256, request.payloadHash)) }
        var signed = request
        signed.headers += added
        let (canonical, signedHeaders) = canonicalRequest(signed)
        let signature = signature(stringToSign: stringToSign(canonicalRequest: canonical, date: date), date: date)
        added.append(
            (
                SigV4Header.authorization,
                "\(SigV4Header.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(date)), "
                    + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ))
        if !signsSessionToken, let token { added.append(token) }
        return added
    }

    /// The query parameters that make `request` a presigned URL valid for `expires` seconds (1 s to 7 days).
    /// With `signsSessionToken` false the token is added after signing (a few services want that).
    public func presignedQuery(
        for request: SigningRequest, date: AmzDate, expires: Int, signsSessionToken: Bool = true
    ) throws(PresignError) -> [(name: String, value: String)] {
        guard (1...Self.maxPresignedExpiry).contains(expires) else { throw PresignError.expiryOutOfRange(expires) }
        let signedHeaders = canonicalHeaders(request.headers).signed
        var parameters: [(name: String, value: String)] = [
            ("X-Amz-Algorithm", SigV4Header.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(credentialScope(date))"),
            ("X-Amz-Date", date.timestamp),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaders),
        ]
        let token = credentials.sessionToken.map { ("X-Amz-Security-Token", $0) }
        if signsSessionToken, let token { parameters.append(token) }
        var signed = request
        signed.query += parameters
        let canonical = canonicalRequest(signed).text
        parameters.append(
            (
                "X-Amz-Signature",
                signature(stringToSign: stringToSign(canonicalRequest: canonical, date: date), date: date)
            ))
        if !signsSessionToken, let token { parameters.append(token) }
        return parameters
    }

    /// Seven days: the longest a presigned URL may live.
    public static let maxPresignedExpiry = 7 * 24 * 3600

    // MARK: Helpers

    /// RFC 3986 dot-segment removal, also dropping empty segments (`//`), keeping a trailing slash.
    static func normalizedPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        let joined = "/" + segments.joined(separator: "/")
        let trailing = path.hasSuffix("/") && !segments.isEmpty
        return trailing ? joined + "/" : joined
    }

    static func collapsingWhitespace(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}

public enum PresignError: Error, Equatable {
    case expiryOutOfRange(Int)
}

/// The last day's signing key: one HMAC chain a day instead of one a request.
private final class SigningKeyCache: Sendable {
    private let entry = Mutex<(day: String, key: [UInt8])?>(nil)

    func key(for day: String) -> [UInt8]? {
        entry.withLock { $0?.day == day ? $0?.key : nil }
    }

    func store(_ key: [UInt8], for day: String) {
        entry.withLock { $0 = (day, key) }
    }
}
