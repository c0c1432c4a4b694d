import JSON

/// GetItem, PutItem, UpdateItem and DeleteItem.
extension DynamoDBService {
    func getItem(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(
            body, context: "GetItem",
            allowed: ["TableName", "Key", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames"])
        let table = try table(try fields.requiredString("TableName"))
        let key = try table.key(fromJSON: fields.members["Key"])
        _ = try fields.bool("ConsistentRead")
        var inputs = try ExpressionInputs(fields)
        let projection = try fields.string("ProjectionExpression").map { text throws(DynamoDBError) in
            try expressions.projection(text)
        }
        inputs.use(projection)
        try inputs.check()
        guard var item = table.item(at: key) else { return [:] }
        if let projection { item = try project(item, projection, inputs) }
        return ["Item": AttributeValue.json(item)]
    }

    func project(_ item: Item, _ projection: Parsed<[DocumentPath]>, _ inputs: ExpressionInputs) throws(DynamoDBError)
        -> Item
    {
        let evaluator = inputs.evaluator(kind: "ProjectionExpression")
        var paths: [[ResolvedStep]] = []
        for path in projection.tree { paths.append(try evaluator.resolve(path)) }
        return ItemProjection.project(item, paths)
    }

    private static let writeMembers = WriteAction.commonMembers.union(["ReturnValues"])

    func putItem(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(body, context: "PutItem", allowed: Self.writeMembers.union(["Item"]))
        let returnValues = try returnValues(fields, allowed: ["NONE", "ALL_OLD"])
        return try write(WriteAction(fields, kind: "Put", service: self), returnValues: returnValues)
    }

    func updateItem(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(
            body, context: "UpdateItem", allowed: Self.writeMembers.union(["Key", "UpdateExpression"]))
        let returnValues = try returnValues(
            fields, allowed: ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])
        return try write(WriteAction(fields, kind: "Update", service: self), returnValues: returnValues)
    }

    func deleteItem(_ body: JSONValue) throws(DynamoDBError) -> JSONValue {
        let fields = try RequestFields(body, context: "DeleteItem", allowed: Self.writeMembers.union(["Key"]))
        let returnValues = try returnValues(fields, allowed: ["NONE", "ALL_OLD"])
        return try write(WriteAction(fields, kind: "Delete", service: self), returnValues: returnValues)
    }

    private func returnValues(_ fields: RequestFields, allowed: [String]) throws(DynamoDBError) -> String {
        let value = try fields.string("ReturnValues") ?? "NONE"
        guard allowed.contains(value) else {
            throw .validation("ReturnValues can only be \(allowed.joined(separator: " or ")) for \(fields.context)")
        }
        return value
    }

    private func write(_ action: WriteAction, returnValues: String) throws(DynamoDBError) -> JSONValue {
        let old = action.table.item(at: action.key)
        let (new, updated) = try action.outcome(old: old)
        commit(action.table, key: action.key, old: old, new: new)
        let attributes: Item?
        switch returnValues {
        case "ALL_OLD": attributes = old
        case "ALL_NEW": attributes = new
        case "UPDATED_OLD": attributes = old.map { ItemProjection.project($0, updated) }
        case "UPDATED_NEW": attributes = new.map { ItemProjection.project($0, updated) }
        default: attributes = nil
        }
        guard let attributes, !attributes.isEmpty else { return [:] }
        return ["Attributes": AttributeValue.json(attributes)]
    }
}
