import JSON

/// Directives and arguments checked against their definitions, and literals against their input types.
extension Validator {
    mutating func checkDirectives(_ directives: [Directive], location: String) {
        var names: Set<String> = []
        for directive in directives {
            guard let definition = schema.directives.first(where: { $0.name == directive.name }),
                definition.locations.contains(location)
            else {
                report(
                    schema.directives.contains { $0.name == directive.name }
                        ? "Directive \"@\(directive.name)\" may not be used on \(location)."
                        : "Unknown directive \"@\(directive.name)\".", directive.location)
                continue
            }
            if !names.insert(directive.name).inserted {
                report(
                    "The directive \"@\(directive.name)\" can only be used once at this location.",
                    directive.location)
            }
            checkArguments(
                directive.arguments, against: definition.arguments, of: "directive \"@\(directive.name)\"",
                at: directive.location)
        }
    }

    mutating func checkArguments(
        _ arguments: [Argument], against definitions: [InputValueDefinition], of owner: String,
        at location: SourceLocation
    ) {
        var given: Set<String> = []
        for argument in arguments {
            if !given.insert(argument.name).inserted {
                report("There can be only one argument named \"\(argument.name)\".", argument.location)
            }
            guard let definition = definitions.first(where: { $0.name == argument.name }) else {
                report("Unknown argument \"\(argument.name)\" on \(owner).", argument.location)
                continue
            }
            if let problem = literalProblem(
                argument.value, definition.type, hasDefault: definition.defaultValue != nil, location: argument.location
            ) {
                report("Argument \"\(argument.name)\" has an invalid value: \(problem)", argument.location)
            }
        }
        for definition in definitions where definition.type.isNonNull && definition.defaultValue == nil {
            if !given.contains(definition.name) {
                report(
                    "Argument \"\(definition.name)\" of type \"\(definition.type)\" is required on \(owner), but it "
                        + "was not provided.", location)
            }
        }
    }

    /// Why `value` cannot be coerced to `type` (section 3.5's input coercion), or nil; variables are recorded for
    /// the position they stand in and checked against their definitions later.
    mutating func literalProblem(
        _ value: Value, _ type: TypeReference, hasDefault: Bool = false, location: SourceLocation? = nil
    ) -> String? {
        if case .variable(let name) = value {
            if let location { usedVariables[name, default: []].append((type, hasDefault, location)) }
            return nil
        }
        switch type {
        case .nonNull(let inner):
            if case .null = value { return "expected a non-null \(inner)." }
            return literalProblem(value, inner, location: location)
        case .list(let inner):
            if case .null = value { return nil }
            if case .list(let items) = value {
                for item in items {
                    if let problem = literalProblem(item, inner, location: location) { return problem }
                }
                return nil
            }
            return literalProblem(value, inner, location: location)
        case .named(let name):
            if case .null = value { return nil }
            return Coercion.literalProblem(value, named: name, schema: schema)
        }
    }
}
