import AWSServices
import ConsumptionTable
import Hashing

/// One version of one object as HEAD saw it: what identifies it, and what its readings are ranked by.
public struct ObjectVersion: Sendable, Equatable {
    public var key: String
    /// Nil in an unversioned bucket (S3 reports the literal `null` there, which names no version either).
    public var versionID: String?
    public var eTag: String
    /// Whole seconds since the epoch: S3's resolution.
    public var lastModified: Int
    public var size: Int

    public init(key: String, versionID: String?, eTag: String, lastModified: Int, size: Int) {
        self.key = key
        self.versionID = versionID == "null" ? nil : versionID
        self.eTag = eTag
        self.lastModified = lastModified
        self.size = size
    }

    init?(key: String, head: S3ObjectHead) {
        guard let seconds = HTTPDate.epochSeconds(head.lastModified) else { return nil }
        self.init(key: key, versionID: head.versionID, eTag: head.eTag, lastModified: seconds, size: head.size)
    }

    /// A short, fixed-length name for this version inside table keys: from the VersionId when the bucket has
    /// versioning, else from the ETag and LastModified (an overwrite changes at least one of them).
    public var tag: String {
        versionID.map(Self.tag(versionID:)) ?? String(SHA256.hexHash(Array("\(eTag)|\(lastModified)".utf8)).prefix(16))
    }

    /// The tag of a version of a versioned bucket, from its VersionId alone (as a listing gives it).
    public static func tag(versionID: String) -> String {
        String(SHA256.hexHash(Array(versionID.utf8)).prefix(16))
    }

    /// The version as readings and source items name it.
    public var identity: VersionIdentity {
        VersionIdentity(key: key, tag: tag, versionID: versionID, eTag: eTag, lastModified: lastModified)
    }
}
