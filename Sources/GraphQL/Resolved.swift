import JSON

/// What a field resolves to: a JSON value (an object's fields looked up by name), an object computing its fields,
/// or a list of either.
public indirect enum Resolved {
    case json(JSONValue)
    case object(any ObjectValue)
    case list([Resolved])
}

public protocol ObjectValue {
    func value(of field: String, arguments: [String: JSONValue]) -> Resolved
}

/// Resolves a root field from its coerced arguments; a thrown error becomes a field error (null, with the error).
public typealias Resolver = ([String: JSONValue]) throws(GraphQLError) -> Resolved
