import AWSServices
import AWSSigV4
import CurlHTTP
import Foundation
import Hashing
import JSON
import TestSupport
import Testing

/// moto on 127.0.0.1 with signature checking on, and the key it minted for the tests.
final class Moto {
    let server: ServerProcess
    let credentials: AWSCredentials

    init() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString).json")
        server = try ServerProcess([testPython, "tools/moto_server.py", file.path, "300"], startTimeout: 60)
        let keys = try JSONFields(try JSONParser.parse([UInt8](Data(contentsOf: file))))
        credentials = AWSCredentials(
            accessKeyID: try keys.string("accessKeyId"), secretAccessKey: try keys.string("secretAccessKey"))
        try? FileManager.default.removeItem(at: file)
    }

    deinit {
        server.stop()
    }

    func client(secret: String? = nil) throws -> AWSClient {
        var credentials = self.credentials
        if let secret { credentials.secretAccessKey = secret }
        let configuration = try AWSConfiguration.fromEnvironment([
            "AWS_ACCESS_KEY_ID": credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": server.baseURL,
        ])
        return AWSClient(
            configuration: configuration, http: try CurlHTTPClient(),
            retryPolicy: RetryPolicy(maxAttempts: 2, baseDelayMilliseconds: 5, maxDelayMilliseconds: 10))
    }
}

@Suite("S3 and DynamoDB clients against moto with signatures checked", .serialized, .timeLimit(.minutes(3)))
final class MotoTests {
    let moto: Moto

    init() throws {
        moto = try Moto()
    }

    @Test("S3: put, head, streamed and ranged get, list by pages, copy, delete")
    func s3() throws {
        let s3 = S3Client(client: try moto.client())
        _ = try s3.client.send(AWSRequest(service: "s3", method: "PUT", path: "/meter-drop/"))
        let body = Array((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let key = "incoming/tenant a/2024-05-01 üç.csv"
        let put = try s3.putObject(bucket: "meter-drop", key: key, body: body, contentType: "text/csv")
        #expect(!put.eTag.isEmpty)
        let head = try #require(try s3.headObject(bucket: "meter-drop", key: key))
        #expect(head.size == body.count)
        #expect(head.eTag == put.eTag)
        var streamed: [UInt8] = []
        var pieces = 0
        try s3.getObject(bucket: "meter-drop", key: key) { piece in
            streamed.append(contentsOf: piece)
            pieces += 1
            return true
        }
        #expect(streamed == body)
        var ranged: [UInt8] = []
        try s3.getObject(bucket: "meter-drop", key: key, range: "bytes=10-19") {
            ranged.append(contentsOf: $0); return true
        }
        #expect(ranged == Array(body[10...19]))
        for index in 0..<5 {
            try s3.putObject(bucket: "meter-drop", key: "incoming/page/\(index).csv", body: [UInt8(index)])
        }
        let first = try s3.listObjects(bucket: "meter-drop", prefix: "incoming/page/", maxKeys: 2)
        #expect(first.objects.count == 2 && first.nextToken != nil)
        let all = try s3.listAllObjects(bucket: "meter-drop", prefix: "incoming/page/")
        #expect(all.map(\.key) == (0..<5).map { "incoming/page/\($0).csv" })
        try s3.copyObject(bucket: "meter-drop", from: key, to: "archive/copy.csv")
        #expect(try s3.getObject(bucket: "meter-drop", key: "archive/copy.csv") == body)
        try s3.deleteObject(bucket: "meter-drop", key: key)
        #expect(try s3.headObject(bucket: "meter-drop", key: key) == nil)
        do {
            _ = try s3.getObject(bucket: "meter-drop", key: "no/such.csv")
            Issue.record("expected NoSuchKey")
        } catch {
            #expect(error.code == "NoSuchKey")
        }
    }

    @Test("DynamoDB: items, exact numbers, paged queries, batches split to the limits, transactions' reasons")
    func dynamoDB() throws {
        let dynamo = DynamoDBClient(client: try moto.client())
        _ = try dynamo.call(
            "CreateTable",
            [
                "TableName": "consumption", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [
                    ["AttributeName": "pk", "AttributeType": "S"], ["AttributeName": "sk", "AttributeType": "S"],
                ],
                "KeySchema": [
                    ["AttributeName": "pk", "KeyType": "HASH"], ["AttributeName": "sk", "KeyType": "RANGE"],
                ],
            ])
        try dynamo.putItem(
            table: "consumption",
            item: [
                "pk": ["S": "t#a"], "sk": ["S": "day#2024-05-01"],
                "total": ["N": "12345678901234567890.123456"],
            ])
        let item = try #require(
            try dynamo.getItem(table: "consumption", key: ["pk": ["S": "t#a"], "sk": ["S": "day#2024-05-01"]]))
        #expect(item["total"]?["N"] == "12345678901234567890.123456")
        let many = (0..<60).map { index -> JSONValue in
            [
                "PutRequest": [
                    "Item": [
                        "pk": ["S": "t#b"], "sk": ["S": .string(sortKey(index))], "v": ["N": .string("\(index).5")],
                    ]
                ]
            ]
        }
        try dynamo.batchWrite(table: "consumption", requests: many)
        let paged = try dynamo.query(
            table: "consumption",
            parameters: [
                "KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": [":pk": ["S": "t#b"]], "Limit": 7,
            ])
        #expect(paged.count == 60)
        let keys = (0..<60).map { index -> JSONValue in ["pk": ["S": "t#b"], "sk": ["S": .string(sortKey(index))]] }
        #expect(try dynamo.batchGet(table: "consumption", keys: keys).count == 60)
        do {
            try dynamo.transactWrite([
                ["Put": ["TableName": "consumption", "Item": ["pk": ["S": "t#c"], "sk": ["S": "x"]]]],
                [
                    "ConditionCheck": [
                        "TableName": "consumption", "Key": ["pk": ["S": "t#a"], "sk": ["S": "day#2024-05-01"]],
                        "ConditionExpression": "attribute_not_exists(pk)",
                    ]
                ],
            ])
            Issue.record("expected the transaction to be cancelled")
        } catch {
            guard case .service(let failure) = error else { Issue.record("got \(error)"); return }
            #expect(failure.code == "TransactionCanceledException")
            #expect(failure.cancellationReasons == ["None", "ConditionalCheckFailed"])
        }
        #expect(try dynamo.getItem(table: "consumption", key: ["pk": ["S": "t#c"], "sk": ["S": "x"]]) == nil)
        let updated = try dynamo.updateItem(
            table: "consumption", key: ["pk": ["S": "t#a"], "sk": ["S": "day#2024-05-01"]],
            expression: [
                "UpdateExpression": "SET meters = :m", "ExpressionAttributeValues": [":m": ["N": "3"]],
                "ReturnValues": "ALL_NEW",
            ])
        #expect(updated["Attributes"]?["meters"]?["N"] == "3")
        try dynamo.deleteItem(table: "consumption", key: ["pk": ["S": "t#a"], "sk": ["S": "day#2024-05-01"]])
        #expect(
            try dynamo.getItem(table: "consumption", key: ["pk": ["S": "t#a"], "sk": ["S": "day#2024-05-01"]]) == nil)
        do {
            try dynamo.putItem(
                table: "consumption", item: ["pk": ["S": "t#b"], "sk": ["S": "m#00"]],
                condition: ["ConditionExpression": "attribute_not_exists(pk)"])
            Issue.record("expected ConditionalCheckFailedException")
        } catch {
            #expect(error.code == "ConditionalCheckFailedException")
        }
    }

