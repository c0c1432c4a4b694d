import JSON

/// TransactWriteItems: up to 100 Put, Update, Delete and ConditionCheck actions on distinct items, all applied or
/// none. A failed condition cancels the whole transaction with one reason per action, in order.
extension DynamoDBService {
    func transactWriteItems(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(body, context: "TransactWriteItems", allowed: ["TransactItems"])
        guard let entries = try fields.array("TransactItems"), !entries.isEmpty else {
            throw fields.missing("TransactItems")
        }
        guard entries.count <= 100 else {
            throw .validation("Member must have length less than or equal to 100 (TransactItems has \(entries.count))")
        }
        var actions: [WriteAction] = []
        var targets: Set<String> = []
        for (position, entry) in entries.enumerated() {
            guard case .object(let members) = entry, members.count == 1, let (kind, request) = members.first else {
                throw .validation(
                    "TransactItems[\(position)] must hold exactly one of Put, Update, Delete, ConditionCheck")
            }
            let allowed: Set<String>
            switch kind {
            case "Put": allowed = WriteAction.commonMembers.union(["Item"])
            case "Update": allowed = WriteAction.commonMembers.union(["Key", "UpdateExpression"])
            case "Delete", "ConditionCheck": allowed = WriteAction.commonMembers.union(["Key"])
            default: throw .unsupported("the transaction action \(kind)")
            }
            let action = try WriteAction(
                RequestFields(request, context: "TransactItems[\(position)].\(kind)", allowed: allowed), kind: kind,
                service: self)
            // The table and the key, as one identity across tables.
            guard targets.insert("\(action.table.name)\u{0}\(action.key)").inserted else {
                throw .validation("Transaction request cannot include multiple operations on one item")
            }
            actions.append(action)
        }
        var outcomes: [(old: Item?, new: Item?)] = []
        var reasons: [JSONValue] = []
        var cancelled = false
        for action in actions {
            let old = action.table.item(at: action.key)
            do throws(DynamoDBError) {
                guard try action.conditionHolds(on: old) else {
                    cancelled = true
                    var reason: [String: JSONValue] = [
                        "Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
                    ]
                    if action.returnsOldOnFailure, let old { reason["Item"] = AttributeValue.json(old) }
                    reasons.append(.object(reason))
                    continue
                }
                outcomes.append((old, try action.newItem(from: old).item))
                reasons.append(["Code": "None"])
            } catch {
                cancelled = true
                reasons.append(["Code": "ValidationError", "Message": .string(error.message)])
            }
        }
        guard !cancelled else {
            let codes = reasons.map { $0["Code"]?.stringValue ?? "None" }.joined(separator: ", ")
            var error = DynamoDBError(
                code: "TransactionCanceledException",
                message: "Transaction cancelled, please refer cancellation reasons for specific reasons [\(codes)]")
            error.cancellationReasons = reasons
            throw error
        }
        for (action, outcome) in zip(actions, outcomes) {
            commit(action.table, key: action.key, old: outcome.old, new: outcome.new)
        }
        return [:]
    }
}
