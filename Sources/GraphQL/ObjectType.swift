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
    /// How many items the field's page holds at most, from its coerced arguments, where its `limit` or `first`
    /// argument alone would overstate it (a page of days no longer than the days asked for); see `CostAnalysis`.
    public let listSize: ListSize?

    public init(
        _ name: String, _ type: TypeReference, description: String? = nil, arguments: [InputValueDefinition] = [],
        listSize: ListSize? = nil, resolve: Resolver? = nil
    ) {
        self.name = name
        self.description = description
        self.arguments = arguments
        self.type = type
        self.listSize = listSize
        self.resolve = resolve
    }
}

/// A field's page size from its coerced arguments; nil when it cannot tell.
public typealias ListSize = ([String: JSONValue]) -> Int?

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
