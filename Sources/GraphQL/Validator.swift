import JSON

/// The validation rules of section 5 that matter for a schema of object types only, checked before anything
/// executes, with the service's limits: how deep a document nests and how many fields it asks for (fragments
/// counted wherever they are spread), so that a hostile document is refused, not run.
struct Validator {
    let schema: Schema
    let document: Document
    let maxDepth: Int
    let maxFields: Int
    private(set) var errors: [GraphQLError] = []
    var fieldCount = 0
    var usedFragments: Set<String> = []
    var usedVariables: [String: [(type: TypeReference, hasDefault: Bool, location: SourceLocation)]] = [:]
    var fragmentsByName: [String: Fragment] = [:]
    var overLimit = false

    init(schema: Schema, document: Document, maxDepth: Int, maxFields: Int) {
        self.schema = schema
        self.document = document
        self.maxDepth = maxDepth
        self.maxFields = maxFields
    }

    mutating func validate() -> [GraphQLError] {
        var operationNames: Set<String> = []
        for operation in document.operations {
            if let name = operation.name, !operationNames.insert(name).inserted {
                report("There can be only one operation named \"\(name)\".", operation.location)
            }
            if operation.name == nil, document.operations.count > 1 {
                report("This anonymous operation must be the only defined operation.", operation.location)
            }
        }
        for fragment in document.fragments {
            if fragmentsByName[fragment.name] != nil {
                report("There can be only one fragment named \"\(fragment.name)\".", fragment.location)
            }
            fragmentsByName[fragment.name] = fragment
        }
        for operation in document.operations {
            validate(operation)
            if overLimit { return errors }
        }
        for fragment in document.fragments where !usedFragments.contains(fragment.name) {
            report("Fragment \"\(fragment.name)\" is never used.", fragment.location)
        }
        return errors
    }

    mutating func report(_ message: String, _ location: SourceLocation, code: String? = nil) {
        errors.append(GraphQLError(message, locations: [location], extensions: code.map { ["code": .string($0)] }))
    }

    private mutating func validate(_ operation: Operation) {
        guard operation.kind == .query else {
            report("The schema has no \(operation.kind.rawValue) type: only queries are served.", operation.location)
            return
        }
        var defined: [String: VariableDefinition] = [:]
        for variable in operation.variables {
            if defined[variable.name] != nil {
                report("There can be only one variable named \"$\(variable.name)\".", variable.location)
            }
            defined[variable.name] = variable
            guard let type = schema.types[variable.type.namedType], type.isLeaf else {
                report(
                    "Variable \"$\(variable.name)\" cannot be of non-input type \"\(variable.type)\".",
                    variable.location)
                continue
            }
            if let value = variable.defaultValue, let problem = literalProblem(value, variable.type) {
                report("Variable \"$\(variable.name)\" has an invalid default value: \(problem)", variable.location)
            }
        }
        usedVariables = [:]
        checkDirectives(operation.directives, location: "QUERY")
        var visiting: [String] = []
        selectionSet(operation.selections, in: schema.queryType, depth: 1, visiting: &visiting)
        for (name, uses) in usedVariables.sorted(by: { $0.key < $1.key }) {
            guard let definition = defined[name] else {
                for use in uses {
                    report(
                        "Variable \"$\(name)\" is not defined by operation \"\(operation.name ?? "")\".", use.location)
                }
                continue
            }
            for use in uses where !Self.allowed(definition, at: use.type, hasDefault: use.hasDefault) {
                report(
                    "Variable \"$\(name)\" of type \"\(definition.type)\" used in position expecting type "
                        + "\"\(use.type)\".", use.location)
            }
        }
        for variable in operation.variables where usedVariables[variable.name] == nil {
            report("Variable \"$\(variable.name)\" is never used.", variable.location)
        }
    }

    /// A variable fits where it is used if its type does, or it may be null only where the position has a default.
    private static func allowed(_ variable: VariableDefinition, at position: TypeReference, hasDefault: Bool) -> Bool {
        if case .nonNull(let inner) = position, !variable.type.isNonNull {
            guard hasDefault || variable.defaultValue != nil else { return false }
            return fits(variable.type, inner)
        }
        return fits(variable.type, position)
    }

