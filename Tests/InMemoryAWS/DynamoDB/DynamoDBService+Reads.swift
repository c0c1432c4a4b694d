import JSON

/// Query and Scan.
extension DynamoDBService {
    func query(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(
            body, context: "Query", allowed: ReadOptions.members.union(["KeyConditionExpression", "ScanIndexForward"]))
        var options = try ReadOptions(fields, service: self)
        guard let text = try fields.string("KeyConditionExpression") else {
            throw .validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        let keyExpression = try expressions.condition(text, kind: "KeyConditionExpression")
        options.inputs.use(keyExpression)
        try options.inputs.check()
        let schema = options.keySchema
        let condition = try KeyCondition(
            keyExpression.tree, schema: schema, evaluator: options.inputs.evaluator(kind: "KeyConditionExpression"))
        if let filter = options.filter {
            let evaluator = options.inputs.evaluator(kind: "FilterExpression")
            for path in filter.tree.paths {
                if case .member(let name)? = try evaluator.resolve(path).first, schema.names.contains(name) {
                    throw .validation(
                        "Filter Expression can only contain non-primary key attributes: Primary key attribute: \(name)")
                }
            }
        }
        let forward = try fields.bool("ScanIndexForward") ?? true
        var page = try options.page()
        if let index = options.index {
            var start: IndexSortKey?
            if let tableKey = try options.startTableKey() {
                try requireStart(in: condition, options.start(schema.partition))
                start = IndexSortKey(
                    sort: try schema.sort.flatMap { attribute throws(DynamoDBError) in try options.start(attribute) },
                    table: tableKey)
            }
            try read(index.entries, condition, start: start, forward: forward, sortValue: \.sort, into: &page)
        } else {
            var start: KeyValue?
            if let tableKey = try options.startTableKey() {
                try requireStart(in: condition, tableKey.partition)
                start = tableKey.sort ?? Table.absentSortKey
            }
            try read(options.table.items, condition, start: start, forward: forward, sortValue: { $0 }, into: &page)
        }
        return page.json
    }

    private func requireStart(in condition: KeyCondition, _ partition: KeyValue?) throws(DynamoDBError) {
        guard partition == condition.partition else {
            throw .validation("The provided starting key is outside query boundaries based on provided conditions")
        }
    }

    /// Reads one partition's entries within the key condition, after `start`, in the asked direction.
    private func read<S>(
        _ store: PartitionStore<S>, _ condition: KeyCondition, start: S?, forward: Bool,
        sortValue: (S) -> KeyValue?, into page: inout ReadPage
    ) throws(DynamoDBError) {
        guard let entries = store.partitions[condition.partition] else { return }
        var range = condition.bounds(in: entries, sortValue: sortValue)
        if let start {
            let cut = entries.partitionPoint { $0 > start }
            let before = entries.partitionPoint { $0 >= start }
            range =
                forward
                ? max(range.lowerBound, cut)..<max(range.upperBound, max(range.lowerBound, cut))
                : range.lowerBound..<max(range.lowerBound, min(range.upperBound, before))
        }
        if forward {
            for position in range where try !page.take(entries.values[position]) { return }
        } else {
            for position in range.reversed() where try !page.take(entries.values[position]) { return }
        }
    }

    func scan(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(
            body, context: "Scan", allowed: ReadOptions.members.union(["Segment", "TotalSegments"]))
        let options = try ReadOptions(fields, service: self)
        try options.inputs.check()
        var segment: (index: Int, total: Int)?
        switch (try fields.int("Segment"), try fields.int("TotalSegments")) {
        case (nil, nil): break
        case (let index?, let total?) where (1...1_000_000).contains(total) && (0..<total).contains(index):
            segment = (index, total)
        default:
            throw .validation("Segment and TotalSegments go together, with 0 <= Segment < TotalSegments <= 1000000")
        }
        var page = try options.page()
        var failure: DynamoDBError?
        let visit = { (_: KeyValue, _: Any, item: Item) -> Bool in
            do throws(DynamoDBError) {
                return try page.take(item)
            } catch {
                failure = error
                return false
            }
        }
        if let index = options.index {
            var start: (KeyValue, IndexSortKey)?
            if let tableKey = try options.startTableKey(), let partition = try options.start(index.keySchema.partition)
            {
                let sort = try index.keySchema.sort.flatMap { attribute throws(DynamoDBError) in
                    try options.start(attribute)
                }
                start = (partition, IndexSortKey(sort: sort, table: tableKey))
            }
            index.entries.scan(after: start, segment: segment) { visit($0, $1, $2) }
        } else {
            let start = try options.startTableKey().map { ($0.partition, $0.sort ?? Table.absentSortKey) }
            options.table.items.scan(after: start, segment: segment) { visit($0, $1, $2) }
        }
        if let failure { throw failure }
        return page.json
    }
}

extension Condition {
    /// Every document path the condition reads.
    var paths: [DocumentPath] {
        func operandPaths(_ operands: [Operand]) -> [DocumentPath] {
            operands.compactMap { operand in
                switch operand {
                case .path(let path), .size(let path): return path
                case .value: return nil
                }
            }
        }
        switch self {
        case .comparison(let left, _, let right): return operandPaths([left, right])
        case .between(let subject, let low, let high): return operandPaths([subject, low, high])
        case .membership(let subject, let candidates): return operandPaths([subject] + candidates)
        case .and(let left, let right), .or(let left, let right): return left.paths + right.paths
        case .not(let inner): return inner.paths
        case .attributeExists(let path), .attributeNotExists(let path): return [path]
        case .attributeType(let path, let type): return [path] + operandPaths([type])
        case .beginsWith(let subject, let operand), .contains(let subject, let operand):
            return operandPaths([subject, operand])
        }
    }
}
