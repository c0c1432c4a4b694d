import JSON

/// One record of the SQS event Lambda's event source mapping invokes a function with, as Lambda's developer guide
/// shows it: the message, its system attributes (strings), and where it came from.
public struct SQSLambdaRecord: Sendable, Equatable {
    public let messageID: String
    public let receiptHandle: String
    public let body: String
    /// `ApproximateReceiveCount`, `SentTimestamp`, `SenderId`, `ApproximateFirstReceiveTimestamp`.
    public let attributes: [String: String]
    public let md5OfBody: String
    public let eventSourceARN: String
    public let awsRegion: String

    init(message: SQSStoredMessage, queueARN: String, region: String) {
        messageID = message.messageID
        receiptHandle = message.receiptHandle ?? ""
        body = message.body
        attributes = message.attributes
        md5OfBody = message.md5OfBody
        eventSourceARN = queueARN
        awsRegion = region
    }

    public var receiveCount: Int { attributes["ApproximateReceiveCount"].flatMap(Int.init) ?? 0 }

    public var json: JSONValue {
        [
            "messageId": .string(messageID),
            "receiptHandle": .string(receiptHandle),
            "body": .string(body),
            "attributes": .object(attributes.mapValues { .string($0) }),
            "messageAttributes": [:],
            "md5OfBody": .string(md5OfBody),
            "eventSource": "aws:sqs",
            "eventSourceARN": .string(eventSourceARN),
            "awsRegion": .string(awsRegion),
        ]
    }

    /// The whole event: `{"Records": [...]}`.
    public static func event(_ records: [SQSLambdaRecord]) -> JSONValue {
        ["Records": .array(records.map(\.json))]
    }
}