    private static func fits(_ variable: TypeReference, _ position: TypeReference) -> Bool {
        switch (variable, position) {
        case (.nonNull(let inner), .nonNull(let other)): return fits(inner, other)
        case (.nonNull(let inner), _): return fits(inner, position)
        case (_, .nonNull): return false
        case (.list(let inner), .list(let other)): return fits(inner, other)
        case (.named(let a), .named(let b)): return a == b
        default: return false
        }
    }

    private mutating func selectionSet(
        _ selections: [Selection], in type: ObjectType, depth: Int, visiting: inout [String]
    ) {
        var seen: [String: Field] = [:]
        for selection in selections {
            guard !overLimit else { return }
            switch selection {
            case .field(let field):
                if let earlier = seen[field.responseKey],
                    earlier.name != field.name || earlier.arguments != field.arguments
                {
                    report(
                        "Fields \"\(field.responseKey)\" conflict because they ask for different fields or "
                            + "arguments; use different aliases.", field.location)
                }
                seen[field.responseKey] = field
                self.field(field, in: type, depth: depth, visiting: &visiting)
            case .fragmentSpread(let name, let directives, let location):
                checkDirectives(directives, location: "FRAGMENT_SPREAD")
                usedFragments.insert(name)
                guard let fragment = fragmentsByName[name] else {
                    report("Unknown fragment \"\(name)\".", location)
                    continue
                }
                guard !visiting.contains(name) else {
                    report(
                        "Cannot spread fragment \"\(name)\" within itself"
                            + (visiting.last == name ? "." : " via \(visiting.joined(separator: ", "))."), location)
                    continue
                }
                guard let condition = condition(fragment.typeCondition, on: type, at: location) else { continue }
                visiting.append(name)
                selectionSet(fragment.selections, in: condition, depth: depth, visiting: &visiting)
                visiting.removeLast()
            case .inlineFragment(let typeCondition, let directives, let selections, let location):
                checkDirectives(directives, location: "INLINE_FRAGMENT")
                let condition = typeCondition.map { self.condition($0, on: type, at: location) } ?? type
                guard let condition else { continue }
                selectionSet(selections, in: condition, depth: depth, visiting: &visiting)
            }
        }
    }

    /// The object type a fragment's condition names, when objects of `type` can be of it (here: it is `type`).
    private mutating func condition(_ name: String, on type: ObjectType, at location: SourceLocation) -> ObjectType? {
        guard let named = schema.types[name] else {
            report("Unknown type \"\(name)\".", location)
            return nil
        }
        guard case .object(let object) = named else {
            report("Fragment cannot condition on non composite type \"\(name)\".", location)
            return nil
        }
        guard object.name == type.name else {
            report(
                "Fragment cannot be spread here as objects of type \"\(type.name)\" can never be of type "
                    + "\"\(name)\".", location)
            return nil
        }
        return object
    }

    private mutating func field(
        _ field: Field, in type: ObjectType, depth: Int, visiting: inout [String]
    ) {
        fieldCount += 1
        guard fieldCount <= maxFields else {
            overLimit = true
            report("The document asks for more than \(maxFields) fields.", field.location, code: "FIELD_LIMIT")
            return
        }
        guard depth <= maxDepth else {
            overLimit = true
            report("The document nests fields deeper than \(maxDepth) levels.", field.location, code: "DEPTH_LIMIT")
            return
        }
        checkDirectives(field.directives, location: "FIELD")
        guard let definition = schema.field(field.name, on: type) else {
            report("Cannot query field \"\(field.name)\" on type \"\(type.name)\".", field.location)
            return
        }
        checkArguments(
            field.arguments, against: definition.arguments, of: "field \"\(type.name).\(field.name)\"",
            at: field.location)
        guard let named = schema.types[definition.type.namedType] else { return }
        switch named {
        case .object(let object):
            guard !field.selections.isEmpty else {
                report(
                    "Field \"\(field.name)\" of type \"\(definition.type)\" must have a selection of subfields.",
                    field.location)
                return
            }
            selectionSet(field.selections, in: object, depth: depth + 1, visiting: &visiting)
        case .scalar, .enumeration:
            if !field.selections.isEmpty {
                report(
                    "Field \"\(field.name)\" must not have a selection since type \"\(definition.type)\" has no "
                        + "subfields.", field.location)
            }
        }
    }
}

extension TypeReference {
    var isNonNull: Bool {
        if case .nonNull = self { return true }
        return false
    }
}
