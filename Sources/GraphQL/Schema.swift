import JSON

/// A schema of object, enum and scalar types with one query root (section 3): what the executor validates a
/// document against, what introspection describes. No interfaces, unions or input objects: the API needs none.
public final class Schema: @unchecked Sendable {
    public let description: String?
    public let queryType: ObjectType
    /// Every named type, introspection's own included, by name.
    public let types: [String: NamedType]
    public let directives: [DirectiveDefinition]

    public init(description: String?, query: ObjectType, objects: [ObjectType], enums: [EnumType]) {
        self.description = description
        queryType = query
        var types: [String: NamedType] = [:]
        for scalar in ScalarType.builtIn { types[scalar.name] = .scalar(scalar) }
        for type in Introspection.enums + enums { types[type.name] = .enumeration(type) }
        for type in [query] + objects + Introspection.objects { types[type.name] = .object(type) }
        self.types = types
        directives = DirectiveDefinition.builtIn
    }

    func object(_ name: String) -> ObjectType? {
        if case .object(let type)? = types[name] { return type }
        return nil
    }
}

public enum NamedType: Sendable {
    case scalar(ScalarType)
    case object(ObjectType)
    case enumeration(EnumType)

    public var name: String {
        switch self {
        case .scalar(let type): return type.name
        case .object(let type): return type.name
        case .enumeration(let type): return type.name
        }
    }

    var description: String? {
        switch self {
        case .scalar(let type): return type.description
        case .object(let type): return type.description
        case .enumeration(let type): return type.description
        }
    }

    var isLeaf: Bool {
        if case .object = self { return false }
        return true
    }
}

public struct ScalarType: Sendable {
    public let name: String
    public let description: String

    static let string = ScalarType(name: "String", description: "UTF-8 text.")
    static let int = ScalarType(name: "Int", description: "A signed 32-bit integer.")
    static let float = ScalarType(name: "Float", description: "A double-precision floating-point number.")
    static let boolean = ScalarType(name: "Boolean", description: "true or false.")
    static let id = ScalarType(name: "ID", description: "A unique identifier, serialized as a string.")
    static let builtIn = [string, int, float, boolean, id]
}

public struct EnumType: Sendable {
    public let name: String
    public let description: String?
    public let values: [(name: String, description: String?)]

    public init(name: String, description: String?, values: [(name: String, description: String?)]) {
        self.name = name
        self.description = description
        self.values = values
    }
}

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

public struct DirectiveDefinition: Sendable {
    public let name: String
    public let description: String
    public let locations: [String]
    public let arguments: [InputValueDefinition]

    static let builtIn = [
        DirectiveDefinition(
            name: "include", description: "Includes this field or fragment only when `if` is true.",
            locations: ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
            arguments: [InputValueDefinition("if", .nonNull(.named("Boolean")), description: "Included when true.")]),
        DirectiveDefinition(
            name: "skip", description: "Skips this field or fragment when `if` is true.",
            locations: ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
            arguments: [InputValueDefinition("if", .nonNull(.named("Boolean")), description: "Skipped when true.")]),
        DirectiveDefinition(
            name: "deprecated", description: "Marks an element of the schema as no longer supported.",
            locations: ["FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE"],
            arguments: [
                InputValueDefinition(
                    "reason", .named("String"), description: "Why, and what to use instead.",
                    default: "No longer supported")
            ]),
        DirectiveDefinition(
            name: "specifiedBy", description: "Names the specification of a custom scalar.", locations: ["SCALAR"],
            arguments: [InputValueDefinition("url", .nonNull(.named("String")), description: "The specification.")]),
    ]
}
