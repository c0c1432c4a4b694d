/// How readings of the same meter and day from different objects are ordered; the greatest counts.
public struct SourceRank: Comparable, Hashable, Sendable {
    public var lastModified: Int
    public var key: String
    public var eTag: String

    public init(lastModified: Int, key: String, eTag: String) {
        self.lastModified = lastModified
        self.key = key
        self.eTag = eTag
    }

    public static func < (lhs: SourceRank, rhs: SourceRank) -> Bool {
        if lhs.lastModified != rhs.lastModified { return lhs.lastModified < rhs.lastModified }
        // Byte order, not Swift's String order (which compares Unicode scalars after normalisation).
        if lhs.key != rhs.key { return lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8) }
        return lhs.eTag.utf8.lexicographicallyPrecedes(rhs.eTag.utf8)
    }
}
