import AWSServices
import ConsumptionTable

/// What S3 holds of one key, asked as the function's grant allows: its current version, and the versions it still
/// stores.
struct KeyVersions {
    let s3: S3Client

    /// The key's current version, or nil when it has none. S3 answers a HEAD of a missing key with 404 only to a
    /// caller allowed `s3:ListBucket` on the bucket, else 403; the template allows listing only under the incoming
    /// prefix, and a HEAD carries no prefix to match. So a 403 is settled by listing the key's own versions, which
    /// that grant allows: a key whose latest entry is no object is gone (no failure), and a key that has one makes
    /// the 403 a real refusal. After a 404 the listing tells a missing key from a missing bucket (`NoSuchBucket`,
    /// a wrong event), which a HEAD's bodiless answer cannot.
    func current(bucket: String, key: String) throws(IngestFailure) -> ObjectVersion? {
        let head = try IngestFailure.awsCall { () throws(AWSError) -> S3ObjectHead? in
            do throws(AWSError) {
                let head = try s3.headObject(bucket: bucket, key: key)
                if head == nil { _ = try hasObject(bucket: bucket, key: key) }
                return head
            } catch {
                guard case .service(let failure) = error, failure.status == 403,
                    try !hasObject(bucket: bucket, key: key)
                else { throw error }
                return nil
            }
        }
        guard let head else { return nil }
        guard let version = ObjectVersion(key: key, head: head) else {
            throw .unreadableHead("Last-Modified '\(head.lastModified)' of \(key)")
        }
        return version
    }

    /// The tags of the versions S3 holds of `key` (none in a bucket without versioning: there a replaced object is
    /// gone).
    func storedTags(bucket: String, key: String) throws(IngestFailure) -> Set<String> {
        try IngestFailure.awsCall { () throws(AWSError) in
            Set(
                try s3.versions(bucket: bucket, key: key).filter { !$0.isDeleteMarker && $0.versionID != "null" }
                    .map { ObjectVersion.tag(versionID: $0.versionID) })
        }
    }

    /// Whether the key's latest entry is an object (not a delete marker, not nothing).
    private func hasObject(bucket: String, key: String) throws(AWSError) -> Bool {
        guard let newest = try s3.versions(bucket: bucket, key: key).first else { return false }
        return newest.isLatest && !newest.isDeleteMarker
    }
}
