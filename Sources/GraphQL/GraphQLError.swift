import JSON

/// An error as the response's `errors` list holds it (section 7.1.2): a message, where in the document, and for a
/// field error the response path; `extensions` carries a stable code where there is one.
public struct GraphQLError: Error, Equatable, Sendable {
    public var message: String
    public var locations: [SourceLocation]
    public var path: [JSONValue]?
    public var extensions: [String: JSONValue]?

    public init(
        _ message: String, locations: [SourceLocation] = [], path: [JSONValue]? = nil,
        extensions: [String: JSONValue]? = nil
    ) {
        self.message = message
        self.locations = locations
        self.path = path
        self.extensions = extensions
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = ["message": .string(message)]
        if !locations.isEmpty {
            object["locations"] = .array(
                locations.map { ["line": .integer($0.line), "column": .integer($0.column)] })
        }
        if let path { object["path"] = .array(path) }
        if let extensions { object["extensions"] = .object(extensions) }
        return .object(object)
    }
}
