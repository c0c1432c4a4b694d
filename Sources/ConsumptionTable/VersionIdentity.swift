import JSON

/// Which object version a reading comes from, as the table stores it beside the reading: the key, the version's
/// tag (its name inside table keys), S3's VersionId and ETag, and LastModified, by which readings are ranked.
public struct VersionIdentity: Sendable, Equatable {
    public var key: String
    public var tag: String
    public var versionID: String?
    public var eTag: String
    /// Whole seconds since the epoch: S3's resolution.
    public var lastModified: Int

    public init(key: String, tag: String, versionID: String?, eTag: String, lastModified: Int) {
        self.key = key
        self.tag = tag
        self.versionID = versionID
        self.eTag = eTag
        self.lastModified = lastModified
    }

    public var rank: VersionRank { VersionRank(lastModified: lastModified, key: key, eTag: eTag) }

    /// Byte equality of key and tag: the same version of the same object.
    public func isSameVersion(as other: VersionIdentity) -> Bool {
        key.utf8.elementsEqual(other.key.utf8) && tag == other.tag
    }

    /// The names an item holds its reading's source under (a reading, a meter-day).
    public enum Attribute {
        public static let key = "key"
        public static let tag = "tag"
        public static let versionID = "versionId"
        public static let eTag = "eTag"
        public static let lastModified = "lastModified"
    }

    init?(item: JSONValue) {
        guard let key = AttributeValues.string(item, Attribute.key),
            let tag = AttributeValues.string(item, Attribute.tag),
            let eTag = AttributeValues.string(item, Attribute.eTag),
            let lastModified = AttributeValues.integer(item, Attribute.lastModified)
        else { return nil }
        self.init(
            key: key, tag: tag, versionID: AttributeValues.string(item, Attribute.versionID), eTag: eTag,
            lastModified: lastModified)
    }

    var attributes: [String: JSONValue] {
        var attributes: [String: JSONValue] = [
            Attribute.key: AttributeValues.string(key), Attribute.tag: AttributeValues.string(tag),
            Attribute.eTag: AttributeValues.string(eTag), Attribute.lastModified: AttributeValues.number(lastModified),
        ]
        if let versionID { attributes[Attribute.versionID] = AttributeValues.string(versionID) }
        return attributes
    }

    /// The attribute names, for expressions that remove an identity.
    static let attributeNames = [
        Attribute.key, Attribute.tag, Attribute.versionID, Attribute.eTag, Attribute.lastModified,
    ]
}
