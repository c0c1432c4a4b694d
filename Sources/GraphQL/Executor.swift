import JSON

/// Runs a request against a schema (sections 6 and 7): the document parsed and validated within the limits, the
/// operation chosen, its variables coerced, then its fields executed in order. A request error (nothing can run)
/// answers `{"errors": [...]}`; field errors leave `null` where they happened, spread to the nearest nullable field,
/// beside partial data.
public struct Executor: Sendable {
    public let schema: Schema
    /// A document longer than this many bytes is refused unread.
    public var maxBytes = 32_768
    /// Selection sets and values nest at most this deep.
    public var maxDepth = 15
    /// At most this many fields, fragments counted wherever they are spread.
    public var maxFields = 2_000
    /// The most an operation's answer may weigh (`CostAnalysis`). On the API's schema the introspection query
    /// clients load it with weighs 83,825 (every type taken to have the most fields a type has, each with the most
    /// arguments a field has), a page of 1,000 days with every field 8,102, ten such pages 81,020; the hostile
    /// documents weigh millions (`GraphQLCostTests`). At about 20 bytes a field, 100,000 is 2 MB of answer, well
    /// under the response cap.
    public var maxCost = 100_000
    /// At most this many fields that read data (fields with a resolver) run in one operation, each alias apart: with
    /// at most 16 DynamoDB Queries each (a day's meters, shard by shard), 160 reads, about a second.
    public var maxResolverFields = 10

    public init(schema: Schema) {
        self.schema = schema
    }

    public func execute(query: String, operationName: String?, variables: JSONValue?) -> JSONValue {
        guard query.utf8.count <= maxBytes else {
            return Self.requestError(
                GraphQLError(
                    "The document is over \(maxBytes) bytes.", extensions: ["code": "DOCUMENT_TOO_LARGE"]))
        }
        let document: Document
        do throws(GraphQLError) {
            document = try Parser.parse(query, maxDepth: maxDepth)
        } catch {
            return Self.requestError(error)
        }
        var validator = Validator(schema: schema, document: document, maxDepth: maxDepth, maxFields: maxFields)
        let problems = validator.validate()
        guard problems.isEmpty else { return .object(["errors": .array(problems.map(\.json))]) }
        let operation: Operation
        switch choose(operationName, in: document) {
        case .success(let chosen): operation = chosen
        case .failure(let error): return Self.requestError(error)
        }
        let values: [String: JSONValue]
        switch coerce(variables, for: operation) {
        case .success(let coerced): values = coerced
        case .failure(let error): return Self.requestError(error)
        }
        let collector = FieldCollector(fragments: document.fragments, variables: values)
        let cost = CostAnalysis(schema: schema, collector: collector).cost(of: operation)
        let overLimits = refusals(of: cost, at: operation.location)
        guard overLimits.isEmpty else { return .object(["errors": .array(overLimits.map(\.json))]) }
        var run = Run(schema: schema, collector: collector)
        let data = run.selectionSet(operation.selections, of: schema.queryType, value: nil, path: [])
        var response: [String: JSONValue] = ["data": data ?? .null]
        if !run.errors.isEmpty { response["errors"] = .array(run.errors.map(\.json)) }
        return .object(response)
    }

    /// An error for each cost limit `cost` passes, naming the figure and the limit: answered like the document
    /// limits, before anything runs.
    private func refusals(of cost: CostAnalysis.Cost, at location: SourceLocation) -> [GraphQLError] {
        var errors: [GraphQLError] = []
        if cost.resolvers > maxResolverFields {
            errors.append(
                GraphQLError(
                    "The operation asks for \(cost.resolvers) fields that read data, aliases counted apart; at most "
                        + "\(maxResolverFields) may run in one request.", locations: [location],
                    extensions: [
                        "code": "ROOT_FIELD_LIMIT", "count": .integer(cost.resolvers),
                        "limit": .integer(maxResolverFields),
                    ]))
        }
        if cost.weight > maxCost {
            errors.append(
                GraphQLError(
                    "The operation's cost is \(cost.weight), over the limit of \(maxCost): each field counts once per "
                        + "item of the lists it stands in; ask for fewer fields or smaller pages.",
                    locations: [location],
                    extensions: ["code": "COST_LIMIT", "cost": .integer(cost.weight), "limit": .integer(maxCost)]))
        }
        return errors
    }

    static func requestError(_ error: GraphQLError) -> JSONValue {
        ["errors": [error.json]]
    }

    private func choose(_ name: String?, in document: Document) -> Result<Operation, GraphQLError> {
        if let name {
            guard let found = document.operations.first(where: { $0.name == name }) else {
                return .failure(GraphQLError("Unknown operation named \"\(name.prefix(100))\"."))
            }
            return .success(found)
        }
        guard document.operations.count == 1, let only = document.operations.first else {
            return .failure(
                GraphQLError(
                    document.operations.isEmpty
                        ? "The document holds no operation."
                        : "Must provide operation name if query contains multiple operations."))
        }
        return .success(only)
    }

