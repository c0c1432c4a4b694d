/// A JSON value that is well-formed but not the shape expected: names the field and what was found.
public struct JSONDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where, as a dotted path (`Records[0].s3.object.key`).
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Typed reads from a JSON object, each naming the field's path in its error: decoding at the edge, so the rest
/// of the code never walks raw JSON.
public struct JSONFields: Sendable {
    public let path: String
    public let members: [String: JSONValue]

    public init(_ value: JSONValue, path: String = "") throws(JSONDecodingError) {
        guard case .object(let members) = value else {
            throw JSONDecodingError(
                path: path.isEmpty ? "(top)" : path, reason: "expected an object, found \(value.kind)")
        }
        self.path = path
        self.members = members
    }

    private func name(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private func missing(_ key: String, _ expected: String) -> JSONDecodingError {
        JSONDecodingError(path: name(key), reason: "missing (expected \(expected))")
    }

    private func mistyped(_ key: String, _ expected: String, _ found: JSONValue) -> JSONDecodingError {
        JSONDecodingError(path: name(key), reason: "expected \(expected), found \(found.kind)")
    }

    public func value(_ key: String) throws(JSONDecodingError) -> JSONValue {
        guard let value = members[key] else { throw missing(key, "a value") }
        return value
    }

    /// nil when absent or null.
    public func optionalValue(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    public func string(_ key: String) throws(JSONDecodingError) -> String {
        guard let value = members[key] else { throw missing(key, "a string") }
        guard let text = value.stringValue else { throw mistyped(key, "a string", value) }
        return text
    }

    public func optionalString(_ key: String) throws(JSONDecodingError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        guard let text = value.stringValue else { throw mistyped(key, "a string", value) }
        return text
    }

    public func int(_ key: String) throws(JSONDecodingError) -> Int {
        guard let value = members[key] else { throw missing(key, "an integer") }
        guard let number = value.intValue else { throw mistyped(key, "an integer", value) }
        return number
    }

    public func optionalInt(_ key: String) throws(JSONDecodingError) -> Int? {
        guard let value = optionalValue(key) else { return nil }
        guard let number = value.intValue else { throw mistyped(key, "an integer", value) }
        return number
    }

    public func optionalBool(_ key: String) throws(JSONDecodingError) -> Bool? {
        guard let value = optionalValue(key) else { return nil }
        guard let flag = value.boolValue else { throw mistyped(key, "a boolean", value) }
        return flag
    }

    public func object(_ key: String) throws(JSONDecodingError) -> JSONFields {
        try JSONFields(try value(key), path: name(key))
    }

    public func optionalObject(_ key: String) throws(JSONDecodingError) -> JSONFields? {
        guard let value = optionalValue(key) else { return nil }
        return try JSONFields(value, path: name(key))
    }

    /// The elements of an array of objects.
    public func objects(_ key: String) throws(JSONDecodingError) -> [JSONFields] {
        let value = try value(key)
        guard let elements = value.arrayValue else { throw mistyped(key, "an array", value) }
        var fields: [JSONFields] = []
        for (position, element) in elements.enumerated() {
            fields.append(try JSONFields(element, path: "\(name(key))[\(position)]"))
        }
        return fields
    }

    /// A map of strings to strings (headers, query strings); null means empty.
    public func optionalStringMap(_ key: String) throws(JSONDecodingError) -> [String: String] {
        guard let value = optionalValue(key) else { return [:] }
        guard let members = value.objectValue else { throw mistyped(key, "an object", value) }
        var map: [String: String] = [:]
        for (field, element) in members {
            guard let text = element.stringValue else { throw mistyped("\(key).\(field)", "a string", element) }
            map[field] = text
        }
        return map
    }
}
