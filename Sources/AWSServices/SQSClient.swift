import JSON

/// SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Operation>`), for sending work to a queue.
public final class SQSClient {
    public let client: AWSClient
    /// SQS takes at most ten messages a call.
    public static let batchLimit = 10

    public init(client: AWSClient) {
        self.client = client
    }

    /// Sends every body as one message, ten to a `SendMessageBatch`. Entries the answer lists as `Failed` are sent
    /// again, at most `attempts` times in all; then the call fails with the first one's code.
    /// `group` becomes each message's `MessageGroupId`: on a standard queue, the tenant SQS's fair queues share
    /// the consumers among (a tenant with a backlog waits, the others' messages come first).
    public func send(_ bodies: [String], to queueURL: String, group: String? = nil, attempts: Int = 5)
        throws(AWSError)
    {
        try send(bodies.map { OutgoingMessage(body: $0, group: group) }, to: queueURL, attempts: attempts)
    }

    /// The same, each message with its own group.
    public func send(_ messages: [OutgoingMessage], to queueURL: String, attempts: Int = 5) throws(AWSError) {
        var start = 0
        while start < messages.count {
            var left = Array(messages[start..<min(messages.count, start + Self.batchLimit)].enumerated())
            for attempt in 1...attempts {
                let refused = try sendBatch(left, to: queueURL)
                left = left.filter { refused[String($0.offset)] != nil }
                if left.isEmpty { break }
                if attempt == attempts, let first = refused[String(left[0].offset)] {
                    throw .service(AWSServiceError(status: 400, code: first.code, message: first.message))
                }
            }
            start += Self.batchLimit
        }
    }

    /// One `SendMessageBatch`; returns the refused entries' codes and messages by id.
    private func sendBatch(_ entries: [(offset: Int, element: OutgoingMessage)], to queueURL: String)
        throws(AWSError) -> [String: (code: String, message: String)]
    {
        let payload: JSONValue = [
            "QueueUrl": .string(queueURL),
            "Entries": .array(
                entries.map {
                    var entry: [String: JSONValue] = [
                        "Id": .string(String($0.offset)), "MessageBody": .string($0.element.body),
                    ]
                    if let group = $0.element.group { entry["MessageGroupId"] = .string(group) }
                    return .object(entry)
                }),
        ]
        let response = try client.send(
            AWSRequest(
                service: "sqs", method: "POST", path: "/",
                headers: [
                    ("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "AmazonSQS.SendMessageBatch"),
                ],
                body: payload.serializedBytes))
        let answer: JSONValue
        do throws(JSONSyntaxError) {
            answer = try JSONParser.parse(response.body)
        } catch {
            throw .invalidResponse("SendMessageBatch: \(error)")
        }
        var refused: [String: (code: String, message: String)] = [:]
        for entry in answer["Failed"]?.arrayValue ?? [] {
            guard let id = entry["Id"]?.stringValue else {
                throw .invalidResponse("SendMessageBatch: a failure without an Id")
            }
            refused[id] = (entry["Code"]?.stringValue ?? "", entry["Message"]?.stringValue ?? "")
        }
        return refused
    }
}

/// A message to send: its body, and the `MessageGroupId` it carries (nil: none).
public struct OutgoingMessage: Sendable, Equatable {
    public let body: String
    public let group: String?

    public init(body: String, group: String?) {
        self.body = body
        self.group = group
    }
}
