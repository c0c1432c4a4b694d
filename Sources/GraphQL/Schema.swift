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

    /// The field `name` of `type` as a document may ask for it: its own, `__typename`, or on the query root
    /// introspection's `__schema` and `__type`.
    func field(_ name: String, on type: ObjectType) -> FieldDefinition? {
        switch name {
        case "__typename": return Introspection.typenameField
        case "__schema" where type === queryType: return Introspection.schemaField
        case "__type" where type === queryType: return Introspection.typeField
        default: return type.field(name)
        }
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
