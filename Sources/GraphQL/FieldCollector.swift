import JSON

/// How a selection set becomes the fields that execute, with one request's fragments and variables: what the
/// executor runs and what the cost analysis adds up, so the two cannot disagree on what a document asks for.
struct FieldCollector {
    let fragments: [Fragment]
    let variables: [String: JSONValue]

    /// The field's arguments, coerced: literals and variables, defaults where nothing was given.
    func arguments(_ field: Field, _ definitions: [InputValueDefinition]) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for definition in definitions {
            if let argument = field.arguments.first(where: { $0.name == definition.name }),
                let value = Coercion.value(of: argument.value, variables: variables)
            {
                values[definition.name] = value
            } else if let fallback = definition.defaultValue {
                values[definition.name] = fallback.value
            }
        }
        return values
    }

    /// The fields to execute, by response key in document order, skipping what `@skip`/`@include` leave out
    /// (section 6.3.2). Fragments always apply here: every composite type is an object type.
    func collect(_ selections: [Selection], of type: ObjectType) -> [(String, [Field])] {
        var order: [String] = []
        var grouped: [String: [Field]] = [:]
        var visited: Set<String> = []
        func walk(_ selections: [Selection]) {
            for selection in selections {
                switch selection {
                case .field(let field):
                    guard included(field.directives) else { continue }
                    if grouped[field.responseKey] == nil { order.append(field.responseKey) }
                    grouped[field.responseKey, default: []].append(field)
                case .fragmentSpread(let name, let directives, _):
                    guard included(directives), visited.insert(name).inserted,
                        let fragment = fragments.first(where: { $0.name == name })
                    else { continue }
                    walk(fragment.selections)
                case .inlineFragment(_, let directives, let selections, _):
                    guard included(directives) else { continue }
                    walk(selections)
                }
            }
        }
        walk(selections)
        return order.map { ($0, grouped[$0] ?? []) }
    }

    private func included(_ directives: [Directive]) -> Bool {
        for directive in directives {
            let condition = directive.arguments.first { $0.name == "if" }.flatMap {
                Coercion.value(of: $0.value, variables: variables)
            }
            if directive.name == "skip", condition == .bool(true) { return false }
            if directive.name == "include", condition != .bool(true) { return false }
        }
        return true
    }
}
