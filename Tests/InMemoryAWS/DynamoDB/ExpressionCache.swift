/// Parsed expressions by their text: the product sends the same few expressions (with different placeholder values)
/// millions of times in a simulation, so each is tokenized and parsed once. Failures are cached too.
final class ExpressionCache {
    private var conditions: [String: Result<Parsed<Condition>, DynamoDBError>] = [:]
    private var updates: [String: Result<Parsed<UpdateTree>, DynamoDBError>] = [:]
    private var projections: [String: Result<Parsed<[DocumentPath]>, DynamoDBError>] = [:]
    /// A bound, should a caller build unique texts (the cache then starts over rather than grow without end).
    private let capacity = 10_000

    /// A condition-shaped expression; `kind` (`ConditionExpression`, `FilterExpression`, `KeyConditionExpression`)
    /// is part of the key because error messages name it.
    func condition(_ text: String, kind: String) throws(DynamoDBError) -> Parsed<Condition> {
        let key = kind + "\u{0}" + text
        if let cached = conditions[key] { return try cached.get() }
        if conditions.count >= capacity { conditions = [:] }
        let result = Result { () throws(DynamoDBError) in try ExpressionParser.condition(text, kind: kind) }
        conditions[key] = result
        return try result.get()
    }

    func update(_ text: String) throws(DynamoDBError) -> Parsed<UpdateTree> {
        if let cached = updates[text] { return try cached.get() }
        if updates.count >= capacity { updates = [:] }
        let result = Result { () throws(DynamoDBError) in try ExpressionParser.update(text) }
        updates[text] = result
        return try result.get()
    }

    func projection(_ text: String) throws(DynamoDBError) -> Parsed<[DocumentPath]> {
        if let cached = projections[text] { return try cached.get() }
        if projections.count >= capacity { projections = [:] }
        let result = Result { () throws(DynamoDBError) in try ExpressionParser.projection(text) }
        projections[text] = result
        return try result.get()
    }
}
