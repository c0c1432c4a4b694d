import CurlHTTP
import InMemoryWire
import JSON

/// The JSON protocol: one operation per `x-amz-target`, its input a JSON object, its answer one too.
extension InMemorySQS {
    public func respond(to request: WireRequest, at nowMilliseconds: Int) -> HTTPResponse {
        do throws(SQSFailure) {
            let target = request.header("x-amz-target") ?? ""
            guard target.hasPrefix("AmazonSQS."), let input = try? JSONParser.parse(request.body),
                input.objectValue != nil
            else { throw SQSFailure("InvalidAction", "Not an SQS JSON-protocol request: \(target)") }
            let answer = try perform(String(target.dropFirst("AmazonSQS.".count)), input, at: nowMilliseconds)
            return HTTPResponse(
                status: 200, headers: [("content-type", "application/x-amz-json-1.0")], body: answer.serializedBytes)
        } catch {
            return error.response
        }
    }

    private func perform(_ operation: String, _ input: JSONValue, at now: Int) throws(SQSFailure) -> JSONValue {
        let queue = try queue(of: input)
        switch operation {
        case "SendMessage":
            let message = enqueue(try body(input), in: queue, delaySeconds: try delay(input), at: now)
            return ["MessageId": .string(message.messageID), "MD5OfMessageBody": .string(message.md5OfBody)]
        case "SendMessageBatch": return try sendMessageBatch(input, to: queue, at: now)
        case "ReceiveMessage": return try receiveMessage(input, from: queue, at: now)
        case "DeleteMessage":
            _ = try queue.delete(handle: try string("ReceiptHandle", in: input))
            return [:]
        case "DeleteMessageBatch": return try deleteMessageBatch(input, from: queue)
        case "ChangeMessageVisibility":
            guard let seconds = input["VisibilityTimeout"]?.intValue else {
                throw SQSFailure("MissingParameter", "The request must contain the parameter VisibilityTimeout.")
            }
            try queue.changeVisibility(handle: try string("ReceiptHandle", in: input), seconds: seconds, at: now)
            return [:]
        case "GetQueueAttributes": return getQueueAttributes(input, of: queue, at: now)
        default: throw SQSFailure("InvalidAction", "The action \(operation) is not valid for this endpoint.")
        }
    }

    /// SendMessageBatch: at most ten entries with distinct ids, 256 KiB of bodies in all; each entry then succeeds
    /// or fails on its own.
    private func sendMessageBatch(_ input: JSONValue, to queue: SQSQueue, at now: Int) throws(SQSFailure) -> JSONValue {
        let entries = try batchEntries(input)
        let total = entries.reduce(0) { $0 + ($1["MessageBody"]?.stringValue?.utf8.count ?? 0) }
        guard total <= 262_144 else {
            throw SQSFailure("BatchRequestTooLong", "Batch requests cannot be longer than 262144 bytes.")
        }
        var successful: [JSONValue] = []
        var failed: [JSONValue] = []
        for entry in entries {
            let id = entry["Id"]?.stringValue ?? ""
            let body = try body(entry)
            if refusesEntry?(body) == true {
                failed.append([
                    "Id": .string(id), "SenderFault": false, "Code": "InternalError",
                    "Message": "We encountered an internal error. Please try again.",
                ])
                continue
            }
            let message = enqueue(body, in: queue, delaySeconds: try delay(entry), at: now)
            successful.append([
                "Id": .string(id), "MessageId": .string(message.messageID),
                "MD5OfMessageBody": .string(message.md5OfBody),
            ])
        }
        return ["Successful": .array(successful), "Failed": .array(failed)]
    }

    /// ReceiveMessage: 1 to 10 messages; attributes only when asked for (`All` or by name). No long poll: the
    /// simulation's clock does not pass within a call, so the answer is what is visible now.
    private func receiveMessage(_ input: JSONValue, from queue: SQSQueue, at now: Int) throws(SQSFailure) -> JSONValue {
        let maxMessages = input["MaxNumberOfMessages"]?.intValue ?? 1
        guard (1...10).contains(maxMessages) else {
            throw .invalidParameter("Value \(maxMessages) for parameter MaxNumberOfMessages is invalid.")
        }
        let timeout = input["VisibilityTimeout"]?.intValue
        if let timeout, !(0...43_200).contains(timeout) {
            throw .invalidParameter("Value \(timeout) for parameter VisibilityTimeout is invalid.")
        }
        let wanted = Set(
            ((input["AttributeNames"]?.arrayValue ?? []) + (input["MessageSystemAttributeNames"]?.arrayValue ?? []))
                .compactMap(\.stringValue))
        let messages = receive(from: queue, maxMessages: maxMessages, visibilityTimeoutSeconds: timeout, at: now)
        guard !messages.isEmpty else { return [:] }
        return [
            "Messages": .array(
                messages.map { message in
                    var fields: [String: JSONValue] = [
                        "MessageId": .string(message.messageID), "ReceiptHandle": .string(message.receiptHandle ?? ""),
                        "MD5OfBody": .string(message.md5OfBody), "Body": .string(message.body),
                    ]
                    let attributes = message.attributes.filter { wanted.contains("All") || wanted.contains($0.key) }
                    if !attributes.isEmpty { fields["Attributes"] = .object(attributes.mapValues { .string($0) }) }
                    return .object(fields)
                })
        ]
    }

