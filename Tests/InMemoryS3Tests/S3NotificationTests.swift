import AWSServices
import InMemoryS3
import JSON
import LambdaEvents
import Testing

/// Event notifications as the ingest function decodes them, and lifecycle expiry: announced only to a rule that
/// subscribes to `s3:LifecycleExpiration:*`.
@Suite("S3 event notifications and lifecycle")
struct S3NotificationTests {
    let aws = SimulatedAWS()
    let s3: S3Client
    /// What S3 handed to the simulation, in order.
    let events = EventLog()

    final class EventLog {
        var messages: [S3EventMessage] = []
    }

    init() throws {
        aws.s3.createBucket("meter-drop", versioned: true)
        try aws.s3.configureNotifications(
            bucket: "meter-drop",
            rules: [
                S3NotificationRule(id: "csv-created", events: [.created], prefix: "incoming/", suffix: ".csv"),
                S3NotificationRule(id: "csv-removed", events: [.removed], prefix: "incoming/", suffix: ".csv"),
            ])
        let log = events
        aws.s3.notify = { log.messages.append($0) }
        s3 = S3Client(client: aws.client())
    }

    func decoded(_ message: S3EventMessage) throws -> S3EventRecord {
        guard case .records(let records) = try S3Notification(json: try JSONParser.parse(message.body)) else {
            throw JSONDecodingError(path: "", reason: "a test event")
        }
        return try #require(records.first)
    }

    @Test("a created event decodes with the project's S3Notification, its key form-encoded")
    func createdEventKeyEncoding() throws {
        let key = "incoming/tenant a/2024-05+1 ü.csv"
        let put = try s3.putObject(bucket: "meter-drop", key: key, body: Array("abc".utf8))
        #expect(events.messages.count == 1)
        let message = try #require(events.messages.first)
        let record = try decoded(message)
        #expect(record.eventName == "ObjectCreated:Put")
        #expect(record.encodedKey == "incoming%2Ftenant+a%2F2024-05%2B1+%C3%BC.csv")
        #expect(record.key == key)
        #expect(record.bucket == "meter-drop")
        #expect(record.size == 3)
        #expect(record.eTag.map { "\"\($0)\"" } == put.eTag)
        #expect(record.versionID == put.versionID)
        #expect(record.awsRegion == "us-east-1")
        #expect(message.json["Records"]?.arrayValue?.first?["eventVersion"] == "2.1")
    }

    @Test("removals: a marker is DeleteMarkerCreated, a version deleted by id is Delete")
    func removalEvents() throws {
        try s3.putObject(bucket: "meter-drop", key: "incoming/a.csv", body: [1])
        try s3.deleteObject(bucket: "meter-drop", key: "incoming/a.csv")
        let markerID = aws.lastResponse?.header("x-amz-version-id")
        try aws.s3.deleteVersion(bucket: "meter-drop", key: "incoming/a.csv", versionID: try #require(markerID), at: 1)
        let records = try events.messages.map(decoded)
        #expect(
            records.map(\.eventName) == [
                "ObjectCreated:Put", "ObjectRemoved:DeleteMarkerCreated", "ObjectRemoved:Delete",
            ])
        #expect(records[1].versionID == markerID)
        #expect(records[2].versionID == markerID)
        #expect(records[1].size == nil)
        let sequencers = try records.map { try #require($0.sequencer) }
        #expect(sequencers == sequencers.sorted())
        #expect(Set(sequencers).count == 3)
    }

    @Test("copies are ObjectCreated:Copy; keys outside the filters send nothing")
    func copyAndFilters() throws {
        try s3.putObject(bucket: "meter-drop", key: "incoming/a.txt", body: [1])
        try s3.putObject(bucket: "meter-drop", key: "other/a.csv", body: [1])
        #expect(events.messages.isEmpty)
        try s3.copyObject(bucket: "meter-drop", from: "other/a.csv", to: "incoming/b.csv")
        #expect(events.messages.map(\.eventName) == ["ObjectCreated:Copy"])
        #expect(events.messages.map(\.configurationID) == ["csv-created"])
    }

    @Test("lifecycle removes long-noncurrent versions, silently for rules without lifecycle expiration")
    func noncurrentExpiryIsSilent() throws {
        let day = 86_400_000
        let old = try s3.putObject(bucket: "meter-drop", key: "incoming/a.csv", body: Array("old".utf8))
        aws.nowMilliseconds += day
        let middle = try s3.putObject(bucket: "meter-drop", key: "incoming/a.csv", body: Array("middle".utf8))
        aws.nowMilliseconds += 5 * day
        let current = try s3.putObject(bucket: "meter-drop", key: "incoming/a.csv", body: Array("current".utf8))
        let sent = events.messages.count

        // `old` has been noncurrent 6 days, `middle` 0: only `old` passes a 3-day rule.
        #expect(aws.s3.expireNoncurrentVersions(olderThanMilliseconds: 3 * day, at: aws.nowMilliseconds) == 1)
        #expect(events.messages.count == sent)
        let left = try s3.versions(bucket: "meter-drop", key: "incoming/a.csv").map(\.versionID)
        #expect(left == [current.versionID, middle.versionID])
        #expect(!left.contains(try #require(old.versionID)))
        #expect(try s3.getObject(bucket: "meter-drop", key: "incoming/a.csv") == Array("current".utf8))
    }

    @Test("a rule subscribed to lifecycle expiration hears LifecycleExpiration:Delete for each expired version")
    func noncurrentExpiryAnnounced() throws {
        try aws.s3.configureNotifications(
            bucket: "meter-drop",
            rules: [S3NotificationRule(id: "expired", events: [.lifecycleExpiration], prefix: "incoming/")])
        let old = try s3.putObject(bucket: "meter-drop", key: "incoming/a.csv", body: Array("old".utf8))
        aws.nowMilliseconds += 1_000
        _ = try s3.putObject(bucket: "meter-drop", key: "incoming/a.csv", body: Array("new".utf8))
        aws.nowMilliseconds += 10_000
        #expect(aws.s3.expireNoncurrentVersions(olderThanMilliseconds: 5_000, at: aws.nowMilliseconds) == 1)
        #expect(events.messages.map(\.eventName) == ["LifecycleExpiration:Delete"])
        let record = try decoded(try #require(events.messages.first))
        #expect(record.isExpired && !record.isRemoved)
        #expect(record.versionID == old.versionID)
    }
}
