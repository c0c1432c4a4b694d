import JSON

/// Which tenant an API Gateway API key's caller is (`consumption keys add`), in the table-wide `APIKEYS` partition,
/// keyed by the key's id (never its value): the query function looks the id API Gateway vouches for up here.
public struct APIKeyItem: Sendable, Equatable {
    public var keyID: String
    public var tenant: String
    public var createdAt: String?

    public init(keyID: String, tenant: String, createdAt: String? = nil) {
        self.keyID = keyID
        self.tenant = tenant
        self.createdAt = createdAt
    }

    enum Attribute {
        static let tenant = "tenant"
        static let createdAt = "createdAt"
    }

    public static func key(keyID: String) -> JSONValue {
        TableKeys.key(TableKeys.apiKeyPartition, keyID)
    }

    public init?(item: JSONValue) {
        guard AttributeValues.string(item, "pk") == TableKeys.apiKeyPartition,
            let keyID = AttributeValues.string(item, "sk"), let tenant = AttributeValues.string(item, Attribute.tenant)
        else { return nil }
        self.init(keyID: keyID, tenant: tenant, createdAt: AttributeValues.string(item, Attribute.createdAt))
    }

    public var item: JSONValue {
        var item = Self.key(keyID: keyID).objectValue ?? [:]
        item[Attribute.tenant] = AttributeValues.string(tenant)
        if let createdAt { item[Attribute.createdAt] = AttributeValues.string(createdAt) }
        return .object(item)
    }
}
