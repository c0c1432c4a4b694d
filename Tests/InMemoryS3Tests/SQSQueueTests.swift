import AWSServices
import InMemoryMessaging
import JSON
import LambdaEvents
import Testing

/// Queues as Lambda's event source mapping and the product's `SQSClient` meet them.
@Suite("SQS visibility, receive counts, dead letters, batches")
struct SQSQueueTests {
    let aws = SimulatedAWS()

    init() {
        aws.sqs.createQueue("ingest-dlq")
        aws.sqs.createQueue(
            "ingest",
            settings: SQSQueueSettings(
                visibilityTimeoutSeconds: 30,
                redrivePolicy: .init(deadLetterQueue: "ingest-dlq", maxReceiveCount: 2)))
    }

    @Test("a message not deleted comes back after the visibility timeout, its receive count 2")
    func visibilityTimeoutRedelivers() throws {
        let id = try aws.sqs.send("event", to: "ingest", at: aws.nowMilliseconds)
        let first = try aws.sqs.receive(from: "ingest", maxMessages: 10, at: aws.nowMilliseconds)
        #expect(first.map(\.messageID) == [id])
        #expect(first.first?.receiveCount == 1)
        aws.advance(seconds: 29)
        #expect(try aws.sqs.receive(from: "ingest", maxMessages: 10, at: aws.nowMilliseconds).isEmpty)
        #expect(try aws.sqs.counts(of: "ingest", at: aws.nowMilliseconds).inFlight == 1)
        aws.advance(seconds: 1)
        let second = try aws.sqs.receive(from: "ingest", maxMessages: 10, at: aws.nowMilliseconds)
        #expect(second.map(\.messageID) == [id])
        #expect(second.first?.receiveCount == 2)
        #expect(second.first?.receiptHandle != first.first?.receiptHandle)
    }

    @Test("past maxReceiveCount the next receive moves the message to the dead-letter queue")
    func maxReceiveCountMovesToDLQ() throws {
        let id = try aws.sqs.send("poison", to: "ingest", at: aws.nowMilliseconds)
        for _ in 0..<2 {
            #expect(try aws.sqs.receive(from: "ingest", maxMessages: 1, at: aws.nowMilliseconds).count == 1)
            aws.advance(seconds: 30)
        }
        #expect(try aws.sqs.receive(from: "ingest", maxMessages: 1, at: aws.nowMilliseconds).isEmpty)
        #expect(try aws.sqs.counts(of: "ingest", at: aws.nowMilliseconds).isEmpty)
        let dead = try aws.sqs.messages(in: "ingest-dlq")
        #expect(dead.map(\.messageID) == [id])
        #expect(dead.first?.body == "poison")
    }

    @Test("a stale receipt handle deletes nothing yet succeeds; the latest one deletes")
    func staleReceiptHandle() throws {
        try aws.sqs.send("event", to: "ingest", at: aws.nowMilliseconds)
        let stale = try #require(try aws.sqs.receive(from: "ingest", maxMessages: 1, at: aws.nowMilliseconds).first)
        aws.advance(seconds: 30)
        let latest = try #require(try aws.sqs.receive(from: "ingest", maxMessages: 1, at: aws.nowMilliseconds).first)

        try deleteMessage(stale.receiptHandle)
        #expect(aws.lastResponse?.status == 200)
        #expect(try aws.sqs.counts(of: "ingest", at: aws.nowMilliseconds).inFlight == 1)
        try deleteMessage(latest.receiptHandle)
        #expect(try aws.sqs.counts(of: "ingest", at: aws.nowMilliseconds).isEmpty)
        let invalid = serviceError { () throws(AWSError) in try deleteMessage("never-issued") }
        #expect(invalid?.code == "ReceiptHandleIsInvalid")
    }

    @Test("SendMessageBatch entries that fail are sent again by SQSClient, each message once")
    func batchPartialFailureRetried() throws {
        var refusals: Set<String> = ["b3", "b11"]
        aws.sqs.refusesEntry = { body in refusals.remove(body) != nil }
        let bodies = (0..<12).map { "b\($0)" }
        try SQSClient(client: aws.client()).send(bodies, to: "http://sqs.sim/123456789012/ingest")
        #expect(refusals.isEmpty)
        #expect(try aws.sqs.messages(in: "ingest").map(\.body).sorted() == bodies.sorted())

        aws.sqs.refusesEntry = { _ in true }
        let failure = serviceError { () throws(AWSError) in
            try SQSClient(client: aws.client()).send(["x"], to: "http://sqs.sim/123456789012/ingest", attempts: 2)
        }
        #expect(failure?.code == "InternalError")
    }

