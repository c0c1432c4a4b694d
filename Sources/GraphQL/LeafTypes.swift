/// A built-in scalar (section 3.5): a leaf of a response.
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

/// An enum type: a leaf whose values are a closed set of names.
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
