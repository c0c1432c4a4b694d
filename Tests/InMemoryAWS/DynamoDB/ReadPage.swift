import JSON

/// What Query and Scan share: the table or index read, the filter, the projection, Select, Limit and the start
/// key, parsed and checked before any item is read.
struct ReadOptions {
    let table: Table
    let index: GlobalIndex?
    var inputs: ExpressionInputs
    let filter: Parsed<Condition>?
    let projection: Parsed<[DocumentPath]>?
    let countOnly: Bool
    let limit: Int?
    let startKey: Item?

    static let members: Set<String> = [
        "TableName", "IndexName", "FilterExpression", "ProjectionExpression", "ExpressionAttributeNames",
        "ExpressionAttributeValues", "Limit", "ExclusiveStartKey", "ConsistentRead", "Select",
    ]

    init(_ fields: RequestFields, service: DynamoDBService) throws(DynamoDBError) {
        let table = try service.table(try fields.requiredString("TableName"))
        let index = try fields.string("IndexName").map { name throws(DynamoDBError) in try table.index(named: name) }
        self.table = table
        self.index = index
        if let index, try fields.bool("ConsistentRead") == true {
            throw .validation("Consistent reads are not supported on global secondary indexes (\(index.name))")
        }
        inputs = try ExpressionInputs(fields)
        filter = try fields.string("FilterExpression").map { text throws(DynamoDBError) in
            try service.expressions.condition(text, kind: "FilterExpression")
        }
        projection = try fields.string("ProjectionExpression").map { text throws(DynamoDBError) in
            try service.expressions.projection(text)
        }
        inputs.use(filter)
        inputs.use(projection)
        let select = try fields.string("Select") ?? (projection != nil ? "SPECIFIC_ATTRIBUTES" : "")
        switch select {
        case "", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "COUNT", "SPECIFIC_ATTRIBUTES": break
        default:
            throw .validation("Select must be ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES or COUNT")
        }
        if (select == "SPECIFIC_ATTRIBUTES") != (projection != nil) {
            throw .validation("Select SPECIFIC_ATTRIBUTES goes with a ProjectionExpression, and only it")
        }
        if select == "ALL_PROJECTED_ATTRIBUTES" && index == nil {
            throw .validation("ALL_PROJECTED_ATTRIBUTES can be used only when querying an index")
        }
        if select == "ALL_ATTRIBUTES", let index, index.projectedNonKeyAttributes != nil {
            throw .validation(
                "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
                    + "secondary index \(index.name) because its projection type is not ALL")
        }
        countOnly = select == "COUNT"
        limit = try fields.int("Limit")
        if let limit, limit < 1 { throw .validation("Limit must be at least 1") }
        startKey = try fields.object("ExclusiveStartKey").map { members throws(DynamoDBError) in
            try AttributeValue.item(members)
        }
        if let startKey, Set(startKey.keys) != Set(pageKeyNames) {
            throw .validation(
                "The provided starting key is invalid: The provided key element does not match the schema")
        }
    }

    var keySchema: KeySchema { index?.keySchema ?? table.keySchema }

    /// The attributes of `LastEvaluatedKey` (and of a valid `ExclusiveStartKey`): the table's key, and the index's.
    var pageKeyNames: [String] {
        var names = table.keySchema.names
        for name in index?.keySchema.names ?? [] where !names.contains(name) { names.append(name) }
        return names
    }

    /// The start key's table primary key and its value for `attribute`.
    func start(_ attribute: KeyAttribute) throws(DynamoDBError) -> KeyValue? {
        guard let startKey, let value = startKey[attribute.name] else { return nil }
        return try Table.keyValue(value, for: attribute, context: "ExclusiveStartKey \(attribute.name)")
    }

    func startTableKey() throws(DynamoDBError) -> PrimaryKey? {
        guard startKey != nil, let partition = try start(table.keySchema.partition) else { return nil }
        let sort = try table.keySchema.sort.flatMap { attribute throws(DynamoDBError) in try start(attribute) }
        return PrimaryKey(partition: partition, sort: sort)
    }

    /// A new page for these options.
    func page() throws(DynamoDBError) -> ReadPage {
        let evaluator = inputs.evaluator(kind: "ProjectionExpression")
        var paths: [[ResolvedStep]]?
        if let projection {
            var resolved: [[ResolvedStep]] = []
            for path in projection.tree { resolved.append(try evaluator.resolve(path)) }
            paths = resolved
        }
        return ReadPage(options: self, filterEvaluator: inputs.evaluator(kind: "FilterExpression"), paths: paths)
    }
}

/// One Query or Scan page: items are evaluated in order until `Limit` items were read (before the filter, as in
/// AWS) or 1 MB of item data was read; the last item read is then `LastEvaluatedKey`.
struct ReadPage {
    static let maxBytes = 1024 * 1024

    let options: ReadOptions
    let filterEvaluator: ExpressionEvaluator
    let paths: [[ResolvedStep]]?
    private var items: [JSONValue] = []
    private var count = 0
    private var scanned = 0
    private var bytes = 0
    private var lastKey: Item?

    init(options: ReadOptions, filterEvaluator: ExpressionEvaluator, paths: [[ResolvedStep]]?) {
        self.options = options
        self.filterEvaluator = filterEvaluator
        self.paths = paths
    }

    /// Reads one item; false when the page is full.
    mutating func take(_ item: Item) throws(DynamoDBError) -> Bool {
        scanned += 1
        bytes += AttributeValue.size(of: item)
        if try options.filter.map({ filter throws(DynamoDBError) in try filterEvaluator.matches(filter.tree, item) })
            ?? true
        {
            count += 1
            if !options.countOnly {
                items.append(AttributeValue.json(paths.map { ItemProjection.project(item, $0) } ?? item))
            }
        }
        guard scanned >= (options.limit ?? Int.max) || bytes >= Self.maxBytes else { return true }
        var key: Item = [:]
        for name in options.pageKeyNames { key[name] = item[name] }
        lastKey = key
        return false
    }

    var json: JSONValue {
        var answer: [String: JSONValue] = ["Count": .integer(count), "ScannedCount": .integer(scanned)]
        if !options.countOnly { answer["Items"] = .array(items) }
        if let lastKey { answer["LastEvaluatedKey"] = AttributeValue.json(lastKey) }
        return .object(answer)
    }
}
