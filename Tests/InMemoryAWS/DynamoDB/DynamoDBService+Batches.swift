import JSON

/// BatchWriteItem (at most 25 puts and deletes, no conditions) and BatchGetItem (at most 100 keys). Each request
/// or key the `leavesUnprocessed` hook picks comes back unprocessed, for the client to retry.
extension DynamoDBService {
    func batchWriteItem(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(body, context: "BatchWriteItem", allowed: ["RequestItems"])
        guard let requestItems = try fields.object("RequestItems"), !requestItems.isEmpty else {
            throw fields.missing("RequestItems")
        }
        var writes: [(table: Table, key: PrimaryKey, item: Item?, request: JSONValue)] = []
        for (tableName, requests) in requestItems.sorted(by: { $0.key < $1.key }) {
            let table = try table(tableName)
            guard let requests = requests.arrayValue, !requests.isEmpty else {
                throw .validation("BatchWriteItem: the requests for \(tableName) must be a non-empty list")
            }
            var keys: Set<PrimaryKey> = []
            for request in requests {
                let write = try Self.batchWrite(request, table)
                guard keys.insert(write.key).inserted else {
                    throw .validation("Provided list of item keys contains duplicates")
                }
                writes.append((table, write.key, write.item, request))
            }
        }
        guard writes.count <= 25 else {
            throw .validation(
                "Too many items requested for the BatchWriteItem call: \(writes.count) (at most 25)")
        }
        var unprocessed: [String: [JSONValue]] = [:]
        for write in writes {
            if leavesUnprocessed?(write.table.name, write.request) == true {
                unprocessed[write.table.name, default: []].append(write.request)
                continue
            }
            commit(write.table, key: write.key, old: write.table.item(at: write.key), new: write.item)
        }
        return ["UnprocessedItems": .object(unprocessed.mapValues { .array($0) })]
    }

    /// One `{"PutRequest": {"Item": ...}}` or `{"DeleteRequest": {"Key": ...}}`.
    private static func batchWrite(_ request: JSONValue, _ table: Table) throws(DynamoDBError) -> (
        key: PrimaryKey, item: Item?
    ) {
        guard case .object(let members) = request, members.count == 1 else {
            throw .validation("BatchWriteItem: each request holds exactly one of PutRequest and DeleteRequest")
        }
        if let put = members["PutRequest"] {
            let fields = try RequestFields(put, context: "PutRequest", allowed: ["Item"])
            guard let itemMembers = try fields.object("Item") else { throw fields.missing("Item") }
            let item = try AttributeValue.item(itemMembers)
            try table.validateForStorage(item)
            return (try table.key(ofItem: item), item)
        }
        if let delete = members["DeleteRequest"] {
            let fields = try RequestFields(delete, context: "DeleteRequest", allowed: ["Key"])
            return (try table.key(fromJSON: fields.members["Key"]), nil)
        }
        throw .unsupported("the BatchWriteItem request \(members.keys.sorted().joined())")
    }

    func batchGetItem(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(body, context: "BatchGetItem", allowed: ["RequestItems"])
        guard let requestItems = try fields.object("RequestItems"), !requestItems.isEmpty else {
            throw fields.missing("RequestItems")
        }
        var reads:
            [(table: Table, keys: [(PrimaryKey, JSONValue)], projection: [[ResolvedStep]]?, request: RequestFields)] =
                []
        var total = 0
        for (tableName, request) in requestItems.sorted(by: { $0.key < $1.key }) {
            let table = try table(tableName)
            let tableFields = try RequestFields(
                request, context: "BatchGetItem \(tableName)",
                allowed: ["Keys", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames"])
            _ = try tableFields.bool("ConsistentRead")
            guard let keys = try tableFields.array("Keys"), !keys.isEmpty else { throw tableFields.missing("Keys") }
            var inputs = try ExpressionInputs(tableFields)
            let projection = try tableFields.string("ProjectionExpression").map { text throws(DynamoDBError) in
                try expressions.projection(text)
            }
            inputs.use(projection)
            try inputs.check()
            var paths: [[ResolvedStep]]?
            if let projection {
                let evaluator = inputs.evaluator(kind: "ProjectionExpression")
                var resolved: [[ResolvedStep]] = []
                for path in projection.tree { resolved.append(try evaluator.resolve(path)) }
                paths = resolved
            }
            var seen: Set<PrimaryKey> = []
            var parsed: [(PrimaryKey, JSONValue)] = []
            for key in keys {
                let primaryKey = try table.key(fromJSON: key)
                guard seen.insert(primaryKey).inserted else {
                    throw .validation("Provided list of item keys contains duplicates")
                }
                parsed.append((primaryKey, key))
            }
            total += parsed.count
            reads.append((table, parsed, paths, tableFields))
        }
        guard total <= 100 else {
            throw .validation("Too many items requested for the BatchGetItem call: \(total) (at most 100)")
        }
        var responses: [String: JSONValue] = [:]
        var unprocessed: [String: JSONValue] = [:]
        for read in reads {
            var items: [JSONValue] = []
            var left: [JSONValue] = []
            for (key, json) in read.keys {
                if leavesUnprocessed?(read.table.name, json) == true {
                    left.append(json)
                    continue
                }
                guard let item = read.table.item(at: key) else { continue }
                items.append(AttributeValue.json(read.projection.map { ItemProjection.project(item, $0) } ?? item))
            }
            responses[read.table.name] = .array(items)
            if !left.isEmpty {
                var retry = read.request.members
                retry["Keys"] = .array(left)
                unprocessed[read.table.name] = .object(retry)
            }
        }
        return ["Responses": .object(responses), "UnprocessedKeys": .object(unprocessed)]
    }
}
