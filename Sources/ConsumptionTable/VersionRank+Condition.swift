import JSON

/// Rule (d) as a DynamoDB condition, so that a conditional write ranks readings exactly as `<` does: DynamoDB
/// compares numbers as numbers and strings as UTF-8 bytes, as `VersionRank` does. The attributes compared are those
/// an item holds its reading's source in (`VersionIdentity`).
extension VersionRank {
    public enum Order: Sendable {
        case below, above
    }

    /// The condition that the reading an item holds ranks `order` this one: the first of `lastModified`, `key` and
    /// `eTag` that differs decides. `name` and `value` make the expression's placeholders (`UpdateExpression`'s).
    public func condition(itemRanks order: Order, name: (String) -> String, value: (JSONValue) -> String) -> String {
        let comparison = order == .below ? "<" : ">"
        let storedTime = name(VersionIdentity.Attribute.lastModified)
        let givenTime = value(AttributeValues.number(lastModified))
        let (storedKey, givenKey) = (name(VersionIdentity.Attribute.key), value(AttributeValues.string(key)))
        let (storedETag, givenETag) = (name(VersionIdentity.Attribute.eTag), value(AttributeValues.string(eTag)))
        let byETag = "\(storedETag) \(comparison) \(givenETag)"
        let byKey = "\(storedKey) \(comparison) \(givenKey) OR (\(storedKey) = \(givenKey) AND \(byETag))"
        return "\(storedTime) \(comparison) \(givenTime) OR (\(storedTime) = \(givenTime) AND (\(byKey)))"
    }
}
