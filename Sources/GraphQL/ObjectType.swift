import JSON

/// An object type: named fields, each of a type, resolved by its resolver or looked up in its parent's value.
public final class ObjectType: @unchecked Sendable {
    public let name: String
    public let description: String?
    public let fields: [FieldDefinition]

    public init(name: String, description: String?, fields: [FieldDefinition]) {
        self.name = name
        self.description = description
        self.fields = fields
    }

    func field(_ name: String) -> FieldDefinition? { fields.first { $0.name == name } }
}

/// A field of an object type: its arguments, its type and, for a root field, how it resolves.
public struct FieldDefinition {
    public let name: String
    public let description: String?
    public let arguments: [InputValueDefinition]
    public let type: TypeReference
    public let resolve: Resolver?

    public init(
        _ name: String, _ type: TypeReference, description: String? = nil, arguments: [InputValueDefinition] = [],
        resolve: Resolver? = nil
    ) {
        self.name = name
        self.description = description
        self.arguments = arguments
        self.type = type
        self.resolve = resolve
    }
}

/// An argument of a field or a directive: its name, type and default.
public struct InputValueDefinition: Sendable {
    public let name: String
    public let description: String?
    public let type: TypeReference
    /// The default as GraphQL source text (`100`), and as the value it coerces to.
    public let defaultValue: (text: String, value: JSONValue)?

    public init(_ name: String, _ type: TypeReference, description: String? = nil, default value: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.type = type
        defaultValue = value.map { ($0.serialized, $0) }
    }
}
