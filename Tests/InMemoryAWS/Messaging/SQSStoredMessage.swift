import InMemoryWire

/// A message as a queue holds it, with the bookkeeping behind `ApproximateReceiveCount` and visibility.
public struct SQSStoredMessage: Sendable, Equatable {
    public let messageID: String
    public let body: String
    public let md5OfBody: String
    public let sentTimestampMilliseconds: Int
    public let senderID: String
    /// Receives so far (`ApproximateReceiveCount`); 0 until the first.
    public internal(set) var receiveCount = 0
    public internal(set) var firstReceiveTimestampMilliseconds: Int?
    /// Hidden until then: by `DelaySeconds` before the first receive, by the visibility timeout after each.
    public internal(set) var visibleFromMilliseconds: Int
    /// The handle of the latest receive, the only one that deletes the message; nil before the first receive.
    public internal(set) var receiptHandle: String?

    init(messageID: String, body: String, senderID: String, sentAt: Int, visibleFrom: Int) {
        self.messageID = messageID
        self.body = body
        self.md5OfBody = MD5.hex(Array(body.utf8))
        self.sentTimestampMilliseconds = sentAt
        self.senderID = senderID
        self.visibleFromMilliseconds = visibleFrom
    }

    func isVisible(at nowMilliseconds: Int) -> Bool {
        visibleFromMilliseconds <= nowMilliseconds
    }

    /// The system attributes a receive asks for with `All`, as SQS writes them: strings of decimal numbers.
    var attributes: [String: String] {
        var attributes = [
            "ApproximateReceiveCount": String(receiveCount),
            "SentTimestamp": String(sentTimestampMilliseconds),
            "SenderId": senderID,
        ]
        if let firstReceiveTimestampMilliseconds {
            attributes["ApproximateFirstReceiveTimestamp"] = String(firstReceiveTimestampMilliseconds)
        }
        return attributes
    }
}
