/// An executable document (section 2): operations and fragments, as the parser reads them.
public struct Document: Equatable, Sendable {
    public var operations: [Operation]
    public var fragments: [Fragment]
}

public struct Operation: Equatable, Sendable {
    public enum Kind: String, Sendable { case query, mutation, subscription }
    public var kind: Kind
    public var name: String?
    public var variables: [VariableDefinition]
    public var directives: [Directive]
    public var selections: [Selection]
    public var location: SourceLocation
}

public struct Fragment: Equatable, Sendable {
    public var name: String
    public var typeCondition: String
    public var directives: [Directive]
    public var selections: [Selection]
    public var location: SourceLocation
}

public struct VariableDefinition: Equatable, Sendable {
    public var name: String
    public var type: TypeReference
    public var defaultValue: Value?
    public var location: SourceLocation
}

public indirect enum Selection: Equatable, Sendable {
    case field(Field)
    case fragmentSpread(name: String, directives: [Directive], location: SourceLocation)
    case inlineFragment(
        typeCondition: String?, directives: [Directive], selections: [Selection],
        location: SourceLocation)
}

public struct Field: Equatable, Sendable {
    public var alias: String?
    public var name: String
    public var arguments: [Argument]
    public var directives: [Directive]
    public var selections: [Selection]
    public var location: SourceLocation

    /// The key the field's value has in the response.
    public var responseKey: String { alias ?? name }
}

public struct Argument: Equatable, Sendable {
    public var name: String
    public var value: Value
    public var location: SourceLocation
}

public struct Directive: Equatable, Sendable {
    public var name: String
    public var arguments: [Argument]
    public var location: SourceLocation
}

/// A value as written: literals, variables, lists and input objects (section 2.9).
public indirect enum Value: Equatable, Sendable {
    case variable(String)
    case int(String)
    case float(String)
    case string(String)
    case boolean(Bool)
    case null
    case enumValue(String)
    case list([Value])
    case object([(name: String, value: Value)])

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.variable(let a), .variable(let b)), (.int(let a), .int(let b)), (.float(let a), .float(let b)),
            (.string(let a), .string(let b)), (.enumValue(let a), .enumValue(let b)):
            return a == b
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.null, .null): return true
        case (.list(let a), .list(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        default: return false
        }
    }
}

/// `Name`, `[Type]`, `Type!` (section 2.11).
public indirect enum TypeReference: Equatable, Sendable, CustomStringConvertible {
    case named(String)
    case list(TypeReference)
    case nonNull(TypeReference)

    public var description: String {
        switch self {
        case .named(let name): return name
        case .list(let inner): return "[\(inner)]"
        case .nonNull(let inner): return "\(inner)!"
        }
    }

    public var namedType: String {
        switch self {
        case .named(let name): return name
        case .list(let inner), .nonNull(let inner): return inner.namedType
        }
    }
}
