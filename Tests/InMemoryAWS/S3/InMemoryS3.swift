import CurlHTTP
import InMemoryWire

/// S3 held in memory and answered over its REST API (path style, `/bucket/key`), written from AWS's API reference:
/// objects and their versions, delete markers, conditional and ranged reads, the two listings, and event
/// notifications handed to the simulation. Everything an answer contains derives from the calls made and the
/// clock passed in, so a seed replays byte for byte.
public final class InMemoryS3: InMemoryService {
    public let region: String
    /// Receives every event notification a bucket's rules match. The simulation decides delivery; nil drops them.
    public var notify: ((S3EventMessage) -> Void)?
    var buckets: [String: S3Bucket] = [:]
    /// One counter for version ids, sequencers and request ids: each state change takes the next value.
    private var serial = 0

    public init(region: String = "us-east-1") {
        self.region = region
    }

    // MARK: The simulation's API

    /// Creates an empty bucket, with versioning enabled or not (S3's third state, suspended, is not modelled).
    public func createBucket(_ name: String, versioned: Bool) {
        buckets[name] = S3Bucket(name: name, isVersioned: versioned)
    }

    /// Replaces the bucket's notification configuration.
    public func configureNotifications(bucket: String, rules: [S3NotificationRule]) throws(S3Failure) {
        try existingBucket(bucket).notificationRules = rules
    }

    /// Stores `body` as a new current version, as a PUT does (notifications included); returns its version id.
    @discardableResult
    public func put(
        bucket: String, key: String, body: [UInt8], contentType: String = "binary/octet-stream",
        at nowMilliseconds: Int
    ) throws(S3Failure) -> String {
        try store(
            bucket: existingBucket(bucket), key: key, body: body, contentType: contentType,
            eventName: "ObjectCreated:Put", at: nowMilliseconds
        ).versionID
    }

    /// Deletes `key` as a DELETE without a version id does: a new delete marker when versioned (its id returned),
    /// the object itself otherwise (nil returned).
    @discardableResult
    public func delete(bucket: String, key: String, at nowMilliseconds: Int) throws(S3Failure) -> String? {
        try deleteCurrent(bucket: existingBucket(bucket), key: key, at: nowMilliseconds)?.versionID
    }

    /// Removes one version or delete marker for good, as a DELETE with `versionId` does; returns what was removed.
    @discardableResult
    public func deleteVersion(bucket: String, key: String, versionID: String, at nowMilliseconds: Int)
        throws(S3Failure) -> S3ObjectVersion?
    {
        try removeVersion(bucket: existingBucket(bucket), key: key, versionID: versionID, at: nowMilliseconds)
    }

    /// The key's history, newest first: versions and delete markers, with their bodies.
    public func versions(bucket: String, key: String) throws(S3Failure) -> [S3ObjectVersion] {
        try existingBucket(bucket).history(of: key)
    }

    /// A version's bytes (the current object's without `versionID`); nil for a delete marker or nothing there.
    public func bytes(bucket: String, key: String, versionID: String? = nil) throws(S3Failure) -> [UInt8]? {
        let bucket = try existingBucket(bucket)
        let entry = versionID.map { bucket.version(key, $0) } ?? bucket.current(key)
        return entry.flatMap { $0.isDeleteMarker ? nil : $0.body }
    }

    /// Every key with a history in the bucket, in S3's listing order.
    public func keys(bucket: String) throws(S3Failure) -> [String] {
        try existingBucket(bucket).sortedKeys
    }

    /// Lifecycle's NoncurrentVersionExpiration across every bucket: versions noncurrent for at least `age` go for
    /// good, each announced as `LifecycleExpiration:Delete` to the rules that subscribe to lifecycle expiration
    /// (and to no other: without such a rule, expiry is silent).
    @discardableResult
    public func expireNoncurrentVersions(olderThanMilliseconds age: Int, at nowMilliseconds: Int) -> Int {
        var count = 0
        for name in buckets.keys.sorted() {
            guard let bucket = buckets[name] else { continue }
            for entry in bucket.expireNoncurrentVersions(olderThanMilliseconds: age, at: nowMilliseconds) {
                announce("LifecycleExpiration:Delete", of: entry, in: bucket, at: nowMilliseconds)
                count += 1
            }
        }
        return count
    }

    // MARK: The REST API

    public func respond(to request: WireRequest, at nowMilliseconds: Int) -> HTTPResponse {
        serial += 1
        let requestID = "SIMREQ\(serial)"
        let isHead = request.method == "HEAD"
        do throws(S3Failure) {
            var response = try route(request, at: nowMilliseconds)
            response.headers.append(("x-amz-request-id", requestID))
            return response
        } catch {
            return error.response(isHead: isHead, requestID: requestID)
        }
    }

