import JSON

/// Introspection (section 4): the `__schema` and `__type` root fields and `__typename`, answered from the schema's
/// own model, as clients ask when they load a schema.
enum Introspection {
    static let typeKind = EnumType(
        name: "__TypeKind", description: "What kind of type a `__Type` is.",
        values: ["SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT", "LIST", "NON_NULL"].map {
            ($0, nil)
        })
    static let directiveLocation = EnumType(
        name: "__DirectiveLocation", description: "Where a directive may stand.",
        values: [
            "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
            "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION",
            "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
        ].map { ($0, nil) })
    static let enums = [typeKind, directiveLocation]

    /// The fields the query root has beside its own (section 4.2), and `__typename`, which every object has.
    static var schemaField: FieldDefinition { FieldDefinition("__schema", .nonNull(.named("__Schema"))) }
    static var typeField: FieldDefinition {
        FieldDefinition(
            "__type", .named("__Type"), arguments: [InputValueDefinition("name", .nonNull(.named("String")))])
    }
    static var typenameField: FieldDefinition { FieldDefinition("__typename", .nonNull(.named("String"))) }

    private static func required(_ name: String) -> TypeReference { .nonNull(.named(name)) }
    private static func list(_ name: String) -> TypeReference { .list(.nonNull(.named(name))) }
    private static let includeDeprecated = [
        InputValueDefinition("includeDeprecated", .named("Boolean"), default: false)
    ]

    static let objects = [
        ObjectType(
            name: "__Schema", description: "A GraphQL service's capabilities.",
            fields: [
                FieldDefinition("description", .named("String")),
                FieldDefinition("types", .nonNull(list("__Type"))),
                FieldDefinition("queryType", required("__Type")),
                FieldDefinition("mutationType", .named("__Type")),
                FieldDefinition("subscriptionType", .named("__Type")),
                FieldDefinition("directives", .nonNull(list("__Directive"))),
            ]),
        ObjectType(
            name: "__Type", description: "A type of the schema, or a list or non-null wrapper of one.",
            fields: [
                FieldDefinition("kind", required("__TypeKind")),
                FieldDefinition("name", .named("String")),
                FieldDefinition("description", .named("String")),
                FieldDefinition("specifiedByURL", .named("String")),
                FieldDefinition("fields", list("__Field"), arguments: includeDeprecated),
                FieldDefinition("interfaces", list("__Type")),
                FieldDefinition("possibleTypes", list("__Type")),
                FieldDefinition("enumValues", list("__EnumValue"), arguments: includeDeprecated),
                FieldDefinition("inputFields", list("__InputValue"), arguments: includeDeprecated),
                FieldDefinition("ofType", .named("__Type")),
                FieldDefinition("isOneOf", .named("Boolean")),
            ]),
        ObjectType(
            name: "__Field", description: "A field of an object type.",
            fields: [
                FieldDefinition("name", required("String")),
                FieldDefinition("description", .named("String")),
                FieldDefinition("args", .nonNull(list("__InputValue")), arguments: includeDeprecated),
                FieldDefinition("type", required("__Type")),
                FieldDefinition("isDeprecated", required("Boolean")),
                FieldDefinition("deprecationReason", .named("String")),
            ]),
        ObjectType(
            name: "__InputValue", description: "An argument.",
            fields: [
                FieldDefinition("name", required("String")),
                FieldDefinition("description", .named("String")),
                FieldDefinition("type", required("__Type")),
                FieldDefinition("defaultValue", .named("String")),
                FieldDefinition("isDeprecated", required("Boolean")),
                FieldDefinition("deprecationReason", .named("String")),
            ]),
        ObjectType(
            name: "__EnumValue", description: "A value of an enum type.",
            fields: [
                FieldDefinition("name", required("String")),
                FieldDefinition("description", .named("String")),
                FieldDefinition("isDeprecated", required("Boolean")),
                FieldDefinition("deprecationReason", .named("String")),
            ]),
        ObjectType(
            name: "__Directive", description: "A directive the service understands.",
            fields: [
                FieldDefinition("name", required("String")),
                FieldDefinition("description", .named("String")),
                FieldDefinition("isRepeatable", required("Boolean")),
                FieldDefinition("locations", .nonNull(list("__DirectiveLocation"))),
                FieldDefinition("args", .nonNull(list("__InputValue")), arguments: includeDeprecated),
            ]),
    ]

