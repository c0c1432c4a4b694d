import JSON

/// One S3 event notification, as the message S3 sends to a queue: a single record, the key URL-encoded. The
/// simulation decides what becomes of it (delay, duplicate, reorder, loss); `body` is what a queue would carry.
public struct S3EventMessage: Sendable, Equatable {
    public let configurationID: String
    /// `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectRemoved:Delete`, `ObjectRemoved:DeleteMarkerCreated`.
    public let eventName: String
    public let bucket: String
    public let key: String
    public let versionID: String?
    /// Hex, growing with each event: S3's way to let a consumer order events for one key.
    public let sequencer: String
    public let eventTimeMilliseconds: Int
    /// The message JSON, `{"Records": [...]}`.
    public let json: JSONValue

    public var body: String { json.serialized }

    init(
        rule: S3NotificationRule, eventName: String, bucket: String, region: String, entry: S3ObjectVersion,
        isVersioned: Bool, sequencer: String, at nowMilliseconds: Int
    ) {
        configurationID = rule.id
        self.eventName = eventName
        self.bucket = bucket
        key = entry.key
        versionID = isVersioned ? entry.versionID : nil
        self.sequencer = sequencer
        eventTimeMilliseconds = nowMilliseconds
        var object: [String: JSONValue] = ["key": .string(Self.encodeKey(entry.key)), "sequencer": .string(sequencer)]
        // Created events describe the new object; removal events name only the key (and the version or marker).
        if eventName.hasPrefix("ObjectCreated:") {
            object["size"] = .integer(entry.size)
            object["eTag"] = .string(String(entry.eTag.dropFirst().dropLast()))
        }
        if let versionID { object["versionId"] = .string(versionID) }
        let record: JSONValue = [
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": .string(region),
            "eventTime": .string(S3Timestamp.eventTime(nowMilliseconds)),
            "eventName": .string(eventName),
            "userIdentity": ["principalId": "AWS:AIDASIMULATION"],
            "requestParameters": ["sourceIPAddress": "203.0.113.1"],
            "responseElements": ["x-amz-request-id": .string(sequencer), "x-amz-id-2": "simulated"],
            "s3": [
                "s3SchemaVersion": "1.0",
                "configurationId": .string(rule.id),
                "bucket": [
                    "name": .string(bucket), "ownerIdentity": ["principalId": "SIMULATEDOWNER"],
                    "arn": .string("arn:aws:s3:::\(bucket)"),
                ],
                "object": .object(object),
            ],
        ]
        json = ["Records": [record]]
    }

    /// Keys in events are form-encoded, as Java's `URLEncoder` writes them: letters, digits and `.-*_` stay, a
    /// space is `+`, every other byte of the UTF-8 is `%XX` (so `/` is `%2F` and `+` is `%2B`).
    public static func encodeKey(_ key: String) -> String {
        let hexDigits = Array("0123456789ABCDEF")
        var output = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "*"),
                UInt8(ascii: "_"):
                output.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: " "):
                output.append("+")
            default:
                output += "%\(hexDigits[Int(byte >> 4)])\(hexDigits[Int(byte & 0x0f)])"
            }
        }
        return output
    }
}
