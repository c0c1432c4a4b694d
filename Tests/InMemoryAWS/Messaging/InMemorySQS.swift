import CurlHTTP
import InMemoryWire
import JSON

/// SQS standard queues held in memory, answered over the JSON protocol (`x-amz-target: AmazonSQS.<Operation>`),
/// written from the SQS API reference and developer guide: visibility timeouts, receive counts, redrive to a
/// dead-letter queue, delays, batches, stale receipt handles. Ids and handles come from a counter, so a seed replays.
public final class InMemorySQS: InMemoryService {
    public let region: String
    public let accountID: String
    /// Makes a `SendMessageBatch` entry fail with `InternalError` (SQS may fail entries one by one); given the
    /// entry's body. The simulation decides, for instance by a seeded draw.
    public var refusesEntry: ((String) -> Bool)?
    var queues: [String: SQSQueue] = [:]
    private var serial = 0

    public init(region: String = "us-east-1", accountID: String = "123456789012") {
        self.region = region
        self.accountID = accountID
    }

    // MARK: The simulation's API

    /// Creates a queue; returns its URL, `http://sqs.sim/<account>/<name>`.
    @discardableResult
    public func createQueue(_ name: String, settings: SQSQueueSettings = SQSQueueSettings()) -> String {
        let queue = SQSQueue(
            name: name, url: "http://sqs.sim/\(accountID)/\(name)", arn: "arn:aws:sqs:\(region):\(accountID):\(name)",
            settings: settings)
        queues[name] = queue
        return queue.url
    }

    /// Sends one message, as SendMessage does (`delaySeconds` nil: the queue's delay); returns its message id.
    @discardableResult
    public func send(_ body: String, to queueName: String, delaySeconds: Int? = nil, at nowMilliseconds: Int)
        throws(SQSFailure) -> String
    {
        try enqueue(body, in: existingQueue(queueName), delaySeconds: delaySeconds, at: nowMilliseconds).messageID
    }

    /// Receives up to `maxMessages` as Lambda's event source mapping does (with the queue's visibility timeout and
    /// every attribute): the records of the event it would invoke the function with.
    public func receive(from queueName: String, maxMessages: Int, at nowMilliseconds: Int) throws(SQSFailure)
        -> [SQSLambdaRecord]
    {
        let queue = try existingQueue(queueName)
        return receive(from: queue, maxMessages: maxMessages, visibilityTimeoutSeconds: nil, at: nowMilliseconds)
            .map { SQSLambdaRecord(message: $0, queueARN: queue.arn, region: region) }
    }

    /// Deletes by receipt handle; false when the handle is stale or the message already gone (SQS says success).
    @discardableResult
    public func delete(receiptHandle: String, from queueName: String) throws(SQSFailure) -> Bool {
        try existingQueue(queueName).delete(handle: receiptHandle)
    }

    /// Changes an in-flight message's visibility timeout, counted from now (0 makes it visible at once).
    public func changeVisibility(receiptHandle: String, in queueName: String, seconds: Int, at nowMilliseconds: Int)
        throws(SQSFailure)
    {
        try existingQueue(queueName).changeVisibility(handle: receiptHandle, seconds: seconds, at: nowMilliseconds)
    }

    public func counts(of queueName: String, at nowMilliseconds: Int) throws(SQSFailure) -> SQSQueueCounts {
        try existingQueue(queueName).counts(at: nowMilliseconds)
    }

    /// Every message the queue holds, in the order sent: for a dead-letter queue, what was set aside.
    public func messages(in queueName: String) throws(SQSFailure) -> [SQSStoredMessage] {
        try existingQueue(queueName).messages
    }

    // MARK: Shared by both APIs

    func existingQueue(_ name: String) throws(SQSFailure) -> SQSQueue {
        guard let queue = queues[name] else { throw .noSuchQueue(name) }
        return queue
    }

    func enqueue(_ body: String, in queue: SQSQueue, delaySeconds: Int?, at nowMilliseconds: Int) -> SQSStoredMessage {
        serial += 1
        let delay = delaySeconds ?? queue.settings.delaySeconds
        let message = SQSStoredMessage(
            messageID: Self.messageID(serial), body: body, senderID: accountID, sentAt: nowMilliseconds,
            visibleFrom: nowMilliseconds + delay * 1000)
        queue.append(message)
        return message
    }

    /// Hands out visible messages, oldest first. A message already received `maxReceiveCount` times moves to the
    /// dead-letter queue instead, as SQS does on the receive that would exceed the count, and is not delivered.
    func receive(from queue: SQSQueue, maxMessages: Int, visibilityTimeoutSeconds: Int?, at nowMilliseconds: Int)
        -> [SQSStoredMessage]
    {
        var received: [SQSStoredMessage] = []
        var candidates = queue.visibleIndices(at: nowMilliseconds)
        while received.count < maxMessages, let index = candidates.first {
            candidates.removeFirst()
            if let policy = queue.settings.redrivePolicy, queue.messages[index].receiveCount >= policy.maxReceiveCount,
                let deadLetters = queues[policy.deadLetterQueue]
            {
                var moved = queue.remove(index)
                moved.visibleFromMilliseconds = nowMilliseconds
                moved.receiptHandle = nil
                deadLetters.append(moved)
                candidates = candidates.map { $0 > index ? $0 - 1 : $0 }
                continue
            }
            serial += 1
            received.append(
                queue.receive(
                    index, handle: "AQEB-\(queue.name)-\(serial)",
                    visibilityTimeoutSeconds: visibilityTimeoutSeconds ?? queue.settings.visibilityTimeoutSeconds,
                    at: nowMilliseconds))
        }
        return received
    }

    /// A UUID-shaped id from the serial, scrambled (a bijection) so ids do not sort in the order sent.
    private static func messageID(_ value: Int) -> String {
        func mix(_ input: UInt64) -> UInt64 {
            var mixed = input &* 0x9E37_79B9_7F4A_7C15
            mixed ^= mixed >> 31
            mixed = mixed &* 0xBF58_476D_1CE4_E5B9
            return mixed ^ mixed >> 29
        }
        let high = mix(UInt64(value)), low = mix(UInt64(value) ^ 0x5555_5555_5555_5555)
        let hex = [high, low].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
