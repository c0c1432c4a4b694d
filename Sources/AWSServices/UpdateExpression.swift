import JSON

/// An UpdateItem's `SET`/`REMOVE`/`ADD`/`DELETE` clauses with every attribute name and value behind a placeholder (many
/// natural names, such as `value`, `key`, `date`, `rows` and `status`, are DynamoDB reserved words).
///
/// Placeholders are numbered in the order they are asked for (`#n0`, `#n1`, ... and `:v0`, `:v1`, ...), and a
/// condition uses the same ones: ask `name`/`value` for what it compares, then pass it to `request`.
public struct UpdateExpression: Sendable {
    private var sets: [String] = []
    private var removes: [String] = []
    private var adds: [String] = []
    private var deletes: [String] = []
    public private(set) var names: [String: JSONValue] = [:]
    public private(set) var values: [String: JSONValue] = [:]

    public init() {}

    /// A new placeholder for `attribute`'s name.
    public mutating func name(_ attribute: String) -> String {
        let placeholder = "#n\(names.count)"
        names[placeholder] = .string(attribute)
        return placeholder
    }

    /// A new placeholder for `value` (an attribute value: `{"S": ...}`, `{"N": ...}`).
    public mutating func value(_ value: JSONValue) -> String {
        let placeholder = ":v\(values.count)"
        values[placeholder] = value
        return placeholder
    }

    public mutating func set(_ attribute: String, _ newValue: JSONValue) {
        let name = name(attribute)
        sets.append("\(name) = \(value(newValue))")
    }

    /// Sets each attribute, in the order of their names (so the same attributes make the same expression).
    public mutating func set(_ attributes: [String: JSONValue]) {
        for (attribute, newValue) in attributes.sorted(by: { $0.key < $1.key }) { set(attribute, newValue) }
    }

    public mutating func remove(_ attribute: String) {
        removes.append(name(attribute))
    }

    /// Adds `amount` to a number, or its members to a set (`{"NS": [...]}`); the attribute is made if missing.
    public mutating func add(_ attribute: String, _ amount: JSONValue) {
        let name = name(attribute)
        adds.append("\(name) \(value(amount))")
    }

    /// Takes `members` (`{"SS": [...]}`) out of a set; a set left empty is removed.
    public mutating func delete(_ attribute: String, _ members: JSONValue) {
        let name = name(attribute)
        deletes.append("\(name) \(value(members))")
    }

    /// The request members, with `condition` (written with placeholders from `name`/`value`) when given, and
    /// `returnValues` (`ALL_OLD`, `ALL_NEW`, `UPDATED_NEW`, ...) when given.
    public func request(condition: String? = nil, returnValues: String? = nil) -> [String: JSONValue] {
        var clauses: [String] = []
        if !sets.isEmpty { clauses.append("SET " + sets.joined(separator: ", ")) }
        if !removes.isEmpty { clauses.append("REMOVE " + removes.joined(separator: ", ")) }
        if !adds.isEmpty { clauses.append("ADD " + adds.joined(separator: ", ")) }
        if !deletes.isEmpty { clauses.append("DELETE " + deletes.joined(separator: ", ")) }
        var request: [String: JSONValue] = ["UpdateExpression": .string(clauses.joined(separator: " "))]
        if !names.isEmpty { request["ExpressionAttributeNames"] = .object(names) }
        if !values.isEmpty { request["ExpressionAttributeValues"] = .object(values) }
        if let condition { request["ConditionExpression"] = .string(condition) }
        if let returnValues { request["ReturnValues"] = .string(returnValues) }
        return request
    }
}
