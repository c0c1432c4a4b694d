import JSON

/// One write as PutItem, UpdateItem, DeleteItem or a TransactWriteItems action describes it, parsed and checked
/// before anything changes: the single-item operations and transactions share it, so they agree on every rule.
struct WriteAction {
    enum Kind {
        case put(Item)
        case update(Parsed<UpdateTree>?)
        case delete
        case conditionCheck
    }

    let table: Table
    let key: PrimaryKey
    let kind: Kind
    let condition: Parsed<Condition>?
    let inputs: ExpressionInputs
    let returnsOldOnFailure: Bool

    static let commonMembers: Set<String> = [
        "TableName", "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
        "ReturnValuesOnConditionCheckFailure",
    ]

    /// Parses `fields` as the `kind` of write (`Put`, `Update`, `Delete`, `ConditionCheck`).
    init(_ fields: RequestFields, kind name: String, service: DynamoDBService) throws(DynamoDBError) {
        table = try service.table(try fields.requiredString("TableName"))
        var inputs = try ExpressionInputs(fields)
        switch name {
        case "Put":
            guard let members = try fields.object("Item") else { throw fields.missing("Item") }
            let item = try AttributeValue.item(members)
            key = try table.key(ofItem: item)
            try table.validateForStorage(item)
            kind = .put(item)
        case "Update":
            key = try table.key(fromJSON: fields.members["Key"])
            let update = try fields.string("UpdateExpression").map { text throws(DynamoDBError) in
                try service.expressions.update(text)
            }
            inputs.use(update)
            kind = .update(update)
        case "Delete":
            key = try table.key(fromJSON: fields.members["Key"])
            kind = .delete
        default:
            key = try table.key(fromJSON: fields.members["Key"])
            guard fields.has("ConditionExpression") else { throw fields.missing("ConditionExpression") }
            kind = .conditionCheck
        }
        condition = try fields.string("ConditionExpression").map { text throws(DynamoDBError) in
            try service.expressions.condition(text, kind: "ConditionExpression")
        }
        inputs.use(condition)
        try inputs.check()
        self.inputs = inputs
        switch try fields.string("ReturnValuesOnConditionCheckFailure") ?? "NONE" {
        case "NONE": returnsOldOnFailure = false
        case "ALL_OLD": returnsOldOnFailure = true
        case let other:
            throw .validation("ReturnValuesOnConditionCheckFailure must be NONE or ALL_OLD, not \(other)")
        }
    }

    /// Whether the condition (if any) holds for the item as it is (a missing item has no attributes).
    func conditionHolds(on old: Item?) throws(DynamoDBError) -> Bool {
        guard let condition else { return true }
        return try inputs.evaluator(kind: "ConditionExpression").matches(condition.tree, old ?? [:])
    }

    /// The item after the write (nil: none), and the paths an update touched.
    func newItem(from old: Item?) throws(DynamoDBError) -> (item: Item?, updated: [[ResolvedStep]]) {
        switch kind {
        case .put(let item): return (item, [])
        case .delete: return (nil, [])
        case .conditionCheck: return (old, [])
        case .update(let update):
            let start = old ?? table.keyItem(key)
            guard let update else { return (start, []) }
            let applier = UpdateApplier(
                evaluator: inputs.evaluator(kind: "UpdateExpression"), keyNames: table.keySchema.names)
            let (item, paths) = try applier.apply(update.tree, to: start)
            try table.validateForStorage(item)
            return (item, paths)
        }
    }

    /// Checks the condition and computes the new item; a failed condition is ConditionalCheckFailedException.
    func outcome(old: Item?) throws(DynamoDBError) -> (item: Item?, updated: [[ResolvedStep]]) {
        guard try conditionHolds(on: old) else {
            throw .conditionalCheckFailed(item: returnsOldOnFailure ? old : nil)
        }
        return try newItem(from: old)
    }
}
