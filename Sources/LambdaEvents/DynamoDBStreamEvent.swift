import JSON

/// A batch of DynamoDB stream records as Lambda's event source hands them over with a tumbling window
/// (`TumblingWindowInSeconds`): then, and only then, the event names the stream shard the records come from, which
/// is what makes a record delivered again recognisable (sequence numbers order records within a shard only).
public struct DynamoDBStreamEvent: Sendable, Equatable {
    public let shardID: String
    public let records: [DynamoDBStreamRecord]

    /// Whether `json` is a DynamoDB stream batch (a window's final invocation may hold no record at all).
    public static func isStreamBatch(_ json: JSONValue) -> Bool {
        json["shardId"] != nil || json["Records"]?.arrayValue?.first?["eventSource"]?.stringValue == "aws:dynamodb"
    }

    public init(json: JSONValue) throws(JSONDecodingError) {
        let fields = try JSONFields(json)
        guard let shard = try fields.optionalString("shardId"), !shard.isEmpty else {
            throw JSONDecodingError(
                path: "shardId",
                reason:
                    "missing: a stream batch must name its shard (set TumblingWindowInSeconds on the event source mapping)"
            )
        }
        shardID = shard
        var records: [DynamoDBStreamRecord] = []
        for record in try fields.objects("Records") { records.append(try DynamoDBStreamRecord(record)) }
        self.records = records
    }
}

public struct DynamoDBStreamRecord: Sendable, Equatable {
    public let eventID: String
    /// `INSERT`, `MODIFY` or `REMOVE`.
    public let eventName: String
    public let sequenceNumber: String
    public let keys: JSONValue
    /// The item before and after the change, in DynamoDB's attribute-value form (nil where there is none).
    public let oldImage: JSONValue?
    public let newImage: JSONValue?

    init(_ record: JSONFields) throws(JSONDecodingError) {
        eventID = try record.optionalString("eventID") ?? ""
        eventName = try record.string("eventName")
        let change = try record.object("dynamodb")
        sequenceNumber = try change.string("SequenceNumber")
        keys = try change.value("Keys")
        oldImage = change.optionalValue("OldImage")
        newImage = change.optionalValue("NewImage")
    }
}

/// The answer to a stream batch with a tumbling window: the window's state (this function keeps none) and, with
/// `ReportBatchItemFailures`, the sequence number to resume from.
public struct DynamoDBStreamResponse: Sendable, Equatable {
    public var resumeFrom: String?

    public init(resumeFrom: String?) {
        self.resumeFrom = resumeFrom
    }

    public var json: JSONValue {
        [
            "state": [:],
            "batchItemFailures": .array(resumeFrom.map { [["itemIdentifier": .string($0)]] } ?? []),
        ]
    }
}
