import JSON

/// A request's members, read at the edge: a member this service does not implement is a ValidationException
/// naming it (never silently ignored), and each read checks the member's JSON type.
struct RequestFields {
    let members: [String: JSONValue]
    /// Where the members come from (`PutItem`, `TransactItems[2].Update`), for messages.
    let context: String

    /// Members accepted when they ask for nothing (`"NONE"`): capacity and collection metrics are not modelled.
    private static let acceptedWhenNone: Set<String> = ["ReturnConsumedCapacity", "ReturnItemCollectionMetrics"]

    init(_ json: JSONValue, context: String, allowed: Set<String>) throws(DynamoDBError) {
        guard case .object(let members) = json else { throw .validation("\(context): expected a JSON object") }
        for (name, value) in members where !allowed.contains(name) {
            if Self.acceptedWhenNone.contains(name) && value == "NONE" { continue }
            throw .unsupported("the parameter \(name) of \(context)")
        }
        self.members = members
        self.context = context
    }

    func has(_ name: String) -> Bool { members[name].map { $0 != .null } ?? false }

    func string(_ name: String) throws(DynamoDBError) -> String? {
        guard let value = members[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw mistyped(name, "a string") }
        return text
    }

    func requiredString(_ name: String) throws(DynamoDBError) -> String {
        guard let text = try string(name) else { throw missing(name) }
        return text
    }

    func bool(_ name: String) throws(DynamoDBError) -> Bool? {
        guard let value = members[name], value != .null else { return nil }
        guard let flag = value.boolValue else { throw mistyped(name, "a boolean") }
        return flag
    }

    func int(_ name: String) throws(DynamoDBError) -> Int? {
        guard let value = members[name], value != .null else { return nil }
        guard let number = value.intValue else { throw mistyped(name, "an integer") }
        return number
    }

    func object(_ name: String) throws(DynamoDBError) -> [String: JSONValue]? {
        guard let value = members[name], value != .null else { return nil }
        guard let object = value.objectValue else { throw mistyped(name, "an object") }
        return object
    }

    func array(_ name: String) throws(DynamoDBError) -> [JSONValue]? {
        guard let value = members[name], value != .null else { return nil }
        guard let array = value.arrayValue else { throw mistyped(name, "a list") }
        return array
    }

    func missing(_ name: String) -> DynamoDBError {
        .validation(
            "1 validation error detected: Value null at '\(name)' failed to satisfy constraint: Member must not be null"
        )
    }

    private func mistyped(_ name: String, _ expected: String) -> DynamoDBError {
        .validation("\(context): \(name) must be \(expected)")
    }
}
