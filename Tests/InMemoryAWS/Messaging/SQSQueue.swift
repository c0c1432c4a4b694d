/// One standard queue: its messages in the order sent, and every receipt handle it has issued (to tell a stale
/// handle, which SQS accepts without deleting, from one it never issued, which it rejects).
final class SQSQueue {
    let name: String
    let url: String
    let arn: String
    let settings: SQSQueueSettings
    private(set) var messages: [SQSStoredMessage] = []
    /// Receipt handle -> message id, for every receive ever made.
    private var issuedHandles: [String: String] = [:]

    init(name: String, url: String, arn: String, settings: SQSQueueSettings) {
        self.name = name
        self.url = url
        self.arn = arn
        self.settings = settings
    }

    func append(_ message: SQSStoredMessage) {
        messages.append(message)
    }

    /// The visible messages, oldest sent first: the order this queue offers them in (SQS promises none).
    func visibleIndices(at nowMilliseconds: Int) -> [Int] {
        messages.indices.filter { messages[$0].isVisible(at: nowMilliseconds) }
    }

    /// Hands message `index` out: counts the receive, hides it for `visibilityTimeoutSeconds`, issues a new handle.
    func receive(_ index: Int, handle: String, visibilityTimeoutSeconds: Int, at nowMilliseconds: Int)
        -> SQSStoredMessage
    {
        messages[index].receiveCount += 1
        if messages[index].firstReceiveTimestampMilliseconds == nil {
            messages[index].firstReceiveTimestampMilliseconds = nowMilliseconds
        }
        messages[index].visibleFromMilliseconds = nowMilliseconds + visibilityTimeoutSeconds * 1000
        messages[index].receiptHandle = handle
        issuedHandles[handle] = messages[index].messageID
        return messages[index]
    }

    /// Takes message `index` out of this queue (to move it to the dead-letter queue).
    func remove(_ index: Int) -> SQSStoredMessage {
        messages.remove(at: index)
    }

    /// DeleteMessage: only the latest handle deletes; an older one succeeds and leaves the message, as SQS
    /// documents; a handle of a message already deleted succeeds too. Returns whether a message went.
    func delete(handle: String) throws(SQSFailure) -> Bool {
        guard let messageID = issuedHandles[handle] else { throw .invalidReceiptHandle(handle) }
        guard let index = messages.firstIndex(where: { $0.messageID == messageID }),
            messages[index].receiptHandle == handle
        else { return false }
        messages.remove(at: index)
        return true
    }

    /// ChangeMessageVisibility: counts from now. A message no longer in flight (deleted, or its timeout over) is
    /// `MessageNotInflight`; an older handle of a message received again since changes nothing.
    func changeVisibility(handle: String, seconds: Int, at nowMilliseconds: Int) throws(SQSFailure) {
        guard let messageID = issuedHandles[handle] else { throw .invalidReceiptHandle(handle) }
        guard (0...43_200).contains(seconds) else {
            throw .invalidParameter("Value \(seconds) for parameter VisibilityTimeout is invalid.")
        }
        guard let index = messages.firstIndex(where: { $0.messageID == messageID }),
            !messages[index].isVisible(at: nowMilliseconds)
        else { throw SQSFailure("MessageNotInflight", "The message referred to isn't in flight.") }
        guard messages[index].receiptHandle == handle else { return }
        messages[index].visibleFromMilliseconds = nowMilliseconds + seconds * 1000
    }

    func counts(at nowMilliseconds: Int) -> SQSQueueCounts {
        var counts = SQSQueueCounts(visible: 0, inFlight: 0, delayed: 0, nextChangeMilliseconds: nil)
        for message in messages {
            if message.isVisible(at: nowMilliseconds) {
                counts.visible += 1
                continue
            }
            if message.receiveCount == 0 { counts.delayed += 1 } else { counts.inFlight += 1 }
            counts.nextChangeMilliseconds = min(
                counts.nextChangeMilliseconds ?? message.visibleFromMilliseconds, message.visibleFromMilliseconds)
        }
        return counts
    }
}
