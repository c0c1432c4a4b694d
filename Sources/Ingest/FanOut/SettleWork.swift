import ConsumptionTable
import JSON

/// `{"settle": {"bucket": "...", "key": "...", "kind": "offer", "tag": "...", "switchCount": 7, "part": 3}}`: settle
/// part `part` of the job named by the rest (`SettleJob`); what the part covers is on the job's item.
public struct SettleWork: Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var kind: SettleJob.Kind
    public var tag: String
    public var switchCount: Int
    public var part: Int

    public init(bucket: String, job: SettleJob, part: Int) {
        self.bucket = bucket
        key = job.key
        kind = job.kind
        tag = job.tag
        switchCount = job.switchCount
        self.part = part
    }

    public init(json: JSONValue) throws(JSONDecodingError) {
        let fields = try JSONFields(json)
        bucket = try fields.string("bucket")
        key = try fields.string("key")
        let kindName = try fields.string("kind")
        guard let kind = SettleJob.Kind(rawValue: kindName) else {
            throw JSONDecodingError(path: "\(fields.path).kind", reason: "must be offer or retire")
        }
        self.kind = kind
        tag = try fields.string("tag")
        switchCount = try fields.int("switchCount")
        part = try fields.int("part")
        if part < 0 { throw JSONDecodingError(path: "\(fields.path).part", reason: "must be at least 0") }
    }

    public var json: JSONValue {
        [
            "settle": [
                "bucket": .string(bucket), "key": .string(key), "kind": .string(kind.rawValue), "tag": .string(tag),
                "switchCount": .integer(switchCount), "part": .integer(part),
            ]
        ]
    }
}
