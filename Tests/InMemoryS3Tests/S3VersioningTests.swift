import AWSServices
import InMemoryS3
import Testing

/// A versioned bucket as the product reads it through `S3Client`: histories newest first, delete markers, and
/// permanent deletes of versions that bring the previous one back.
@Suite("S3 versions and delete markers")
struct S3VersioningTests {
    let aws = SimulatedAWS()
    let s3: S3Client

    init() {
        aws.s3.createBucket("meter-drop", versioned: true)
        s3 = S3Client(client: aws.client())
    }

    /// DELETE with `versionId`, which `S3Client` does not offer.
    func deleteVersion(_ key: String, _ versionID: String) throws(AWSError) {
        _ = try aws.client().send(
            AWSRequest(service: "s3", method: "DELETE", path: "/meter-drop/\(key)", query: [("versionId", versionID)]))
    }

    @Test("versions come newest first, the latest flagged, even within one second")
    func versionsNewestFirst() throws {
        var ids: [String] = []
        for body in ["one", "two", "three"] {
            ids.append(
                try #require(try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array(body.utf8)).versionID))
            aws.nowMilliseconds += 300
        }
        let history = try s3.versions(bucket: "meter-drop", key: "a.csv")
        #expect(history.map(\.versionID) == ids.reversed())
        #expect(history.map(\.isLatest) == [true, false, false])
        #expect(try aws.s3.versions(bucket: "meter-drop", key: "a.csv").map(\.versionID) == ids.reversed())
    }

    @Test("a delete marker makes GET answer 404 NoSuchKey, flagged as a delete marker")
    func deleteMarkerHidesTheObject() throws {
        try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("x".utf8))
        aws.advance(seconds: 1)
        try s3.deleteObject(bucket: "meter-drop", key: "a.csv")
        #expect(aws.lastResponse?.status == 204)
        #expect(aws.lastResponse?.header("x-amz-delete-marker") == "true")
        let markerID = aws.lastResponse?.header("x-amz-version-id")

        let failure = serviceError { () throws(AWSError) in _ = try s3.getObject(bucket: "meter-drop", key: "a.csv") }
        #expect(failure?.status == 404)
        #expect(failure?.code == "NoSuchKey")
        #expect(aws.lastResponse?.header("x-amz-delete-marker") == "true")
        #expect(try s3.headObject(bucket: "meter-drop", key: "a.csv") == nil)

        let history = try s3.versions(bucket: "meter-drop", key: "a.csv")
        #expect(history.map(\.isDeleteMarker) == [true, false])
        #expect(history.first?.versionID == markerID)
    }