    @Test("SQS: 23 bodies go as three batches and arrive once each")
    func sqs() throws {
        let client = try moto.client()
        func call(_ operation: String, _ payload: JSONValue) throws -> JSONValue {
            let response = try client.send(
                AWSRequest(
                    service: "sqs", method: "POST", path: "/",
                    headers: [
                        ("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "AmazonSQS.\(operation)"),
                    ],
                    body: payload.serializedBytes))
            return try JSONParser.parse(response.body)
        }
        let queue = try #require(try call("CreateQueue", ["QueueName": "work"])["QueueUrl"]?.stringValue)
        let bodies = (0..<23).map { "{\"range\":\($0)}" }
        try SQSClient(client: client).send(bodies, to: queue)
        var received: [String] = []
        for _ in 0..<20 where received.count < bodies.count {
            let answer = try call("ReceiveMessage", ["QueueUrl": .string(queue), "MaxNumberOfMessages": 10])
            received += (answer["Messages"]?.arrayValue ?? []).compactMap { $0["Body"]?.stringValue }
        }
        #expect(received.sorted() == bodies.sorted())
    }

    @Test("presigned URLs carry botocore's query layout and refuse lifetimes over 7 days")
    func presign() throws {
        let s3 = S3Client(client: try moto.client())
        let url = try s3.presignedURL(
            method: "GET", bucket: "meter-drop", key: "incoming/a b.csv", expires: 3600,
            date: AmzDate(unixSeconds: 1_795_222_923))
        #expect(url.hasPrefix(moto.server.baseURL + "/meter-drop/incoming/a%20b.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
        #expect(url.contains("X-Amz-Expires=3600") && url.contains("X-Amz-SignedHeaders=host"))
        #expect(url.contains("X-Amz-Signature="))
        #expect(throws: AWSError.self) {
            try s3.presignedURL(method: "PUT", bucket: "b", key: "k", expires: 7 * 24 * 3600 + 1)
        }
    }

    @Test("a wrong secret is refused by both services")
    func wrongSecret() throws {
        let client = try moto.client(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        do {
            _ = try S3Client(client: client).listObjects(bucket: "meter-drop", prefix: "")
            Issue.record("S3 accepted a wrong signature")
        } catch {
            #expect(error.code == "SignatureDoesNotMatch")
        }
        do {
            _ = try DynamoDBClient(client: client).call("ListTables", [:])
            Issue.record("DynamoDB accepted a wrong signature")
        } catch {
            #expect(error.code == "SignatureDoesNotMatch")
        }
    }
}

private func sortKey(_ index: Int) -> String {
    "m#" + (index < 10 ? "0" : "") + String(index)
}
