import JSON

/// `{"backfill": {"bucket": "...", "prefix": "...", "startAfter": "...", "limit": 1000}}`: ingest every object under
/// a prefix, in key order, as if each had just arrived; at most `limit` objects per invocation.
public struct BackfillRequest: Sendable, Equatable {
    public var bucket: String
    public var prefix: String
    /// Resume after this key (the `continuation` of an earlier answer).
    public var startAfter: String?
    /// The most objects one invocation takes on; the rest come in its continuation.
    public var limit: Int?

    public init(bucket: String, prefix: String, startAfter: String? = nil, limit: Int? = nil) {
        self.bucket = bucket
        self.prefix = prefix
        self.startAfter = startAfter
        self.limit = limit
    }

    public init(json: JSONValue) throws(JSONDecodingError) {
        let fields = try JSONFields(json)
        bucket = try fields.string("bucket")
        prefix = try fields.optionalString("prefix") ?? ""
        startAfter = try fields.optionalString("startAfter")
        limit = try fields.optionalInt("limit")
        if let limit, limit < 1 { throw JSONDecodingError(path: "\(fields.path).limit", reason: "must be at least 1") }
    }

    /// The prefix to list: the request's, narrowed to the incoming prefix (nothing outside it is a meter file, and
    /// the function may list only under it); nil when the two share no key.
    public func listedPrefix(within incomingPrefix: String) -> String? {
        if prefix.utf8.starts(with: incomingPrefix.utf8) { return prefix }
        if incomingPrefix.utf8.starts(with: prefix.utf8) { return incomingPrefix }
        return nil
    }

    public var event: JSONValue {
        var body: [String: JSONValue] = ["bucket": .string(bucket), "prefix": .string(prefix)]
        if let startAfter { body["startAfter"] = .string(startAfter) }
        if let limit { body["limit"] = .integer(limit) }
        return ["backfill": .object(body)]
    }
}
