import AWSSigV4
import Hashing
import JSON

/// A browser-style upload S3 will take without the uploader holding credentials: the form fields of a SigV4 POST
/// policy, to send as `multipart/form-data` with the file as the last part (S3 ignores fields after it).
public struct PresignedPost: Sendable, Equatable {
    /// Where the form goes: the bucket's URL.
    public let url: String
    /// In the order to send them.
    public let fields: [(name: String, value: String)]
    /// When S3 stops honouring the policy, Unix seconds.
    public let expiresAt: Int

    public static func == (lhs: PresignedPost, rhs: PresignedPost) -> Bool {
        lhs.url == rhs.url && lhs.expiresAt == rhs.expiresAt && lhs.fields.elementsEqual(rhs.fields, by: ==)
    }

    /// What the policy pins: the exact key, the exact content type, the size, and server-side encryption.
    public struct Conditions: Sendable, Equatable {
        public let key: String
        public let contentType: String
        public let maxBytes: Int

        public init(key: String, contentType: String, maxBytes: Int) {
            self.key = key
            self.contentType = contentType
            self.maxBytes = maxBytes
        }
    }

    /// The policy's JSON: an expiration (ISO 8601 with milliseconds, UTC) and conditions every field of the form
    /// must meet. `fields` are the signing fields besides it (algorithm, credential, date, token).
    static func policy(
        bucket: String, conditions: Conditions, signing fields: [(name: String, value: String)], expiresAt: Int
    ) -> [UInt8] {
        var list: [JSONValue] = [
            ["bucket": .string(bucket)], ["key": .string(conditions.key)],
            ["Content-Type": .string(conditions.contentType)],
            ["content-length-range", 1, .integer(conditions.maxBytes)],
            ["x-amz-server-side-encryption": "AES256"],
        ]
        for field in fields { list.append(.object([field.name: .string(field.value)])) }
        let document: JSONValue = ["expiration": .string(Self.iso8601(expiresAt)), "conditions": .array(list)]
        return Array(document.serialized.utf8)
    }

    /// `2015-12-30T12:00:00.000Z`.
    static func iso8601(_ unixSeconds: Int) -> String {
        let stamp = AmzDate(unixSeconds: unixSeconds).timestamp
        let characters = Array(stamp)
        let date = "\(String(characters[0..<4]))-\(String(characters[4..<6]))-\(String(characters[6..<8]))"
        let time = "\(String(characters[9..<11])):\(String(characters[11..<13])):\(String(characters[13..<15]))"
        return "\(date)T\(time).000Z"
    }
}

extension S3Client {
    /// A POST policy for one upload to `bucket`, signed with this client's credentials, valid `expires` seconds
    /// from `date` (at most 7 days, as for a presigned URL). The policy is the string to sign: SigV4's signing key
    /// for S3 and the day, HMAC-SHA256 over the policy's base64, in hex.
    public func presignedPost(
        bucket: String, conditions: PresignedPost.Conditions, expires: Int, date: AmzDate = .now()
    ) throws(AWSError) -> PresignedPost {
        guard (1...604_800).contains(expires) else {
            throw .configuration("a POST policy lives 1 second to 7 days; asked for \(expires) seconds")
        }
        let configuration = client.configuration
        let signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3")
        var signing: [(name: String, value: String)] = [
            ("x-amz-algorithm", SigV4Header.algorithm),
            ("x-amz-credential", "\(configuration.credentials.accessKeyID)/\(signer.credentialScope(date))"),
            ("x-amz-date", date.timestamp),
        ]
        if let token = configuration.credentials.sessionToken { signing.append(("x-amz-security-token", token)) }
        let expiresAt = date.unixSeconds + expires
        let policy = Base64.encode(
            PresignedPost.policy(bucket: bucket, conditions: conditions, signing: signing, expiresAt: expiresAt))
        let fields: [(name: String, value: String)] =
            [
                ("key", conditions.key), ("Content-Type", conditions.contentType),
                ("x-amz-server-side-encryption", "AES256"),
            ] + signing + [("policy", policy), ("x-amz-signature", signer.signature(stringToSign: policy, date: date))]
        let url =
            configuration.usesPathStyleS3
            ? "\(configuration.endpoint(for: "s3"))/\(bucket)"
            : "https://\(bucket).s3.\(configuration.region).amazonaws.com"
        return PresignedPost(url: url, fields: fields, expiresAt: expiresAt)
    }
}