    private func coerce(_ given: JSONValue?, for operation: Operation) -> Result<[String: JSONValue], GraphQLError> {
        let provided: [String: JSONValue]
        switch given {
        case nil, .null?: provided = [:]
        case .object(let object)?: provided = object
        default: return .failure(GraphQLError("Variables must be an object."))
        }
        var coerced: [String: JSONValue] = [:]
        for definition in operation.variables {
            guard let value = provided[definition.name] else {
                if let literal = definition.defaultValue {
                    coerced[definition.name] = Coercion.value(of: literal, variables: [:])
                } else if definition.type.isNonNull {
                    return .failure(
                        GraphQLError(
                            "Variable \"$\(definition.name)\" of required type \"\(definition.type)\" was not provided.",
                            locations: [definition.location]))
                }
                continue
            }
            switch Coercion.variable(value, definition.type, schema: schema) {
            case .success(let value): coerced[definition.name] = value
            case .failure(let failure):
                return .failure(
                    GraphQLError(
                        "Variable \"$\(definition.name)\" got invalid value: \(failure.reason)",
                        locations: [definition.location]))
            }
        }
        return .success(coerced)
    }
}

/// One execution: the errors so far and what the fields need to resolve.
private struct Run {
    let schema: Schema
    let collector: FieldCollector
    var errors: [GraphQLError] = []

    init(schema: Schema, collector: FieldCollector) {
        self.schema = schema
        self.collector = collector
    }

    /// An object's selected fields; nil when a non-null field among them is null (the null spreads up).
    mutating func selectionSet(_ selections: [Selection], of type: ObjectType, value: Resolved?, path: [JSONValue])
        -> JSONValue?
    {
        var result: [String: JSONValue] = [:]
        for (key, fields) in collector.collect(selections, of: type) {
            guard let field = fields.first else { continue }
            let fieldPath = path + [.string(key)]
            if field.name == "__typename" {
                result[key] = .string(type.name)
                continue
            }
            let definition: FieldDefinition
            let resolved: Resolved
            if field.name == "__schema", type === schema.queryType {
                definition = Introspection.schemaField
                resolved = .object(Introspection.SchemaValue(schema: schema))
            } else if field.name == "__type", type === schema.queryType {
                definition = Introspection.typeField
                let name = collector.arguments(field, Introspection.typeField.arguments)["name"]
                let known = name?.stringValue.flatMap { schema.types[$0] } != nil
                resolved =
                    known
                    ? .object(Introspection.TypeValue(schema: schema, reference: .named(name?.stringValue ?? "")))
                    : .json(.null)
            } else if let found = type.field(field.name) {
                definition = found
                let given = collector.arguments(field, found.arguments)
                if let resolve = found.resolve {
                    do throws(GraphQLError) {
                        resolved = try resolve(given)
                    } catch {
                        var located = error
                        located.locations = [field.location]
                        located.path = fieldPath
                        errors.append(located)
                        guard !found.type.isNonNull else { return nil }
                        result[key] = .null
                        continue
                    }
                } else {
                    resolved = Self.lookup(field.name, in: value, arguments: given)
                }
            } else {
                continue  // validation refused unknown fields
            }
            guard let completed = complete(resolved, as: definition.type, fields: fields, path: fieldPath) else {
                if definition.type.isNonNull { return nil }
                result[key] = .null
                continue
            }
            result[key] = completed
        }
        return .object(result)
    }

    static func lookup(_ name: String, in value: Resolved?, arguments: [String: JSONValue]) -> Resolved {
        switch value {
        case .object(let object)?: return object.value(of: name, arguments: arguments)
        case .json(.object(let fields))?: return .json(fields[name] ?? .null)
        default: return .json(.null)
        }
    }

    /// A field's value completed to its type (section 6.4.3); nil for a null in a non-null place, recorded.
    mutating func complete(_ value: Resolved, as type: TypeReference, fields: [Field], path: [JSONValue])
        -> JSONValue?
    {
        switch type {
        case .nonNull(let inner):
            let completed = complete(value, as: inner, fields: fields, path: path)
            if completed == nil || completed == .null {
                if completed == .null {
                    errors.append(
                        GraphQLError(
                            "Cannot return null for non-nullable field.", locations: fields.map(\.location),
                            path: path))
                }
                return nil
            }
            return completed
        case .list(let inner):
            let items: [Resolved]
            switch value {
            case .json(.null): return .null
            case .list(let list): items = list
            case .json(.array(let array)): items = array.map(Resolved.json)
            default:
                errors.append(GraphQLError("Expected a list.", locations: fields.map(\.location), path: path))
                return .null
            }
            var completed: [JSONValue] = []
            for (index, item) in items.enumerated() {
                guard let element = complete(item, as: inner, fields: fields, path: path + [.integer(index)]) else {
                    return nil
                }
                completed.append(element)
            }
            return .array(completed)
        case .named(let name):
            if case .json(.null) = value { return .null }
            switch schema.types[name] {
            case .object(let object)?:
                let selections = fields.flatMap(\.selections)
                return selectionSet(selections, of: object, value: value, path: path)
            case .scalar?, .enumeration?:
                guard case .json(let leaf) = value, let serialized = serialize(leaf, as: name) else {
                    errors.append(
                        GraphQLError(
                            "\(name) cannot represent the value resolved.", locations: fields.map(\.location),
                            path: path))
                    return .null
                }
                return serialized
            case nil:
                return .null
            }
        }
    }

    private func serialize(_ value: JSONValue, as name: String) -> JSONValue? {
        switch (name, value) {
        case ("String", .string), ("ID", .string), ("Boolean", .bool), ("Float", .number): return value
        case ("Int", .number):
            guard let number = value.intValue, Int32(exactly: number) != nil else { return nil }
            return .integer(number)
        default:
            if case .enumeration(let type)? = schema.types[name], case .string(let text) = value,
                type.values.contains(where: { $0.name == text })
            {
                return value
            }
            return nil
        }
    }
}