    /// How many items an introspection list can hold in `schema`, as the values below answer it: what the cost
    /// analysis multiplies a selection under it by. Nil for a field that is not one of introspection's lists.
    static func listSize(of field: String, on type: String, in schema: Schema) -> Int? {
        let objects = schema.types.values.compactMap { named -> ObjectType? in
            if case .object(let object) = named { return object }
            return nil
        }
        switch (type, field) {
        case ("__Schema", "types"): return schema.types.count
        case ("__Schema", "directives"): return schema.directives.count
        case ("__Type", "fields"): return objects.map(\.fields.count).max()
        case ("__Type", "enumValues"):
            return schema.types.values.compactMap { named -> Int? in
                if case .enumeration(let enumeration) = named { return enumeration.values.count }
                return nil
            }.max()
        // Answered as an empty list or null: no object type has interfaces, and there are no input objects.
        case ("__Type", "interfaces"), ("__Type", "possibleTypes"), ("__Type", "inputFields"): return 0
        case ("__Field", "args"): return objects.flatMap(\.fields).map(\.arguments.count).max()
        case ("__Directive", "args"): return schema.directives.map(\.arguments.count).max()
        case ("__Directive", "locations"): return schema.directives.map(\.locations.count).max()
        default: return nil
        }
    }

    struct SchemaValue: ObjectValue {
        let schema: Schema

        func value(of field: String, arguments: [String: JSONValue]) -> Resolved {
            switch field {
            case "description": return .json(schema.description.map(JSONValue.string) ?? .null)
            case "types":
                return .list(
                    schema.types.keys.sorted().map { .object(TypeValue(schema: schema, reference: .named($0))) })
            case "queryType": return .object(TypeValue(schema: schema, reference: .named(schema.queryType.name)))
            case "directives":
                return .list(schema.directives.map { .object(DirectiveValue(schema: schema, directive: $0)) })
            default: return .json(.null)
            }
        }
    }

    struct TypeValue: ObjectValue {
        let schema: Schema
        let reference: TypeReference

        func value(of field: String, arguments: [String: JSONValue]) -> Resolved {
            switch reference {
            case .list(let inner), .nonNull(let inner):
                switch field {
                case "kind": return .json(.string(reference.isList ? "LIST" : "NON_NULL"))
                case "ofType": return .object(TypeValue(schema: schema, reference: inner))
                default: return .json(.null)
                }
            case .named(let name):
                guard let type = schema.types[name] else { return .json(.null) }
                switch (field, type) {
                case ("kind", .scalar): return .json("SCALAR")
                case ("kind", .object): return .json("OBJECT")
                case ("kind", .enumeration): return .json("ENUM")
                case ("name", _): return .json(.string(name))
                case ("description", _): return .json(type.description.map(JSONValue.string) ?? .null)
                case ("fields", .object(let object)):
                    return .list(object.fields.map { .object(FieldValue(schema: schema, field: $0)) })
                case ("interfaces", .object): return .list([])
                case ("enumValues", .enumeration(let enumeration)):
                    return .list(
                        enumeration.values.map {
                            .json([
                                "name": .string($0.name), "description": $0.description.map(JSONValue.string) ?? .null,
                                "isDeprecated": false, "deprecationReason": .null,
                            ])
                        })
                default: return .json(.null)
                }
            }
        }
    }

    struct FieldValue: ObjectValue {
        let schema: Schema
        let field: FieldDefinition

        func value(of name: String, arguments: [String: JSONValue]) -> Resolved {
            switch name {
            case "name": return .json(.string(field.name))
            case "description": return .json(field.description.map(JSONValue.string) ?? .null)
            case "args": return .list(field.arguments.map { .object(InputValue(schema: schema, input: $0)) })
            case "type": return .object(TypeValue(schema: schema, reference: field.type))
            case "isDeprecated": return .json(false)
            default: return .json(.null)
            }
        }
    }

    struct InputValue: ObjectValue {
        let schema: Schema
        let input: InputValueDefinition

        func value(of name: String, arguments: [String: JSONValue]) -> Resolved {
            switch name {
            case "name": return .json(.string(input.name))
            case "description": return .json(input.description.map(JSONValue.string) ?? .null)
            case "type": return .object(TypeValue(schema: schema, reference: input.type))
            case "defaultValue": return .json(input.defaultValue.map { .string($0.text) } ?? .null)
            case "isDeprecated": return .json(false)
            default: return .json(.null)
            }
        }
    }

    struct DirectiveValue: ObjectValue {
        let schema: Schema
        let directive: DirectiveDefinition

        func value(of name: String, arguments: [String: JSONValue]) -> Resolved {
            switch name {
            case "name": return .json(.string(directive.name))
            case "description": return .json(.string(directive.description))
            case "isRepeatable": return .json(false)
            case "locations": return .json(.array(directive.locations.map(JSONValue.string)))
            case "args": return .list(directive.arguments.map { .object(InputValue(schema: schema, input: $0)) })
            default: return .json(.null)
            }
        }
    }
}

extension TypeReference {
    var isList: Bool {
        if case .list = self { return true }
        return false
    }
}
