import CurlHTTP
import InMemoryWire
import JSON

/// DynamoDB in memory, answering the JSON 1.0 protocol (`x-amz-target: DynamoDB_20120810.<Operation>`) as the
/// API reference describes it, for the deterministic simulation. Each call is applied atomically at the time the
/// simulation gives; global secondary indexes lag behind the table by `indexLagMilliseconds`, and tables with a
/// stream record every change in shards that split and age like DynamoDB Streams'.
///
/// Operations: GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, BatchWriteItem, BatchGetItem,
/// TransactWriteItems. Anything else, and any parameter or expression feature not modelled, is a
/// ValidationException that names it.
public final class DynamoDBService: InMemoryService {
    public var region: String
    public var accountID: String
    /// How long after a write its effect reaches the global secondary indexes.
    public var indexLagMilliseconds: Int
    /// Stream shards per table (items are spread over them by partition key), for tables created after a change.
    public var streamShardCount: Int
    /// After this long a stream shard closes and a child shard continues it; nil: shards never close.
    public var streamShardLifetimeMilliseconds: Int?
    /// Consulted for each BatchWriteItem request and each BatchGetItem key: true leaves it unprocessed (returned
    /// in `UnprocessedItems` / `UnprocessedKeys`), as DynamoDB does under load.
    public var leavesUnprocessed: ((_ tableName: String, _ request: JSONValue) -> Bool)?

    var tables: [String: Table] = [:]
    let expressions = ExpressionCache()
    /// The service's clock: the latest time a call or `advance(to:)` brought (it never runs backwards).
    private(set) var now = 0
    private var sequenceNumbers = 0

    public init(
        region: String = "us-east-1", accountID: String = "123456789012", indexLagMilliseconds: Int = 0,
        streamShardCount: Int = 4, streamShardLifetimeMilliseconds: Int? = 4 * 60 * 60 * 1000
    ) {
        self.region = region
        self.accountID = accountID
        self.indexLagMilliseconds = indexLagMilliseconds
        self.streamShardCount = streamShardCount
        self.streamShardLifetimeMilliseconds = streamShardLifetimeMilliseconds
    }

    /// Creates a table (ACTIVE at once). A second table of the same name is a ResourceInUseException.
    public func createTable(_ definition: TableDefinition, at nowMilliseconds: Int = 0) throws(DynamoDBError) {
        guard tables[definition.name] == nil else {
            throw DynamoDBError(code: "ResourceInUseException", message: "Table already exists: \(definition.name)")
        }
        advance(to: nowMilliseconds)
        var stream: TableStream?
        if definition.streamEnabled {
            let label = StreamLabel.label(milliseconds: now)
            stream = TableStream(
                arn: "arn:aws:dynamodb:\(region):\(accountID):table/\(definition.name)/stream/\(label)",
                region: region, laneCount: streamShardCount, shardLifetime: streamShardLifetimeMilliseconds,
                createdAt: now)
        }
        tables[definition.name] = Table(definition: definition, stream: stream)
    }

    /// Brings the service to `nowMilliseconds`: index changes now due become visible, stream shards past their
    /// lifetime close, records older than 24 hours are trimmed. Every call does this first.
    public func advance(to nowMilliseconds: Int) {
        now = max(now, nowMilliseconds)
        for table in tables.values {
            for index in table.indexes.values { index.apply(until: now) }
            table.stream?.advance(to: now)
        }
    }

    public func respond(to request: WireRequest, at nowMilliseconds: Int) -> HTTPResponse {
        advance(to: nowMilliseconds)
        do throws(DynamoDBError) {
            let answer = try dispatch(request)
            return HTTPResponse(
                status: 200, headers: [("content-type", "application/x-amz-json-1.0")], body: answer.serializedBytes)
        } catch {
            return error.response
        }
    }

    private func dispatch(_ request: WireRequest) throws(DynamoDBError) -> JSONValue {
        let prefix = "DynamoDB_20120810."
        guard let target = request.header("x-amz-target"), target.hasPrefix(prefix) else {
            throw DynamoDBError(code: "UnknownOperationException", message: "Missing or unknown x-amz-target")
        }
        let body: JSONValue
        do throws(JSONSyntaxError) {
            body = try JSONParser.parse(request.body)
        } catch {
            throw DynamoDBError(code: "SerializationException", message: "\(error)")
        }
        switch target.dropFirst(prefix.count) {
        case "GetItem": return try getItem(body)
        case "PutItem": return try putItem(body)
        case "UpdateItem": return try updateItem(body)
        case "DeleteItem": return try deleteItem(body)
        case "Query": return try query(body)
        case "Scan": return try scan(body)
        case "BatchWriteItem": return try batchWriteItem(body)
        case "BatchGetItem": return try batchGetItem(body)
        case "TransactWriteItems": return try transactWriteItems(body)
        case let operation:
            throw .unsupported("the operation \(operation)")
        }
    }

    func table(_ name: String) throws(DynamoDBError) -> Table {
        guard let table = tables[name] else { throw .resourceNotFound(name) }
        return table
    }

    /// Stores a write's outcome: the table at once, the indexes after the lag, a stream record when the item
    /// changed (a write that changes nothing records nothing, as the developer guide says).
    func commit(_ table: Table, key: PrimaryKey, old: Item?, new: Item?) {
        guard old != new else { return }
        table.store(new, at: key)
        for index in table.indexes.values { index.enqueue(new, at: key, visibleAt: now + indexLagMilliseconds) }
        if indexLagMilliseconds <= 0 {
            for index in table.indexes.values { index.apply(until: now) }
        }
        guard let stream = table.stream else { return }
        sequenceNumbers += 1
        stream.append(
            keys: table.keyItem(key), old: old, new: new, partition: key.partition,
            sequenceNumber: "1" + TableStream.padded(sequenceNumbers, 20), now: now)
    }

    // MARK: Inspection, for the simulation's oracle

    /// Every item of a table, in scan order, in DynamoDB's wire form.
    public func items(in tableName: String) -> [JSONValue] {
        tables[tableName]?.items.all.map { AttributeValue.json($0.item) } ?? []
    }

    /// How many items a partition (a string key) holds.
    public func itemCount(in tableName: String, partition: String) -> Int {
        tables[tableName]?.items.partitions[.string(Array(partition.utf8))]?.count ?? 0
    }

    /// The item at `key` (wire form), nil when absent.
    public func item(in tableName: String, key: JSONValue) -> JSONValue? {
        guard let table = tables[tableName], let primaryKey = try? table.key(fromJSON: key) else { return nil }
        return table.item(at: primaryKey).map(AttributeValue.json)
    }

    /// The entries of a global index as queries see them now (changes still within the lag are not there).
    public func indexEntries(in tableName: String, index indexName: String) -> [JSONValue] {
        tables[tableName]?.indexes[indexName]?.entries.all.map { AttributeValue.json($0.item) } ?? []
    }

    /// Writes not yet visible in an index.
    public func pendingIndexChanges(in tableName: String, index indexName: String) -> Int {
        tables[tableName]?.indexes[indexName]?.pendingCount ?? 0
    }
}
