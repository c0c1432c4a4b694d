/// How readings of the same meter and day from different objects are ordered; the greatest counts (rule d).
/// Keys and ETags are compared as UTF-8 bytes, never with Swift's `String` equality (canonical equivalence would
/// make `März` in NFC and NFD one key, where S3 has two).
public struct VersionRank: Comparable, Hashable, Sendable {
    public var lastModified: Int
    public var key: String
    public var eTag: String

    public init(lastModified: Int, key: String, eTag: String) {
        self.lastModified = lastModified
        self.key = key
        self.eTag = eTag
    }

    public static func < (lhs: VersionRank, rhs: VersionRank) -> Bool {
        if lhs.lastModified != rhs.lastModified { return lhs.lastModified < rhs.lastModified }
        if !lhs.key.utf8.elementsEqual(rhs.key.utf8) { return lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8) }
        return lhs.eTag.utf8.lexicographicallyPrecedes(rhs.eTag.utf8)
    }

    public static func == (lhs: VersionRank, rhs: VersionRank) -> Bool {
        lhs.lastModified == rhs.lastModified && lhs.key.utf8.elementsEqual(rhs.key.utf8)
            && lhs.eTag.utf8.elementsEqual(rhs.eTag.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(lastModified)
        hasher.combine(Array(key.utf8))
        hasher.combine(Array(eTag.utf8))
    }
}
