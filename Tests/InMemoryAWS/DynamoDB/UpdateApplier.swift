/// Applies a parsed update expression to an item the way UpdateItem does: every `SET` value is computed from the
/// item as it was, then the clauses change a copy; paths may not overlap, key attributes may not change.
struct UpdateApplier {
    let evaluator: ExpressionEvaluator
    let keyNames: [String]

    /// The new item and the (resolved) paths the update touched, for UPDATED_OLD / UPDATED_NEW.
    func apply(_ tree: UpdateTree, to old: Item) throws(DynamoDBError) -> (item: Item, paths: [[ResolvedStep]]) {
        var resolved: [[ResolvedStep]] = []
        for path in tree.allPaths { resolved.append(try evaluator.resolve(path)) }
        try checkPaths(resolved)
        var assignments: [([ResolvedStep], AttributeValue)] = []
        for (index, action) in tree.sets.enumerated() {
            assignments.append((resolved[index], try value(of: action.value, in: old)))
        }
        var item = old
        for (steps, value) in assignments { try Self.set(value, at: steps[...], in: &item) }
        let removeStart = tree.sets.count
        let removals = resolved[removeStart..<(removeStart + tree.removes.count)]
        // Later list elements first, so that removing one does not shift another still to remove.
        for steps in removals.sorted(by: Self.removalOrder) { try Self.remove(at: steps[...], in: &item) }
        let addStart = removeStart + tree.removes.count
        for (offset, action) in tree.adds.enumerated() {
            try add(try evaluator.value(action.value), at: resolved[addStart + offset], in: &item)
        }
        let deleteStart = addStart + tree.adds.count
        for (offset, action) in tree.deletes.enumerated() {
            try delete(try evaluator.value(action.value), at: resolved[deleteStart + offset], in: &item)
        }
        return (item, resolved)
    }

    private func checkPaths(_ paths: [[ResolvedStep]]) throws(DynamoDBError) {
        for path in paths {
            if case .member(let name)? = path.first, keyNames.contains(name) {
                throw .validation(
                    "One or more parameter values were invalid: Cannot update attribute \(name). This attribute is part of the key"
                )
            }
        }
        for (index, first) in paths.enumerated() {
            for second in paths[(index + 1)...] where first.starts(with: second) || second.starts(with: first) {
                throw .validation(
                    "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one "
                        + "of these paths; path one: \(first), path two: \(second)")
            }
        }
    }

    private static func removalOrder(_ left: [ResolvedStep], _ right: [ResolvedStep]) -> Bool {
        if case .element(let leftIndex)? = left.last, case .element(let rightIndex)? = right.last {
            return leftIndex > rightIndex
        }
        return false
    }

    private func incorrectOperand(_ function: String, _ value: AttributeValue) -> DynamoDBError {
        .validation(
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: "
                + "\(function), operand type: \(value.typeCode)")
    }

    private func value(of setValue: SetValue, in item: Item) throws(DynamoDBError) -> AttributeValue {
        switch setValue {
        case .operand(let operand): return try value(of: operand, in: item)
        case .sum(let left, let right), .difference(let left, let right):
            let function: String
            if case .sum = setValue { function = "+" } else { function = "-" }
            let leftValue = try value(of: left, in: item)
            let rightValue = try value(of: right, in: item)
            guard case .number(let first) = leftValue else { throw incorrectOperand(function, leftValue) }
            guard case .number(let second) = rightValue else { throw incorrectOperand(function, rightValue) }
            return .number(function == "+" ? try first.adding(second) : try first.subtracting(second))
        }
    }

    private func value(of operand: SetOperand, in item: Item) throws(DynamoDBError) -> AttributeValue {
        switch operand {
        case .value(let placeholder): return try evaluator.value(placeholder)
        case .path(let path):
            guard let value = try evaluator.value(of: path, in: item) else {
                throw .validation(
                    "The provided expression refers to an attribute that does not exist in the item")
            }
            return value
        case .ifNotExists(let path, let fallback):
            if let existing = try evaluator.value(of: path, in: item) { return existing }
            return try value(of: fallback, in: item)
        case .listAppend(let first, let second):
            let head = try value(of: first, in: item)
            let tail = try value(of: second, in: item)
            guard case .list(let headElements) = head else { throw incorrectOperand("list_append", head) }
            guard case .list(let tailElements) = tail else { throw incorrectOperand("list_append", tail) }
            return .list(headElements + tailElements)
        }
    }

