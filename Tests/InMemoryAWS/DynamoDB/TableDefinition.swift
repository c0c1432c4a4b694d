/// The scalar types a key attribute can have.
public enum KeyType: String, Sendable {
    case string = "S"
    case number = "N"
    case binary = "B"
}

/// A key attribute: its name and type.
public struct KeyAttribute: Sendable {
    public var name: String
    public var type: KeyType

    public init(_ name: String, _ type: KeyType) {
        self.name = name
        self.type = type
    }
}

/// A table's or index's key: a partition (hash) key and an optional sort (range) key.
public struct KeySchema: Sendable {
    public var partition: KeyAttribute
    public var sort: KeyAttribute?

    public init(partition: KeyAttribute, sort: KeyAttribute? = nil) {
        self.partition = partition
        self.sort = sort
    }

    var names: [String] { [partition.name] + (sort.map { [$0.name] } ?? []) }
}

/// Which attributes a global secondary index copies from the table.
public enum IndexProjection: Sendable {
    case all
    /// The table's and the index's key attributes only.
    case keysOnly
    /// The keys and these non-key attributes.
    case include([String])
}

/// A global secondary index: sparse (an item without the index key, or with a mistyped one, is not in it) and
/// eventually consistent (see `DynamoDBService.indexLagMilliseconds`).
public struct GlobalIndexDefinition: Sendable {
    public var name: String
    public var key: KeySchema
    public var projection: IndexProjection

    public init(name: String, key: KeySchema, projection: IndexProjection = .all) {
        self.name = name
        self.key = key
        self.projection = projection
    }
}

/// What `DynamoDBService.createTable` makes: the key, the indexes, and whether a NEW_AND_OLD_IMAGES stream records
/// every change.
public struct TableDefinition: Sendable {
    public var name: String
    public var key: KeySchema
    public var globalIndexes: [GlobalIndexDefinition]
    public var streamEnabled: Bool

    public init(
        name: String, key: KeySchema, globalIndexes: [GlobalIndexDefinition] = [], streamEnabled: Bool = false
    ) {
        self.name = name
        self.key = key
        self.globalIndexes = globalIndexes
        self.streamEnabled = streamEnabled
    }
}
