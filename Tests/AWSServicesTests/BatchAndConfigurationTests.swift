import AWSServices
import AWSSigV4
import CurlHTTP
import JSON
import TestSupport
import Testing

@Suite(
    "Batches: split to the service limits, unprocessed items retried until done", .serialized, .timeLimit(.minutes(1)))
final class BatchTests {
    let server: ServerProcess
    let dynamo: DynamoDBClient

    init() throws {
        server = try ServerProcess([testPython, "Tests/Servers/http_test_server.py", "120"])
        let configuration = AWSConfiguration(
            credentials: AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "secret"), region: "us-east-1",
            endpoints: ["dynamodb": server.baseURL])
        dynamo = DynamoDBClient(
            client: AWSClient(
                configuration: configuration, http: try CurlHTTPClient(),
                retryPolicy: RetryPolicy(maxAttempts: 4, baseDelayMilliseconds: 1, maxDelayMilliseconds: 5)))
    }

    deinit {
        server.stop()
    }

    private func calls() throws -> JSONValue {
        let stats = try JSONParser.parse(
            try dynamo.client.http.send(HTTPRequest(method: "GET", url: server.baseURL + "/stats")).body)
        return stats
    }

    @Test(
        "60 writes go 25 at a time, in parallel, and the unprocessed halves are packed into new batches",
        arguments: [1, 4])
    func batchWrite(maxInFlight: Int) throws {
        let requests = (0..<60).map { index -> JSONValue in
            ["PutRequest": ["Item": ["pk": ["S": .string("k\(maxInFlight)-\(index)")]]]]
        }
        try dynamo.batchWrite(table: "t", requests: requests, maxInFlight: maxInFlight)
        let stats = try calls()
        // Round 1: 25, 25, 10, leaving 12 + 12 + 5 unprocessed; round 2: those 29 as 25 and 4.
        #expect(stats["calls"]?["BatchWriteItem"] == 5)
        #expect(stats["sizes"]?["BatchWriteItem"]?.arrayValue?.compactMap(\.intValue).max() == 25)
    }

    @Test(
        "150 keys are read 100 at a time, in parallel, unprocessed keys packed into new calls, every item returned once",
        arguments: [1, 4])
    func batchGet(maxInFlight: Int) throws {
        let keys = (0..<150).map { index -> JSONValue in ["pk": ["S": .string("g\(maxInFlight)-\(index)")]] }
        let items = try dynamo.batchGet(table: "t", keys: keys, maxInFlight: maxInFlight)
        #expect(items.count == 150)
        #expect(Set(items.compactMap { $0["pk"]?["S"]?.stringValue }).count == 150)
        let stats = try calls()
        // Round 1: 100 and 50, leaving 50 + 25 unprocessed; round 2: those 75 in one call.
        #expect(stats["calls"]?["BatchGetItem"] == 3)
        #expect(stats["sizes"]?["BatchGetItem"]?.arrayValue?.compactMap(\.intValue).max() == 100)
    }

    @Test("a transaction over 100 actions is refused before it is sent")
    func transactionLimit() {
        #expect(throws: AWSError.self) { try self.dynamo.transactWrite(Array(repeating: [:], count: 101)) }
    }
}

@Suite("Configuration from Lambda's environment")
struct ConfigurationTests {
    @Test("credentials with a session token, region, and endpoint overrides")
    func reads() throws {
        let configuration = try AWSConfiguration.fromEnvironment([
            "AWS_ACCESS_KEY_ID": "ASIA1", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
            "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000/",
            "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:6000",
        ])
        #expect(configuration.credentials.sessionToken == "t")
        #expect(configuration.region == "eu-west-1")
        #expect(configuration.endpoint(for: "s3") == "http://127.0.0.1:6000")
        #expect(configuration.endpoint(for: "dynamodb") == "http://127.0.0.1:5000")
        #expect(configuration.usesPathStyleS3)
        let plain = try AWSConfiguration.fromEnvironment([
            "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "us-east-2",
        ])
        #expect(plain.endpoint(for: "dynamodb") == "https://dynamodb.us-east-2.amazonaws.com")
        #expect(plain.credentials.sessionToken == nil)
    }

    @Test("missing credentials or region, or a malformed endpoint, are named")
    func refuses() {
        #expect(throws: AWSError.configuration("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set")) {
            try AWSConfiguration.fromEnvironment(["AWS_REGION": "us-east-1"])
        }
        #expect(throws: AWSError.configuration("AWS_REGION (or AWS_DEFAULT_REGION) must be set")) {
            try AWSConfiguration.fromEnvironment(["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "s"])
        }
        #expect(throws: AWSError.self) {
            try AWSConfiguration.fromEnvironment([
                "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "s",
                "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "127.0.0.1:5000",
            ])
        }
    }
}