    @Test("deleting the newest version for good makes the previous one current again")
    func deletingNewestRestoresPrevious() throws {
        let first = try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("first".utf8))
        aws.advance(seconds: 1)
        let second = try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("second".utf8))
        try deleteVersion("a.csv", try #require(second.versionID))
        #expect(aws.lastResponse?.status == 204)
        #expect(aws.lastResponse?.header("x-amz-version-id") == second.versionID)

        #expect(try s3.getObject(bucket: "meter-drop", key: "a.csv") == Array("first".utf8))
        let history = try s3.versions(bucket: "meter-drop", key: "a.csv")
        #expect(history.map(\.versionID) == [first.versionID])
        #expect(history.first?.isLatest == true)
    }

    @Test("removing the delete marker brings the object back")
    func removingMarkerRestores() throws {
        try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("kept".utf8))
        aws.advance(seconds: 1)
        let marker = try #require(try aws.s3.delete(bucket: "meter-drop", key: "a.csv", at: aws.nowMilliseconds))
        try deleteVersion("a.csv", marker)
        #expect(aws.lastResponse?.header("x-amz-delete-marker") == "true")
        #expect(try s3.getObject(bucket: "meter-drop", key: "a.csv") == Array("kept".utf8))
        #expect(try s3.versions(bucket: "meter-drop", key: "a.csv").map(\.isDeleteMarker) == [false])
    }

    @Test("a key's versions exclude a longer key sharing its prefix, and pages cross keys in byte order")
    func pagingAcrossKeysWithPrefixTrap() throws {
        var expected: [(String, String)] = []
        for (key, count) in [("m/a.csv", 3), ("m/a.csv.bak", 2), ("m/b.csv", 1)] {
            var ids: [String] = []
            for index in 0..<count {
                let head = try s3.putObject(bucket: "meter-drop", key: key, body: Array("\(key) \(index)".utf8))
                ids.append(try #require(head.versionID))
                aws.advance(seconds: 1)
            }
            expected += ids.reversed().map { (key, $0) }
        }
        try aws.s3.delete(bucket: "meter-drop", key: "m/b.csv", at: aws.nowMilliseconds)
        let marker = try #require(try aws.s3.versions(bucket: "meter-drop", key: "m/b.csv").first)
        expected.insert(("m/b.csv", marker.versionID), at: 5)

        #expect(try s3.versions(bucket: "meter-drop", key: "m/a.csv").count == 3)

        var listed: [(String, String)] = []
        var markers: [(String, String)] = []
        var pages = 0
        while true {
            var query = [("versions", ""), ("prefix", "m/"), ("max-keys", "2")]
            if let last = markers.last { query += [("key-marker", last.0), ("version-id-marker", last.1)] }
            let page = try aws.client().send(
                AWSRequest(service: "s3", method: "GET", path: "/meter-drop/", query: query))
            pages += 1
            let xml = page.bodyText
            listed += Self.entries(in: xml)
            guard xml.contains("<IsTruncated>true</IsTruncated>") else { break }
            markers.append((Self.element("NextKeyMarker", in: xml), Self.element("NextVersionIdMarker", in: xml)))
        }
        #expect(pages == 4)
        #expect(listed.map(\.0) == expected.map(\.0))
        #expect(listed.map(\.1) == expected.map(\.1))
    }

    @Test("ListObjectsV2 lists current objects only, page by page")
    func listObjectsSkipsDeleteMarkers() throws {
        for key in ["in/a.csv", "in/b.csv", "in/c.csv", "in/d.csv", "out/e.csv"] {
            try s3.putObject(bucket: "meter-drop", key: key, body: Array(key.utf8))
        }
        try s3.deleteObject(bucket: "meter-drop", key: "in/b.csv")
        let first = try s3.listObjects(bucket: "meter-drop", prefix: "in/", maxKeys: 2)
        #expect(first.objects.map(\.key) == ["in/a.csv", "in/c.csv"])
        #expect(first.nextToken != nil)
        let second = try s3.listObjects(
            bucket: "meter-drop", prefix: "in/", continuationToken: first.nextToken, maxKeys: 2)
        #expect(second.objects.map(\.key) == ["in/d.csv"])
        #expect(second.nextToken == nil)
        let after = try s3.listObjects(bucket: "meter-drop", prefix: "in/", startAfter: "in/c.csv")
        #expect(after.objects.map(\.key) == ["in/d.csv"])
        #expect(try s3.listAllObjects(bucket: "meter-drop", prefix: "").count == 4)
        // The simulation's view keeps the hidden key: its history holds the marker and the object.
        #expect(try aws.s3.keys(bucket: "meter-drop").contains("in/b.csv"))
        #expect(try aws.s3.bytes(bucket: "meter-drop", key: "in/b.csv") == nil)
        let hidden = try #require(try aws.s3.versions(bucket: "meter-drop", key: "in/b.csv").last)
        #expect(try aws.s3.bytes(bucket: "meter-drop", key: "in/b.csv", versionID: hidden.versionID) == hidden.body)
    }

    /// (Key, VersionId) of each Version and DeleteMarker, in document order.
    static func entries(in xml: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = xml[...]
        while let open = rest.firstRange(of: "<Key>") {
            let entry = rest[open.lowerBound...]
            result.append((element("Key", in: String(entry)), element("VersionId", in: String(entry))))
            rest = rest[open.upperBound...]
        }
        return result
    }

    static func element(_ name: String, in xml: String) -> String {
        guard let open = xml.firstRange(of: "<\(name)>"),
            let close = xml[open.upperBound...].firstRange(of: "</\(name)>")
        else { return "" }
        return String(xml[open.upperBound..<close.lowerBound])
    }
}
