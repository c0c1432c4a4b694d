import AWSServices
import AWSSigV4
import CurlHTTP
import Ingest
import JSON
import LambdaEvents
import Testing
import Timekeeping

/// The fold's reading of stream records, before any request is made.
@Suite struct StreamFolderTests {
    static func record(sk: String, newImage: JSONValue) throws -> DynamoDBStreamEvent {
        let keys: JSONValue = ["pk": ["S": "T#acme#M#m1"], "sk": ["S": .string(sk)]]
        var image = newImage.objectValue ?? [:]
        image["pk"] = ["S": "T#acme#M#m1"]
        image["sk"] = ["S": .string(sk)]
        return try DynamoDBStreamEvent(json: [
            "shardId": "shard-1",
            "Records": [
                [
                    "eventID": "e1", "eventName": "INSERT",
                    "dynamodb": ["SequenceNumber": "100", "Keys": keys, "NewImage": .object(image)],
                ]
            ],
        ])
    }

    /// No request reaches this endpoint: the batch fails while its records are read.
    static func folder() throws -> StreamFolder {
        let configuration = AWSConfiguration(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: nil),
            region: "us-east-1", endpoints: ["dynamodb": "http://127.0.0.1:9"])
        let client = AWSClient(configuration: configuration, http: try CurlHTTPClient())
        return StreamFolder(
            dynamo: DynamoDBClient(client: client), table: "t", parallelism: 1,
            deadline: Deadline.after(milliseconds: 60_000))
    }

    @Test func aMeterDayImageThatDoesNotParseFailsTheBatch() throws {
        // A value with no version identity beside it: no reading can be read from it.
        let event = try Self.record(sk: "C#2024-05-01", newImage: ["value": ["N": "1.5"]])
        #expect(throws: IngestFailure.self) { try Self.folder().fold(event, now: "2024-06-01T00:00:00.000Z") }
    }
}
