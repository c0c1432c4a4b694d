import JSON

/// An S3 event notification: the records of objects created or removed, or S3's test event.
public enum S3Notification: Sendable, Equatable {
    case records([S3EventRecord])
    /// Sent once when a notification is configured: nothing to do.
    case testEvent(bucket: String)

    public init(json: JSONValue) throws(JSONDecodingError) {
        let fields = try JSONFields(json)
        if try fields.optionalString("Event") == "s3:TestEvent" {
            self = .testEvent(bucket: try fields.optionalString("Bucket") ?? "")
            return
        }
        var records: [S3EventRecord] = []
        for record in try fields.objects("Records") { records.append(try S3EventRecord(record)) }
        self = .records(records)
    }
}

/// One object's event, its key decoded once, here at the edge.
public struct S3EventRecord: Sendable, Equatable {
    public let eventName: String
    public let eventTime: String
    public let awsRegion: String
    public let bucket: String
    /// The key as S3 sent it, URL-encoded.
    public let encodedKey: String
    /// The key itself: `+` is a space, then `%XX` are decoded (so `%2F` is `/`).
    public let key: String
    public let size: Int?
    public let eTag: String?
    public let versionID: String?
    public let sequencer: String?

    public var isCreated: Bool { eventName.hasPrefix("ObjectCreated:") }
    public var isRemoved: Bool { eventName.hasPrefix("ObjectRemoved:") }
    /// S3's lifecycle deleted a version for good (`LifecycleExpiration:Delete`) or put a delete marker.
    public var isExpired: Bool { eventName.hasPrefix("LifecycleExpiration:") }

    init(_ record: JSONFields) throws(JSONDecodingError) {
        eventName = try record.string("eventName")
        eventTime = try record.optionalString("eventTime") ?? ""
        awsRegion = try record.optionalString("awsRegion") ?? ""
        let s3 = try record.object("s3")
        bucket = try s3.object("bucket").string("name")
        let object = try s3.object("object")
        encodedKey = try object.string("key")
        guard let decoded = S3EventRecord.decodeKey(encodedKey) else {
            throw JSONDecodingError(path: "\(object.path).key", reason: "not a valid URL-encoded key: \(encodedKey)")
        }
        key = decoded
        size = try object.optionalInt("size")
        eTag = try object.optionalString("eTag")
        versionID = try object.optionalString("versionId")
        sequencer = try object.optionalString("sequencer")
    }

    /// S3 writes keys in events as `application/x-www-form-urlencoded`: `+` for a space, `%XX` for the rest.
    public static func decodeKey(_ encoded: String) -> String? {
        PercentDecoding.decode(encoded, plusIsSpace: true)
    }
}