    private func deleteMessageBatch(_ input: JSONValue, from queue: SQSQueue) throws(SQSFailure) -> JSONValue {
        var successful: [JSONValue] = []
        var failed: [JSONValue] = []
        for entry in try batchEntries(input) {
            let id = entry["Id"]?.stringValue ?? ""
            do throws(SQSFailure) {
                _ = try queue.delete(handle: try string("ReceiptHandle", in: entry))
                successful.append(["Id": .string(id)])
            } catch {
                failed.append([
                    "Id": .string(id), "SenderFault": true, "Code": .string(error.code),
                    "Message": .string(error.message),
                ])
            }
        }
        return ["Successful": .array(successful), "Failed": .array(failed)]
    }

    private func getQueueAttributes(_ input: JSONValue, of queue: SQSQueue, at now: Int) -> JSONValue {
        let counts = queue.counts(at: now)
        var all: [String: String] = [
            "ApproximateNumberOfMessages": String(counts.visible),
            "ApproximateNumberOfMessagesNotVisible": String(counts.inFlight),
            "ApproximateNumberOfMessagesDelayed": String(counts.delayed),
            "VisibilityTimeout": String(queue.settings.visibilityTimeoutSeconds),
            "DelaySeconds": String(queue.settings.delaySeconds),
            "QueueArn": queue.arn,
        ]
        if let policy = queue.settings.redrivePolicy, let deadLetters = queues[policy.deadLetterQueue] {
            let redrive: JSONValue = [
                "deadLetterTargetArn": .string(deadLetters.arn), "maxReceiveCount": .integer(policy.maxReceiveCount),
            ]
            all["RedrivePolicy"] = redrive.serialized
        }
        let wanted = Set((input["AttributeNames"]?.arrayValue ?? []).compactMap(\.stringValue))
        let chosen = all.filter { wanted.contains("All") || wanted.contains($0.key) }
        return ["Attributes": .object(chosen.mapValues { .string($0) })]
    }

    // MARK: Reading the input

    /// The queue named by `QueueUrl` (its last path segment, so any host spelling of the URL finds it).
    private func queue(of input: JSONValue) throws(SQSFailure) -> SQSQueue {
        let url = try string("QueueUrl", in: input)
        return try existingQueue(String(url.split(separator: "/").last ?? ""))
    }

    private func batchEntries(_ input: JSONValue) throws(SQSFailure) -> [JSONValue] {
        let entries = input["Entries"]?.arrayValue ?? []
        guard !entries.isEmpty else { throw SQSFailure("EmptyBatchRequest", "There should be at least one entry.") }
        guard entries.count <= 10 else {
            throw SQSFailure("TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10.")
        }
        let ids = entries.map { $0["Id"]?.stringValue ?? "" }
        guard Set(ids).count == ids.count else {
            throw SQSFailure("BatchEntryIdsNotDistinct", "Two or more batch entries have the same Id.")
        }
        return entries
    }

    /// `MessageBody`: 1 byte to 256 KiB.
    private func body(_ input: JSONValue) throws(SQSFailure) -> String {
        let body = try string("MessageBody", in: input)
        guard !body.isEmpty, body.utf8.count <= 262_144 else {
            throw .invalidParameter("The message body must be between 1 byte and 256 KiB long.")
        }
        return body
    }

    /// `DelaySeconds`, 0 to 900; nil when absent (the queue's own delay then applies).
    private func delay(_ input: JSONValue) throws(SQSFailure) -> Int? {
        guard let value = input["DelaySeconds"] else { return nil }
        guard let seconds = value.intValue, (0...900).contains(seconds) else {
            throw .invalidParameter("Value for parameter DelaySeconds is invalid: between 0 and 900.")
        }
        return seconds
    }

    private func string(_ name: String, in input: JSONValue) throws(SQSFailure) -> String {
        guard let value = input[name]?.stringValue else {
            throw SQSFailure("MissingParameter", "The request must contain the parameter \(name).")
        }
        return value
    }
}
