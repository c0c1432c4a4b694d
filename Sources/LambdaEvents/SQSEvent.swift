import JSON

/// A batch of SQS messages as Lambda's event source hands them over.
public struct SQSEvent: Sendable, Equatable {
    public let records: [SQSMessage]

    public init(json: JSONValue) throws(JSONDecodingError) {
        var records: [SQSMessage] = []
        for record in try JSONFields(json).objects("Records") { records.append(try SQSMessage(record)) }
        self.records = records
    }
}

public struct SQSMessage: Sendable, Equatable {
    public let messageID: String
    public let receiptHandle: String
    public let body: String
    /// `ApproximateReceiveCount`, `SentTimestamp`, ...
    public let attributes: [String: String]
    public let eventSourceARN: String
    public let awsRegion: String

    /// How many times SQS has handed this message out, this time included.
    public var receiveCount: Int { attributes["ApproximateReceiveCount"].flatMap(Int.init) ?? 1 }

    init(_ record: JSONFields) throws(JSONDecodingError) {
        messageID = try record.string("messageId")
        receiptHandle = try record.optionalString("receiptHandle") ?? ""
        body = try record.string("body")
        attributes = try record.optionalStringMap("attributes")
        eventSourceARN = try record.optionalString("eventSourceARN") ?? ""
        awsRegion = try record.optionalString("awsRegion") ?? ""
    }
}

/// The answer to an SQS batch with `ReportBatchItemFailures`: only the listed messages come back.
public struct SQSBatchResponse: Sendable, Equatable {
    public var failedMessageIDs: [String]

    public init(failedMessageIDs: [String]) {
        self.failedMessageIDs = failedMessageIDs
    }

    public var json: JSONValue {
        ["batchItemFailures": .array(failedMessageIDs.map { ["itemIdentifier": .string($0)] })]
    }
}
