/// A document path with its placeholders resolved: map members by name, list elements by index.
enum ResolvedStep: Hashable, CustomStringConvertible {
    case member(String)
    case element(Int)

    var description: String {
        switch self {
        case .member(let name): return name
        case .element(let index): return "[\(index)]"
        }
    }
}

/// Evaluates parsed expressions against an item, with one request's `ExpressionAttributeNames` and
/// `ExpressionAttributeValues` (already checked: every placeholder used is defined, every one defined is used).
struct ExpressionEvaluator {
    let names: [String: String]
    let values: [String: AttributeValue]
    /// The request member evaluated, for error messages.
    var kind = "ConditionExpression"

    func resolve(_ path: DocumentPath) throws(DynamoDBError) -> [ResolvedStep] {
        var steps: [ResolvedStep] = []
        steps.reserveCapacity(path.steps.count)
        for step in path.steps {
            switch step {
            case .member(.plain(let name)): steps.append(.member(name))
            case .member(.placeholder(let placeholder)):
                guard let name = names[placeholder] else {
                    throw .validation(
                        "Invalid \(kind): An expression attribute name used in the document path is not defined; "
                            + "attribute name: \(placeholder)")
                }
                steps.append(.member(name))
            case .element(let index): steps.append(.element(index))
            }
        }
        return steps
    }

    func value(_ placeholder: String) throws(DynamoDBError) -> AttributeValue {
        guard let value = values[placeholder] else {
            throw .validation(
                "Invalid \(kind): An expression attribute value used in expression is not defined; attribute value: \(placeholder)"
            )
        }
        return value
    }

    static func value(at steps: [ResolvedStep], in item: Item) -> AttributeValue? {
        guard case .member(let name)? = steps.first, var current = item[name] else { return nil }
        for step in steps.dropFirst() {
            switch (step, current) {
            case (.member(let name), .map(let members)):
                guard let next = members[name] else { return nil }
                current = next
            case (.element(let index), .list(let elements)):
                guard index < elements.count else { return nil }
                current = elements[index]
            default: return nil
            }
        }
        return current
    }

    func value(of path: DocumentPath, in item: Item) throws(DynamoDBError) -> AttributeValue? {
        Self.value(at: try resolve(path), in: item)
    }

    func operand(_ operand: Operand, in item: Item) throws(DynamoDBError) -> AttributeValue? {
        switch operand {
        case .path(let path): return try value(of: path, in: item)
        case .value(let placeholder): return try value(placeholder)
        case .size(let path):
            return try value(of: path, in: item)?.sizeFunctionValue.map { .number(DecimalNumber($0)) }
        }
    }

    /// A `:value` operand of an ordering operator or function must be of a type it accepts (else a
    /// ValidationException, whatever the item); an attribute of another type merely makes the condition false.
    private func requireOperandType(
        _ operand: Operand, _ function: String, accepts: (AttributeValue) -> Bool
    ) throws(DynamoDBError) {
        guard case .value(let placeholder) = operand else { return }
        let value = try value(placeholder)
        guard accepts(value) else {
            throw .validation(
                "Invalid \(kind): Incorrect operand type for operator or function; operator or function: \(function), "
                    + "operand type: \(value.typeCode)")
        }
    }

    func matches(_ condition: Condition, _ item: Item) throws(DynamoDBError) -> Bool {
        switch condition {
        // Spelled out: `&&` and `||` take autoclosures that would widen the typed throw.
        case .and(let left, let right):
            guard try matches(left, item) else { return false }
            return try matches(right, item)
        case .or(let left, let right):
            if try matches(left, item) { return true }
            return try matches(right, item)
        case .not(let inner): return try !matches(inner, item)
        case .attributeExists(let path): return try value(of: path, in: item) != nil
        case .attributeNotExists(let path): return try value(of: path, in: item) == nil
        case .attributeType(let path, let type):
            guard case .value(let placeholder) = type, case .string(let code) = try value(placeholder),
                AttributeValue.typeCodes.contains(code)
            else {
                throw .validation("Invalid \(kind): Invalid attribute type name found in attribute_type")
            }
            return try value(of: path, in: item)?.typeCode == code
        case .beginsWith(let subject, let prefix):
            try requireOperandType(prefix, "begins_with") { $0.typeCode == "S" || $0.typeCode == "B" }
            guard let subject = try operand(subject, in: item), let prefix = try operand(prefix, in: item) else {
                return false
            }
            return subject.begins(with: prefix)
        case .contains(let subject, let member):
            guard let subject = try operand(subject, in: item), let member = try operand(member, in: item) else {
                return false
            }
            return subject.contains(member)
        case .comparison(let left, let comparator, let right):
            if comparator != .equal && comparator != .notEqual {
                try requireOperandType(left, comparator.rawValue, accepts: \.isOrderable)
                try requireOperandType(right, comparator.rawValue, accepts: \.isOrderable)
            }
            return try compare(operand(left, in: item), comparator, operand(right, in: item))
        case .between(let subject, let low, let high):
            try requireOperandType(low, "BETWEEN", accepts: \.isOrderable)
            try requireOperandType(high, "BETWEEN", accepts: \.isOrderable)
            let lowValue = try operand(low, in: item)
            let highValue = try operand(high, in: item)
            if let lowValue, let highValue, lowValue.ordering(against: highValue) == .greater {
                throw .validation(
                    "Invalid \(kind): The BETWEEN operator requires upper bound to be greater than or equal to lower bound"
                )
            }
            let value = try operand(subject, in: item)
            return compare(value, .greaterOrEqual, lowValue) && compare(value, .lessOrEqual, highValue)
        case .membership(let subject, let candidates):
            guard let value = try operand(subject, in: item) else { return false }
            for candidate in candidates where try operand(candidate, in: item) == value { return true }
            return false
        }
    }

    /// A comparison with a missing side is false, except `<>`, which holds when the sides differ in any way.
    private func compare(_ left: AttributeValue?, _ comparator: Comparator, _ right: AttributeValue?) -> Bool {
        guard let left, let right else { return comparator == .notEqual && (left != nil || right != nil) }
        switch comparator {
        case .equal: return left == right
        case .notEqual: return left != right
        case .less: return left.ordering(against: right) == .less
        case .lessOrEqual: return [.less, .equal].contains(left.ordering(against: right))
        case .greater: return left.ordering(against: right) == .greater
        case .greaterOrEqual: return [.greater, .equal].contains(left.ordering(against: right))
        }
    }
}
