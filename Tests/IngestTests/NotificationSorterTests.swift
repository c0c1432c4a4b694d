import AWSServices
import AWSSigV4
import ConsumptionTable
import CurlHTTP
import JSON
import Testing

@testable import Ingest

/// S3's notifications become one ingest-queue message per object, each in its tenant's group.
@Suite struct NotificationSorterTests {
    let sorter: NotificationSorter

    /// `messages(of:)` sends nothing: the client is never used.
    init() throws {
        let client = AWSClient(
            configuration: AWSConfiguration(
                credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: nil),
                region: "us-east-1"),
            http: try CurlHTTPClient())
        sorter = NotificationSorter(
            sqs: SQSClient(client: client),
            sorting: NotificationSorting(
                notificationQueueARN: "arn:aws:sqs:us-east-1:123456789012:notifications",
                ingestQueueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/ingest"),
            incomingPrefix: "incoming/", defaultTenant: "default")
    }

    func record(_ encodedKey: String, event: String = "ObjectCreated:Put") -> JSONValue {
        [
            "eventName": .string(event), "eventTime": "2026-12-07T08:00:00.000Z", "awsRegion": "us-east-1",
            "s3": [
                "bucket": ["name": "meters"],
                "object": ["key": .string(encodedKey), "size": 10, "versionId": "v1", "sequencer": "0A"],
            ],
        ]
    }

    @Test("each record of a notification is a message of its own, its group the tenant of its key")
    func oneMessagePerRecordGroupedByTenant() throws {
        let first = record("incoming/acme/a.csv")
        let second = record("incoming/beta/b%2B1.csv", event: "ObjectRemoved:DeleteMarkerCreated")
        let loose = record("incoming/c.csv")
        let messages = try sorter.messages(of: ["Records": [first, second, loose]])
        #expect(messages.map(\.group) == ["acme", "beta", "default"])
        let bodies = try messages.map { try JSONParser.parse(Array($0.body.utf8)) }
        #expect(bodies == [["Records": [first]], ["Records": [second]], ["Records": [loose]]])
    }

    @Test("a key of no tenant is sorted to the unassigned tenant, where ingest accounts for it")
    func unassignedKeysKeepTheirEvent() throws {
        let messages = try sorter.messages(of: ["Records": [record("incoming/_bad/x.csv"), record("incoming/acme/")]])
        #expect(messages.map(\.group) == [Tenancy.unassigned, Tenancy.unassigned])
    }

    @Test("keys outside the incoming prefix and S3's test event are not sent on")
    func nothingToIngestIsDropped() throws {
        #expect(try sorter.messages(of: ["Records": [record("reports/acme/x.json")]]).isEmpty)
        #expect(try sorter.messages(of: ["Event": "s3:TestEvent", "Bucket": "meters"]).isEmpty)
    }

    @Test("a body that is not an S3 notification is refused")
    func notANotificationIsRefused() {
        #expect(throws: JSONDecodingError.self) { try sorter.messages(of: ["Records": [["eventName": 1]]]) }
        #expect(throws: JSONDecodingError.self) { try sorter.messages(of: "not an S3 event") }
    }
}
