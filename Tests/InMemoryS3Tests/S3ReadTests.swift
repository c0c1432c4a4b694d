import AWSServices
import InMemoryS3
import InMemoryWire
import Testing

/// Reads as S3 answers them: ranges, preconditions, versions named by id, and the ETag of a single PUT.
@Suite("S3 reads: ranges, preconditions, versions")
struct S3ReadTests {
    let aws = SimulatedAWS()
    let s3: S3Client

    init() {
        aws.s3.createBucket("meter-drop", versioned: true)
        s3 = S3Client(client: aws.client())
    }

    func read(_ key: String, versionID: String? = nil, range: String? = nil, ifMatch: String? = nil) throws(AWSError)
        -> (bytes: String, head: S3ObjectHead)
    {
        var bytes: [UInt8] = []
        let head = try s3.getObject(
            bucket: "meter-drop", key: key, versionID: versionID, range: range, ifMatch: ifMatch
        ) {
            bytes.append(contentsOf: $0)
            return true
        }
        return (String(decoding: bytes, as: UTF8.self), head)
    }

    @Test("a ranged GET pinned to a version reads that version after an overwrite")
    func rangedReadOfAnOlderVersion() throws {
        let old = try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("0123456789".utf8))
        aws.advance(seconds: 1)
        try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("abcdefghij".utf8))

        let middle = try read("a.csv", versionID: old.versionID, range: "bytes=2-5")
        #expect(middle.bytes == "2345")
        #expect(middle.head.versionID == old.versionID)
        #expect(aws.lastResponse?.status == 206)
        #expect(aws.lastResponse?.header("content-range") == "bytes 2-5/10")
        #expect(try read("a.csv", versionID: old.versionID, range: "bytes=7-").bytes == "789")
        #expect(try read("a.csv", versionID: old.versionID, range: "bytes=-3").bytes == "789")
        #expect(try read("a.csv", range: "bytes=8-100").bytes == "ij")
        #expect(try read("a.csv").bytes == "abcdefghij")
    }

    @Test("a range past the end is 416 InvalidRange")
    func unsatisfiableRange() throws {
        try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("short".utf8))
        let failure = serviceError { () throws(AWSError) in _ = try read("a.csv", range: "bytes=5-9") }
        #expect(failure?.status == 416)
        #expect(failure?.code == "InvalidRange")
    }

    @Test("If-Match with the ETag of a replaced object fails with 412 PreconditionFailed")
    func ifMatchFailsAfterChange() throws {
        let first = try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("first".utf8))
        let second = try s3.putObject(bucket: "meter-drop", key: "a.csv", body: Array("second".utf8))
        let failure = serviceError { () throws(AWSError) in _ = try read("a.csv", ifMatch: first.eTag) }
        #expect(failure?.status == 412)
        #expect(failure?.code == "PreconditionFailed")
        #expect(try read("a.csv", ifMatch: second.eTag).bytes == "second")
        let unchanged = aws.s3.respond(
            to: WireRequest(
                method: "GET", host: "s3.sim", path: "/meter-drop/a.csv", headers: [("If-None-Match", second.eTag)]),
            at: aws.nowMilliseconds)
        #expect(unchanged.status == 304)
        #expect(unchanged.body.isEmpty)
    }

    @Test("PUT with If-None-Match: * fails while an object is current, not once a marker hides it")
    func putIfAbsent() throws {
        try s3.putObject(bucket: "meter-drop", key: "a.csv", body: [1], onlyIfAbsent: true)
        let failure = serviceError { () throws(AWSError) in
            try s3.putObject(bucket: "meter-drop", key: "a.csv", body: [2], onlyIfAbsent: true)
        }
        #expect(failure?.code == "PreconditionFailed")
        try s3.deleteObject(bucket: "meter-drop", key: "a.csv")
        try s3.putObject(bucket: "meter-drop", key: "a.csv", body: [3], onlyIfAbsent: true)
        #expect(try s3.getObject(bucket: "meter-drop", key: "a.csv") == [3])
    }

    @Test("a version id naming a delete marker is 405; an unknown one is 404 NoSuchVersion")
    func versionIDErrors() throws {
        try s3.putObject(bucket: "meter-drop", key: "a.csv", body: [1])
        let marker = try #require(try aws.s3.delete(bucket: "meter-drop", key: "a.csv", at: aws.nowMilliseconds))
        let onMarker = serviceError { () throws(AWSError) in _ = try read("a.csv", versionID: marker) }
        #expect(onMarker?.status == 405)
        #expect(onMarker?.code == "MethodNotAllowed")
        let unknown = serviceError { () throws(AWSError) in _ = try read("a.csv", versionID: "nosuchversion") }
        #expect(unknown?.code == "NoSuchVersion")
        // HEAD answers carry no body: the code arrives in x-amz-error-code.
        #expect(try s3.headObject(bucket: "meter-drop", key: "a.csv", versionID: "nosuchversion") == nil)
        #expect(aws.lastResponse?.header("x-amz-error-code") == "NoSuchVersion")
        #expect(aws.lastResponse?.body.isEmpty == true)
    }

    @Test("a single PUT's ETag is the quoted MD5 of its body; HEAD gives size and version")
    func eTagAndHead() throws {
        let put = try s3.putObject(bucket: "meter-drop", key: "hello.txt", body: Array("hello".utf8))
        #expect(put.eTag == "\"5d41402abc4b2a76b9719d911017c592\"")
        let empty = try s3.putObject(bucket: "meter-drop", key: "empty.txt", body: [])
        #expect(empty.eTag == "\"d41d8cd98f00b204e9800998ecf8427e\"")
        let head = try #require(try s3.headObject(bucket: "meter-drop", key: "hello.txt"))
        #expect(head.size == 5)
        #expect(head.versionID == put.versionID)
        #expect(head.lastModified.hasSuffix(" GMT"))
    }

    @Test("CopyObject stores the source's bytes as a new version of the target")
    func copyObject() throws {
        try s3.putObject(bucket: "meter-drop", key: "in/my file+1.csv", body: Array("data".utf8))
        try s3.copyObject(bucket: "meter-drop", from: "in/my file+1.csv", to: "done/my file+1.csv")
        #expect(aws.lastResponse?.status == 200)
        #expect(try s3.getObject(bucket: "meter-drop", key: "done/my file+1.csv") == Array("data".utf8))
        let missing = serviceError { () throws(AWSError) in
            try s3.copyObject(bucket: "meter-drop", from: "in/none.csv", to: "done/none.csv")
        }
        #expect(missing?.code == "NoSuchKey")
    }

    @Test("a bucket without versioning keeps one object per key and answers no version id")
    func unversionedBucket() throws {
        aws.s3.createBucket("plain", versioned: false)
        let put = try s3.putObject(bucket: "plain", key: "a.csv", body: [1])
        #expect(put.versionID == nil)
        try s3.putObject(bucket: "plain", key: "a.csv", body: [2])
        #expect(try aws.s3.versions(bucket: "plain", key: "a.csv").map(\.versionID) == ["null"])
        try s3.deleteObject(bucket: "plain", key: "a.csv")
        #expect(try aws.s3.versions(bucket: "plain", key: "a.csv").isEmpty)
        let failure = serviceError { () throws(AWSError) in _ = try s3.getObject(bucket: "nope", key: "a.csv") }
        #expect(failure?.code == "NoSuchBucket")
    }
}
