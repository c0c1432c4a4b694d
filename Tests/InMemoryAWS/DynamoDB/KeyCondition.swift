/// What a KeyConditionExpression may ask, and so all a Query can: one partition (`pk = :v`) and at most one
/// condition on the sort key (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN`, `begins_with`), joined by AND. The sort
/// condition becomes bounds on the partition's sorted entries, so a Query reads only what it returns.
struct KeyCondition {
    let partition: KeyValue
    private(set) var sort = SortBounds()

    /// The sort keys a condition allows: between bounds, or under a prefix.
    struct SortBounds {
        var lower: (value: KeyValue, inclusive: Bool)?
        var upper: (value: KeyValue, inclusive: Bool)?
        var prefix: KeyValue?
    }

    init(_ condition: Condition, schema: KeySchema, evaluator: ExpressionEvaluator) throws(DynamoDBError) {
        var terms: [Condition] = []
        func flatten(_ condition: Condition) {
            if case .and(let left, let right) = condition {
                flatten(left)
                flatten(right)
            } else {
                terms.append(condition)
            }
        }
        flatten(condition)
        var partition: KeyValue?
        var sortBounds = SortBounds()
        var sortTerms = 0
        for term in terms {
            let (name, comparator, values) = try Self.shape(of: term, evaluator)
            if name == schema.partition.name {
                guard comparator == "=", partition == nil, values.count == 1 else {
                    throw .validation("Query key condition not supported")
                }
                partition = try Self.keyValue(values[0], schema.partition)
            } else if let sort = schema.sort, name == sort.name {
                sortTerms += 1
                guard sortTerms == 1 else { throw .validation("Query key condition not supported") }
                var bounds: [KeyValue] = []
                for value in values { bounds.append(try Self.keyValue(value, sort)) }
                try sortBounds.constrain(comparator, bounds)
            } else {
                throw .validation(
                    "Query condition missed key schema element: \(name) is not a key attribute of the queried schema")
            }
        }
        guard let partition else {
            throw .validation("Query condition missed key schema element: \(schema.partition.name)")
        }
        self.partition = partition
        sort = sortBounds
    }
}

extension KeyCondition.SortBounds {
    fileprivate mutating func constrain(_ comparator: String, _ bounds: [KeyValue]) throws(DynamoDBError) {
        switch comparator {
        case "=":
            lower = (bounds[0], true)
            upper = (bounds[0], true)
        case "<": upper = (bounds[0], false)
        case "<=": upper = (bounds[0], true)
        case ">": lower = (bounds[0], false)
        case ">=": lower = (bounds[0], true)
        case "BETWEEN":
            guard !(bounds[1] < bounds[0]) else {
                throw .validation(
                    "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
                        + "equal to lower bound")
            }
            lower = (bounds[0], true)
            upper = (bounds[1], true)
        default:
            guard case .number = bounds[0] else {
                prefix = bounds[0]
                return
            }
            throw .validation(
                "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or "
                    + "function: begins_with, operand type: N")
        }
    }

}

extension KeyCondition {
    /// The attribute a term constrains, how, and the values it compares with.
    private static func shape(of term: Condition, _ evaluator: ExpressionEvaluator) throws(DynamoDBError) -> (
        String, String, [AttributeValue]
    ) {
        func name(_ operand: Operand) throws(DynamoDBError) -> String? {
            guard case .path(let path) = operand else { return nil }
            let steps = try evaluator.resolve(path)
            guard steps.count == 1, case .member(let name) = steps[0] else {
                throw .validation("Invalid KeyConditionExpression: a key condition names a top-level key attribute")
            }
            return name
        }
        func value(_ operand: Operand) throws(DynamoDBError) -> AttributeValue? {
            guard case .value(let placeholder) = operand else { return nil }
            return try evaluator.value(placeholder)
        }
        let flipped: [Comparator: String] = [
            .equal: "=", .less: ">", .lessOrEqual: ">=", .greater: "<", .greaterOrEqual: "<=",
        ]
        switch term {
        case .comparison(let left, let comparator, let right) where comparator != .notEqual:
            if let attribute = try name(left), let operand = try value(right) {
                return (attribute, comparator.rawValue, [operand])
            }
            if let attribute = try name(right), let operand = try value(left), let reversed = flipped[comparator] {
                return (attribute, reversed, [operand])
            }
        case .between(let subject, let low, let high):
            if let attribute = try name(subject), let lowValue = try value(low), let highValue = try value(high) {
                return (attribute, "BETWEEN", [lowValue, highValue])
            }
        case .beginsWith(let subject, let prefix):
            if let attribute = try name(subject), let prefixValue = try value(prefix) {
                return (attribute, "begins_with", [prefixValue])
            }
        default: break
        }
        throw .validation(
            "Invalid operator used in KeyConditionExpression: only =, <, <=, >, >=, BETWEEN and begins_with on key "
                + "attributes, joined by AND")
    }

    private static func keyValue(_ value: AttributeValue, _ attribute: KeyAttribute) throws(DynamoDBError) -> KeyValue {
        guard let key = KeyValue(value), key.type == attribute.type else {
            throw .validation(
                "One or more parameter values were invalid: Condition parameter type does not match schema type")
        }
        return key
    }

    /// The range of `entries` (positions) whose sort value meets the condition.
    func bounds<S>(in entries: SortedEntries<S, Item>, sortValue: (S) -> KeyValue?) -> Range<Int> {
        var low = 0
        var high = entries.count
        if let lower = sort.lower {
            low = entries.partitionPoint { sort in
                guard let value = sortValue(sort) else { return false }
                return lower.inclusive ? !(value < lower.value) : lower.value < value
            }
        }
        if let upper = sort.upper {
            high = entries.partitionPoint { sort in
                guard let value = sortValue(sort) else { return false }
                return upper.inclusive ? upper.value < value : !(value < upper.value)
            }
        }
        if let prefix = sort.prefix {
            low = entries.partitionPoint { sort in sortValue(sort).map { !($0 < prefix) } ?? false }
            high = entries.partitionPoint { sort in
                sortValue(sort).map { !($0 < prefix) && !$0.starts(with: prefix) } ?? false
            }
        }
        return low..<max(low, high)
    }
}