    @Test("a received record decodes with the project's SQSEvent")
    func recordDecodesAsSQSEvent() throws {
        aws.nowMilliseconds = 1_795_000_000_000
        let id = try aws.sqs.send("{\"Records\": []}", to: "ingest", at: aws.nowMilliseconds)
        aws.advance(seconds: 2)
        let records = try aws.sqs.receive(from: "ingest", maxMessages: 10, at: aws.nowMilliseconds)
        let event = try SQSEvent(json: try JSONParser.parse(SQSLambdaRecord.event(records).serialized))
        let message = try #require(event.records.first)
        #expect(message.messageID == id)
        #expect(message.body == "{\"Records\": []}")
        #expect(message.receiveCount == 1)
        #expect(message.attributes["SentTimestamp"] == "1795000000000")
        #expect(message.attributes["ApproximateFirstReceiveTimestamp"] == "1795000002000")
        #expect(message.eventSourceARN == "arn:aws:sqs:us-east-1:123456789012:ingest")
        #expect(message.receiptHandle == records.first?.receiptHandle)
    }

    @Test("DelaySeconds hides a new message; the counts say when it shows")
    func delayedMessage() throws {
        try aws.sqs.send("later", to: "ingest", delaySeconds: 10, at: aws.nowMilliseconds)
        let counts = try aws.sqs.counts(of: "ingest", at: aws.nowMilliseconds)
        #expect(counts.delayed == 1)
        #expect(counts.nextChangeMilliseconds == aws.nowMilliseconds + 10_000)
        #expect(try aws.sqs.receive(from: "ingest", maxMessages: 1, at: aws.nowMilliseconds).isEmpty)
        aws.advance(seconds: 10)
        let record = try #require(try aws.sqs.receive(from: "ingest", maxMessages: 1, at: aws.nowMilliseconds).first)
        try aws.sqs.changeVisibility(
            receiptHandle: record.receiptHandle, in: "ingest", seconds: 60, at: aws.nowMilliseconds)
        #expect(
            try aws.sqs.counts(of: "ingest", at: aws.nowMilliseconds).nextChangeMilliseconds == aws.nowMilliseconds
                + 60_000)
        #expect(try aws.sqs.delete(receiptHandle: record.receiptHandle, from: "ingest"))
        #expect(try aws.sqs.counts(of: "ingest", at: aws.nowMilliseconds).isEmpty)
    }

    @Test("a batch whose bodies pass 256 KiB in all is refused whole")
    func batchTooLong() throws {
        let body = String(repeating: "x", count: 100_000)
        let failure = serviceError { () throws(AWSError) in
            try SQSClient(client: aws.client()).send([body, body, body], to: "http://sqs.sim/123456789012/ingest")
        }
        #expect(failure?.code == "BatchRequestTooLong")
        #expect(try aws.sqs.messages(in: "ingest").isEmpty)
    }

    @Test("over the wire: ReceiveMessage, ChangeMessageVisibility, GetQueueAttributes")
    func wireOperations() throws {
        try aws.sqs.send("one", to: "ingest", at: aws.nowMilliseconds)
        try aws.sqs.send("two", to: "ingest", at: aws.nowMilliseconds)
        let received = try call("ReceiveMessage", ["MaxNumberOfMessages": 1, "AttributeNames": ["All"]])
        let message = try #require(received["Messages"]?.arrayValue?.first)
        #expect(message["Body"] == "one")
        #expect(message["Attributes"]?["ApproximateReceiveCount"] == "1")
        #expect(message["MD5OfBody"]?.stringValue?.count == 32)
        let attributes = try call("GetQueueAttributes", ["AttributeNames": ["All"]])["Attributes"]
        #expect(attributes?["ApproximateNumberOfMessages"] == "1")
        #expect(attributes?["ApproximateNumberOfMessagesNotVisible"] == "1")

        let handle = try #require(message["ReceiptHandle"]?.stringValue)
        _ = try call("ChangeMessageVisibility", ["ReceiptHandle": .string(handle), "VisibilityTimeout": 0])
        #expect(try aws.sqs.counts(of: "ingest", at: aws.nowMilliseconds).visible == 2)
        let notInFlight = serviceError { () throws(AWSError) in
            _ = try call("ChangeMessageVisibility", ["ReceiptHandle": .string(handle), "VisibilityTimeout": 5])
        }
        #expect(notInFlight?.code == "MessageNotInflight")
        let missing = serviceError { () throws(AWSError) in
            _ = try call("ReceiveMessage", [:], queueURL: "http://sqs.sim/123456789012/nope")
        }
        #expect(missing?.code == "QueueDoesNotExist")
    }

    func deleteMessage(_ handle: String) throws(AWSError) {
        _ = try call("DeleteMessage", ["ReceiptHandle": .string(handle)])
    }

    /// One JSON-protocol call on the `ingest` queue (or `queueURL`); the answer parsed.
    func call(
        _ operation: String, _ input: [String: JSONValue], queueURL: String = "http://sqs.sim/123456789012/ingest"
    )
        throws(AWSError) -> JSONValue
    {
        var payload = input
        payload["QueueUrl"] = .string(queueURL)
        let response = try aws.client().send(
            AWSRequest(
                service: "sqs", method: "POST", path: "/",
                headers: [("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "AmazonSQS.\(operation)")],
                body: JSONValue.object(payload).serializedBytes))
        return (try? JSONParser.parse(response.body)) ?? .null
    }
}
