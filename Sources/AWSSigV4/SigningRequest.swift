import Hashing

/// What SigV4 signs of an HTTP request.
public struct SigningRequest: Sendable, Equatable {
    public var method: String
    /// The path the canonical URI is made from (see `SigV4Signer.canonicalURI`): for S3 the decoded object path
    /// (`/bucket/my key`), for other services the path as sent.
    public var path: String
    /// Decoded query parameters, in any order; repeated names and empty values allowed.
    public var query: [(name: String, value: String)]
    /// Headers as sent, in any order; a name may repeat.
    public var headers: [(name: String, value: String)]
    /// Lowercase hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` (S3 only).
    public var payloadHash: String

    public init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)], payloadHash: String = SHA256.emptyPayloadHash
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }

    public static func == (lhs: SigningRequest, rhs: SigningRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.payloadHash == rhs.payloadHash
            && lhs.query.elementsEqual(rhs.query, by: ==) && lhs.headers.elementsEqual(rhs.headers, by: ==)
    }
}

/// SigV4's header names and fixed values.
public enum SigV4Header {
    public static let date = "x-amz-date"
    public static let contentSHA256 = "x-amz-content-sha256"
    public static let securityToken = "x-amz-security-token"
    public static let authorization = "authorization"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// Headers that proxies and clients change on the way: never signed (as botocore).
    static let unsigned: Set<String> = ["user-agent", "expect", "x-amzn-trace-id", "authorization"]
}