    private func add(_ amount: AttributeValue, at steps: [ResolvedStep], in item: inout Item) throws(DynamoDBError) {
        guard steps.count == 1, case .member(let name) = steps[0] else {
            throw .unsupported("ADD on a nested attribute")
        }
        switch (item[name], amount) {
        case (nil, .number), (nil, .stringSet), (nil, .numberSet), (nil, .binarySet): item[name] = amount
        case (.number(let current)?, .number(let delta)): item[name] = .number(try current.adding(delta))
        case (.stringSet(let current)?, .stringSet(let more)):
            item[name] = .stringSet(
                current + more.filter { member in !current.contains { $0.utf8.elementsEqual(member.utf8) } })
        case (.numberSet(let current)?, .numberSet(let more)):
            item[name] = .numberSet(current + more.filter { !current.contains($0) })
        case (.binarySet(let current)?, .binarySet(let more)):
            item[name] = .binarySet(current + more.filter { !current.contains($0) })
        default:
            throw incorrectOperand("ADD", item[name] ?? amount)
        }
    }

    private func delete(_ members: AttributeValue, at steps: [ResolvedStep], in item: inout Item) throws(DynamoDBError)
    {
        guard steps.count == 1, case .member(let name) = steps[0] else {
            throw .unsupported("DELETE on a nested attribute")
        }
        let remaining: AttributeValue?
        switch (item[name], members) {
        case (nil, .stringSet), (nil, .numberSet), (nil, .binarySet): return
        case (.stringSet(let current)?, .stringSet(let gone)):
            let kept = current.filter { member in !gone.contains { $0.utf8.elementsEqual(member.utf8) } }
            remaining = kept.isEmpty ? nil : .stringSet(kept)
        case (.numberSet(let current)?, .numberSet(let gone)):
            let kept = current.filter { !gone.contains($0) }
            remaining = kept.isEmpty ? nil : .numberSet(kept)
        case (.binarySet(let current)?, .binarySet(let gone)):
            let kept = current.filter { !gone.contains($0) }
            remaining = kept.isEmpty ? nil : .binarySet(kept)
        default:
            throw incorrectOperand("DELETE", item[name] ?? members)
        }
        item[name] = remaining
    }

    private static func invalidPath() -> DynamoDBError {
        .validation("The document path provided in the update expression is invalid for update")
    }

    static func set(_ value: AttributeValue, at steps: ArraySlice<ResolvedStep>, in item: inout Item)
        throws(DynamoDBError)
    {
        guard case .member(let name)? = steps.first else { throw invalidPath() }
        if steps.count == 1 {
            item[name] = value
            return
        }
        guard let container = item[name] else { throw invalidPath() }
        item[name] = try setting(value, at: steps.dropFirst(), in: container)
    }

    private static func setting(
        _ value: AttributeValue, at steps: ArraySlice<ResolvedStep>, in container: AttributeValue
    )
        throws(DynamoDBError) -> AttributeValue
    {
        guard let step = steps.first else { return value }
        switch (step, container) {
        case (.member(let name), .map(var members)):
            if steps.count == 1 {
                members[name] = value
            } else {
                guard let inner = members[name] else { throw invalidPath() }
                members[name] = try setting(value, at: steps.dropFirst(), in: inner)
            }
            return .map(members)
        case (.element(let index), .list(var elements)):
            if index >= elements.count {
                guard steps.count == 1 else { throw invalidPath() }
                elements.append(value)
            } else {
                elements[index] = try setting(value, at: steps.dropFirst(), in: elements[index])
            }
            return .list(elements)
        default:
            throw invalidPath()
        }
    }

    static func remove(at steps: ArraySlice<ResolvedStep>, in item: inout Item) throws(DynamoDBError) {
        guard case .member(let name)? = steps.first else { throw invalidPath() }
        if steps.count == 1 {
            item[name] = nil
            return
        }
        guard let container = item[name] else { return }
        item[name] = try removing(at: steps.dropFirst(), in: container)
    }

    private static func removing(at steps: ArraySlice<ResolvedStep>, in container: AttributeValue) throws(DynamoDBError)
        -> AttributeValue
    {
        guard let step = steps.first else { return container }
        switch (step, container) {
        case (.member(let name), .map(var members)):
            if steps.count == 1 {
                members[name] = nil
            } else if let inner = members[name] {
                members[name] = try removing(at: steps.dropFirst(), in: inner)
            }
            return .map(members)
        case (.element(let index), .list(var elements)):
            guard index < elements.count else { return container }
            if steps.count == 1 {
                elements.remove(at: index)
            } else {
                elements[index] = try removing(at: steps.dropFirst(), in: elements[index])
            }
            return .list(elements)
        default:
            throw invalidPath()
        }
    }
}
