import JSON

/// `{"range": {"bucket": "...", "key": "...", "tag": "...", "index": 3}}`: write range `index` of the version `tag`
/// of `key`; where the range lies is on the version's ledger item.
public struct RangeWork: Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var tag: String
    public var index: Int

    public init(bucket: String, key: String, tag: String, index: Int) {
        self.bucket = bucket
        self.key = key
        self.tag = tag
        self.index = index
    }

    public init(json: JSONValue) throws(JSONDecodingError) {
        let fields = try JSONFields(json)
        bucket = try fields.string("bucket")
        key = try fields.string("key")
        tag = try fields.string("tag")
        index = try fields.int("index")
        if index < 0 { throw JSONDecodingError(path: "\(fields.path).index", reason: "must be at least 0") }
    }

    public var json: JSONValue {
        ["range": ["bucket": .string(bucket), "key": .string(key), "tag": .string(tag), "index": .integer(index)]]
    }
}
