import JSON

/// An UpdateItem's `SET`/`REMOVE`/`ADD` clauses with every attribute name and value behind a placeholder (many
/// natural names, such as `value`, `key`, `date` and `line`, are DynamoDB reserved words).
struct UpdateExpression {
    private var sets: [String] = []
    private var removes: [String] = []
    private var adds: [String] = []
    private(set) var names: [String: JSONValue] = [:]
    private(set) var values: [String: JSONValue] = [:]

    mutating func name(_ attribute: String) -> String {
        let placeholder = "#n\(names.count)"
        names[placeholder] = .string(attribute)
        return placeholder
    }

    mutating func value(_ value: JSONValue) -> String {
        let placeholder = ":v\(values.count)"
        values[placeholder] = value
        return placeholder
    }

    mutating func set(_ attribute: String, _ newValue: JSONValue) {
        let name = name(attribute)
        sets.append("\(name) = \(value(newValue))")
    }

    mutating func set(_ attributes: [String: JSONValue]) {
        for (attribute, newValue) in attributes.sorted(by: { $0.key < $1.key }) { set(attribute, newValue) }
    }

    mutating func remove(_ attribute: String) {
        removes.append(name(attribute))
    }

    mutating func add(_ attribute: String, _ amount: JSONValue) {
        let name = name(attribute)
        adds.append("\(name) \(value(amount))")
    }

    /// The request members, with `condition` (written with placeholders from `name`/`value`) when given.
    func request(condition: String? = nil, returnValues: String? = nil) -> [String: JSONValue] {
        var clauses: [String] = []
        if !sets.isEmpty { clauses.append("SET " + sets.joined(separator: ", ")) }
        if !removes.isEmpty { clauses.append("REMOVE " + removes.joined(separator: ", ")) }
        if !adds.isEmpty { clauses.append("ADD " + adds.joined(separator: ", ")) }
        var request: [String: JSONValue] = ["UpdateExpression": .string(clauses.joined(separator: " "))]
        if !names.isEmpty { request["ExpressionAttributeNames"] = .object(names) }
        if !values.isEmpty { request["ExpressionAttributeValues"] = .object(values) }
        if let condition { request["ConditionExpression"] = .string(condition) }
        if let returnValues { request["ReturnValues"] = .string(returnValues) }
        return request
    }
}
