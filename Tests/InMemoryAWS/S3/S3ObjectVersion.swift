import InMemoryWire

/// One entry of a key's history: a version with its bytes, or a delete marker. What the simulation's oracle reads
/// to know what S3 holds, independently of the listing the product parses.
public struct S3ObjectVersion: Sendable, Equatable {
    public let key: String
    /// Opaque and deterministic; `null` in a bucket without versioning, as S3 writes it.
    public let versionID: String
    public let isDeleteMarker: Bool
    /// Empty for a delete marker.
    public let body: [UInt8]
    /// Quoted, as the `ETag` header carries it; empty for a delete marker.
    public let eTag: String
    public let contentType: String
    public let lastModifiedMilliseconds: Int
    /// When a newer entry was put on top of this one (lifecycle's clock for noncurrent expiry); nil while current.
    public internal(set) var noncurrentSinceMilliseconds: Int?

    public var size: Int { body.count }
    public var isCurrent: Bool { noncurrentSinceMilliseconds == nil }

    init(
        key: String, versionID: String, isDeleteMarker: Bool, body: [UInt8], contentType: String,
        lastModifiedMilliseconds: Int
    ) {
        self.key = key
        self.versionID = versionID
        self.isDeleteMarker = isDeleteMarker
        self.body = body
        self.eTag = isDeleteMarker ? "" : "\"\(MD5.hex(body))\""
        self.contentType = contentType
        self.lastModifiedMilliseconds = lastModifiedMilliseconds
    }
}
