import AWSServices
import JSON
import LambdaEvents
import LambdaRuntime

/// Work that goes on in a fresh message: the continuation's shape, sending it, and its log line.
extension IngestHandler {
    func logContinued(_ message: SQSMessage, _ continuations: Int, _ reason: String, context: LambdaContext) {
        context.logger.info(
            "message continued",
            [
                "messageId": .string(message.messageID), "continuation": .integer(continuations + 1),
                "reason": .string(reason),
            ])
    }

    /// A message's work cut short by the deadline, or a settle part whose earlier receives died after progressing,
    /// goes on in a new message on the work queue: `{"continued": {"count": n, "body": <the message's body>,
    /// "progress": <where the part stood>}}`, at most `limit` times (work that makes no progress, such as a
    /// validation pass too long for one invocation or a part that dies at the same place, then fails and reaches the
    /// DLQ).
    enum Continuation {
        static let member = "continued"
        static let count = "count"
        static let body = "body"
        static let progress = "progress"
        static let limit = 100
    }

    /// Sends `body`'s continuation to the work queue; false when there is no work queue or the send failed (the
    /// message then fails as before and comes back).
    func continueLater(_ body: JSONValue, _ continuations: Int, progress: Int? = nil) -> Bool {
        guard let queue = configuration.workQueueURL, body != .null else { return false }
        var continued: [String: JSONValue] = [Continuation.count: .integer(continuations + 1), Continuation.body: body]
        if let progress { continued[Continuation.progress] = .integer(progress) }
        let next: JSONValue = [Continuation.member: .object(continued)]
        do throws(AWSError) {
            try sqs.send([next.serialized], to: queue)
            return true
        } catch {
            return false
        }
    }
}
