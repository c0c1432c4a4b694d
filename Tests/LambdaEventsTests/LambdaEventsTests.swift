import Foundation
import Hashing
import JSON
import LambdaEvents
import Testing

private func fixture(_ name: String) throws -> JSONValue {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/events/\(name)")
    return try JSONParser.parse([UInt8](Data(contentsOf: url)))
}

@Suite("S3 events: keys decoded once, at the edge")
struct S3EventTests {
    @Test("a put record: bucket, decoded key, size, ETag, version, sequencer")
    func put() throws {
        guard case .records(let records) = try S3Notification(json: fixture("s3-put.json")) else {
            Issue.record("expected records")
            return
        }
        #expect(records.count == 1)
        let record = records[0]
        #expect(record.isCreated && !record.isRemoved)
        #expect(record.bucket == "meter-drop")
        #expect(record.key == "incoming/tenant-a/2024-05-01 week 1+correctionü.csv")
        #expect(record.size == 3999)
        #expect(record.versionID == "096fKKXTRTtl3on89fVO.nfljtsv6qko")
        #expect(record.sequencer == "0055AED6DCD90281E5")
    }

    @Test("a delete record with %2F in its key and no size")
    func delete() throws {
        guard case .records(let records) = try S3Notification(json: fixture("s3-delete.json")) else {
            Issue.record("expected records")
            return
        }
        #expect(records[0].isRemoved)
        #expect(records[0].key == "incoming/tenant-a/a.csv")
        #expect(records[0].size == nil)
    }

    @Test("S3's test event is told apart")
    func testEvent() throws {
        let event = try S3Notification(json: ["Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "meter-drop"])
        #expect(event == .testEvent(bucket: "meter-drop"))
    }

    @Test(
        "keys decode the three ways senders write them",
        arguments: [
            ("a+b", "a b"), ("a%20b", "a b"), ("a%2Fb/c", "a/b/c"), ("%2B", "+"), ("caf%C3%A9", "café"),
        ])
    func keyDecoding(encoded: String, key: String) {
        #expect(S3EventRecord.decodeKey(encoded) == key)
    }

    @Test("a key that is not valid URL encoding is a decoding error naming the field")
    func badKey() {
        let event: JSONValue = [
            "Records": [
                [
                    "eventName": "ObjectCreated:Put",
                    "s3": ["bucket": ["name": "b"], "object": ["key": "a%zz"]],
                ]
            ]
        ]
        #expect(throws: JSONDecodingError.self) { try S3Notification(json: event) }
        #expect(throws: JSONDecodingError(path: "Records", reason: "missing (expected a value)")) {
            try S3Notification(json: ["records": []])
        }
    }
}

@Suite("SQS events and batch failures")
struct SQSEventTests {
    @Test("messages with their bodies and receive counts")
    func messages() throws {
        let event = try SQSEvent(json: fixture("sqs-s3-put.json"))
        #expect(
            event.records.map(\.messageID) == [
                "19dd0b57-b21e-4ac1-bd88-01bbb068cb78", "2e1424d4-f796-459a-8184-9c92662be6da",
            ])
        #expect(event.records[0].receiveCount == 2)
        guard case .records(let records) = try S3Notification(json: try JSONParser.parse(event.records[0].body)) else {
            Issue.record("expected S3 records inside the message")
            return
        }
        #expect(records[0].key == "incoming/2024-05-01 meter+a.csv")
        #expect(
            try S3Notification(json: try JSONParser.parse(event.records[1].body)) == .testEvent(bucket: "meter-drop"))
    }

    @Test("the batch response lists only the failed messages")
    func batchResponse() {
        #expect(
            SQSBatchResponse(failedMessageIDs: ["m2"]).json.serialized
                == #"{"batchItemFailures":[{"itemIdentifier":"m2"}]}"#)
        #expect(SQSBatchResponse(failedMessageIDs: []).json.serialized == #"{"batchItemFailures":[]}"#)
    }
}

@Suite("API Gateway requests, payload 1.0 and 2.0, in one shape")
struct APIGatewayTests {
    @Test("REST API (1.0): method, path, multi-value query, headers lowercased, authorizer, API key id")
    func restAPI() throws {
        let request = try APIGatewayRequest(json: fixture("apigw-v1-consumption.json"))
        #expect(request.version == .v1)
        #expect(request.method == "GET")
        #expect(request.rawPath == "/consumption/2024-05-01")
        #expect(request.pathParameters == ["date": "2024-05-01"])
        #expect(request.query["meter"] == ["NMI1", "NMI2"])
        #expect(request.headers["accept"] == "text/csv")
        #expect(request.authorizer["tenant"] == "tenant-a")
        #expect(request.apiKeyID == "a1b2c3d4e5")
        #expect(request.requestID == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef")
        #expect(request.body.isEmpty)
    }

    @Test("HTTP API (2.0): split query values, Lambda authorizer before JWT claims, base64 body decoded")
    func httpAPI() throws {
        let request = try APIGatewayRequest(json: fixture("apigw-v2-consumption.json"))
        #expect(request.version == .v2)
        #expect(request.method == "GET")
        #expect(request.query["meter"] == ["NMI1", "NMI2"])
        #expect(request.queryValue("format") == "csv")
        #expect(request.authorizer["tenant"] == "tenant-b")
        #expect(request.apiKeyID == nil)
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"note":"hé"}"#)
    }

    @Test("a body flagged base64 that is not base64 is refused")
    func badBase64() {
        #expect(throws: JSONDecodingError.self) {
            try APIGatewayRequest(json: ["httpMethod": "POST", "body": "***", "isBase64Encoded": true])
        }
    }

    @Test("responses serialize with base64 for binary bodies")
    func response() throws {
        let text = APIGatewayResponse(
            statusCode: 404, headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
        #expect(
            text.json.serialized
                == #"{"body":"{}","headers":{"Content-Type":"application/json"},"isBase64Encoded":false,"statusCode":404}"#
        )
        let binary = APIGatewayResponse(statusCode: 200, body: [0, 255, 1], isBinary: true)
        #expect(binary.json["body"] == "AP8B")
    }

    @Test("base64 round-trips every length and refuses bad input")
    func base64() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) % 256) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("hé".utf8)) == "aMOp")
        for bad in ["a", "abc", "ab=c", "a===", "@@@@"] { #expect(Base64.decode(bad) == nil) }
    }
}
