import JSON

/// One table: its items by primary key, its global indexes and its stream.
final class Table {
    let definition: TableDefinition
    let items = PartitionStore<KeyValue>()
    let indexes: [String: GlobalIndex]
    let stream: TableStream?

    /// The sort key stored for every item of a table without one (never a valid key: empty binaries are refused).
    static let absentSortKey = KeyValue.binary([])

    init(definition: TableDefinition, stream: TableStream?) {
        self.definition = definition
        self.stream = stream
        var indexes: [String: GlobalIndex] = [:]
        for index in definition.globalIndexes {
            indexes[index.name] = GlobalIndex(definition: index, tableKey: definition.key)
        }
        self.indexes = indexes
    }

    var name: String { definition.name }
    var keySchema: KeySchema { definition.key }

    func index(named name: String) throws(DynamoDBError) -> GlobalIndex {
        guard let index = indexes[name] else {
            throw .validation("The table does not have the specified index: \(name)")
        }
        return index
    }

    func item(at key: PrimaryKey) -> Item? {
        items.item(partition: key.partition, sort: key.sort ?? Self.absentSortKey)
    }

    /// Stores `item` at `key` (nil deletes); returns the item it replaced.
    @discardableResult
    func store(_ item: Item?, at key: PrimaryKey) -> Item? {
        items.set(item, partition: key.partition, sort: key.sort ?? Self.absentSortKey)
    }

    /// A `Key` parameter: exactly the key attributes, each of its declared type.
    func key(fromJSON json: JSONValue?) throws(DynamoDBError) -> PrimaryKey {
        guard case .object(let members)? = json else {
            throw .validation("The provided key element does not match the schema")
        }
        let attributes = try AttributeValue.item(members)
        guard attributes.count == keySchema.names.count else {
            throw .validation("The provided key element does not match the schema")
        }
        return try key(of: attributes, missing: "The provided key element does not match the schema")
    }

    /// The primary key of a whole item.
    func key(ofItem item: Item) throws(DynamoDBError) -> PrimaryKey {
        try key(of: item, missing: nil)
    }

    private func key(of item: Item, missing: String?) throws(DynamoDBError) -> PrimaryKey {
        func value(_ attribute: KeyAttribute) throws(DynamoDBError) -> KeyValue {
            guard let value = item[attribute.name] else {
                throw .validation(
                    missing
                        ?? "One or more parameter values were invalid: Missing the key \(attribute.name) in the item")
            }
            return try Self.keyValue(value, for: attribute, context: "key \(attribute.name)")
        }
        let partition = try value(keySchema.partition)
        let sort = try keySchema.sort.map { attribute throws(DynamoDBError) in try value(attribute) }
        return PrimaryKey(partition: partition, sort: sort)
    }

    /// A key attribute's value, checked for its type and, for strings and binaries, for emptiness.
    static func keyValue(_ value: AttributeValue, for attribute: KeyAttribute, context: String) throws(DynamoDBError)
        -> KeyValue
    {
        guard let key = KeyValue(value), key.type == attribute.type else {
            throw .validation(
                "One or more parameter values were invalid: Type mismatch for \(context) expected: "
                    + "\(attribute.type.rawValue) actual: \(value.typeCode)")
        }
        switch key {
        case .string(let bytes) where bytes.isEmpty, .binary(let bytes) where bytes.isEmpty:
            throw .validation(
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
                    + "empty \(attribute.type == .string ? "string" : "binary") value. Key: \(attribute.name)")
        default: return key
        }
    }

    /// The key attributes of `key` as an item (`Keys` of a stream record, the start of a new item).
    func keyItem(_ key: PrimaryKey) -> Item {
        var item: Item = [keySchema.partition.name: key.partition.attributeValue]
        if let sort = keySchema.sort, let value = key.sort { item[sort.name] = value.attributeValue }
        return item
    }

    /// Refuses an item DynamoDB would: over 400 KB, or with a mistyped or empty index key attribute.
    func validateForStorage(_ item: Item) throws(DynamoDBError) {
        guard AttributeValue.size(of: item) <= 400 * 1024 else {
            throw .validation("Item size has exceeded the maximum allowed size")
        }
        for index in definition.globalIndexes {
            for attribute in [index.key.partition] + (index.key.sort.map { [$0] } ?? []) {
                guard let value = item[attribute.name] else { continue }
                _ = try Self.keyValue(
                    value, for: attribute, context: "Index Key \(attribute.name) IndexName: \(index.name)")
            }
        }
    }
}
