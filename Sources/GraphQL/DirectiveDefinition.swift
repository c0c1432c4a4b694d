/// A directive the service understands: the spec's four built-in ones (`builtIn`).
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