    private func route(_ request: WireRequest, at nowMilliseconds: Int) throws(S3Failure) -> HTTPResponse {
        let path = request.path.dropFirst()
        let slash = path.firstIndex(of: "/") ?? path.endIndex
        let bucketName = String(path[..<slash])
        let key = slash < path.endIndex ? String(path[path.index(after: slash)...]) : ""
        let bucket = try existingBucket(bucketName)
        if key.isEmpty {
            switch request.method {
            case "GET" where request.queryValue("versions") != nil: return try listObjectVersions(bucket, request)
            case "GET" where request.queryValue("list-type") == "2": return try listObjectsV2(bucket, request)
            case "HEAD": return HTTPResponse(status: 200, headers: [], body: [])
            default: throw .notImplemented("\(request.method) on a bucket")
            }
        }
        switch request.method {
        case "PUT" where request.header("x-amz-copy-source") != nil:
            return try copyObject(into: bucket, key: key, request, at: nowMilliseconds)
        case "PUT": return try putObject(bucket, key: key, request, at: nowMilliseconds)
        case "GET", "HEAD": return try getObject(bucket, key: key, request)
        case "DELETE": return try deleteObject(bucket, key: key, request, at: nowMilliseconds)
        default: throw .notImplemented("\(request.method) on an object")
        }
    }

    // MARK: State changes shared by both APIs

    func existingBucket(_ name: String) throws(S3Failure) -> S3Bucket {
        guard let bucket = buckets[name] else { throw .noSuchBucket(name) }
        return bucket
    }

    func store(
        bucket: S3Bucket, key: String, body: [UInt8], contentType: String, eventName: String, at nowMilliseconds: Int
    ) -> S3ObjectVersion {
        let entry = S3ObjectVersion(
            key: key, versionID: nextVersionID(bucket), isDeleteMarker: false, body: body, contentType: contentType,
            lastModifiedMilliseconds: nowMilliseconds)
        bucket.push(entry, at: nowMilliseconds)
        announce(eventName, of: entry, in: bucket, at: nowMilliseconds)
        return entry
    }

    /// A delete without a version id: a marker in a versioned bucket (even over no object, as S3 does), the object
    /// removed otherwise. Returns the marker, or the removed object, or nil when there was nothing to remove.
    func deleteCurrent(bucket: S3Bucket, key: String, at nowMilliseconds: Int) -> S3ObjectVersion? {
        guard bucket.isVersioned else {
            return removeVersion(bucket: bucket, key: key, versionID: "null", at: nowMilliseconds)
        }
        let marker = S3ObjectVersion(
            key: key, versionID: nextVersionID(bucket), isDeleteMarker: true, body: [], contentType: "",
            lastModifiedMilliseconds: nowMilliseconds)
        bucket.push(marker, at: nowMilliseconds)
        announce("ObjectRemoved:DeleteMarkerCreated", of: marker, in: bucket, at: nowMilliseconds)
        return marker
    }

    func removeVersion(bucket: S3Bucket, key: String, versionID: String, at nowMilliseconds: Int) -> S3ObjectVersion? {
        guard let removed = bucket.remove(key, versionID: versionID) else { return nil }
        announce("ObjectRemoved:Delete", of: removed, in: bucket, at: nowMilliseconds)
        return removed
    }

    /// Hands one message per matching rule to `notify`, each with the next sequencer.
    private func announce(_ eventName: String, of entry: S3ObjectVersion, in bucket: S3Bucket, at nowMilliseconds: Int)
    {
        for rule in bucket.notificationRules where rule.matches(eventName: eventName, key: entry.key) {
            serial += 1
            notify?(
                S3EventMessage(
                    rule: rule, eventName: eventName, bucket: bucket.name, region: region, entry: entry,
                    isVersioned: bucket.isVersioned, sequencer: Self.sequencer(serial), at: nowMilliseconds))
        }
    }

    /// `null` without versioning; otherwise the next serial, scrambled by a bijection so ids stay unique but do not
    /// sort in creation order (S3's do not either, and code that sorts by them should fail here as it would there).
    private func nextVersionID(_ bucket: S3Bucket) -> String {
        guard bucket.isVersioned else { return "null" }
        serial += 1
        var mixed = UInt64(serial) &* 0x9E37_79B9_7F4A_7C15
        mixed ^= mixed >> 31
        mixed = mixed &* 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 29
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var text = ""
        for _ in 0..<11 {
            text.append(alphabet[Int(mixed % 62)])
            mixed /= 62
        }
        return text
    }

    /// 18 uppercase hex digits, like S3's sequencers; equal lengths, so they compare as text too.
    private static func sequencer(_ value: Int) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 18 - hex.count)) + hex
    }
}
