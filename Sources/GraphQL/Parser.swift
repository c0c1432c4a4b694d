/// Reads an executable document (section 2, section 6's executable definitions only): a recursive-descent parser
/// whose nesting is bounded, so a hostile document fails with an error instead of exhausting the stack.
struct Parser {
    private var lexer: Lexer
    private var token: Token
    private var depth = 0
    private let maxDepth: Int

    init(_ source: String, maxDepth: Int) throws(GraphQLError) {
        lexer = Lexer(source)
        token = try lexer.next()
        self.maxDepth = maxDepth
    }

    static func parse(_ source: String, maxDepth: Int) throws(GraphQLError) -> Document {
        var parser = try Parser(source, maxDepth: maxDepth)
        return try parser.document()
    }

    private mutating func advance() throws(GraphQLError) { token = try lexer.next() }

    private func isPunctuator(_ text: String) -> Bool { token.kind == .punctuator(text) }

    private var nameText: String? {
        if case .name(let text) = token.kind { return text }
        return nil
    }

    private func unexpected(_ expected: String) -> GraphQLError {
        let found: String
        switch token.kind {
        case .punctuator(let text): found = "'\(text)'"
        case .name(let text): found = "name '\(text.prefix(40))'"
        case .int(let text), .float(let text): found = "number \(text.prefix(40))"
        case .string: found = "a string"
        case .end: found = "the end of the document"
        }
        return GraphQLError("Syntax Error: expected \(expected), found \(found).", locations: [token.location])
    }

    private mutating func expect(_ text: String) throws(GraphQLError) {
        guard isPunctuator(text) else { throw unexpected("'\(text)'") }
        try advance()
    }

    private mutating func name() throws(GraphQLError) -> String {
        guard let text = nameText else { throw unexpected("a name") }
        try advance()
        return text
    }

    private mutating func nested<Result>(_ body: (inout Parser) throws(GraphQLError) -> Result) throws(GraphQLError)
        -> Result
    {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth else {
            throw GraphQLError(
                "The document nests deeper than \(maxDepth) levels.", locations: [token.location],
                extensions: ["code": "DEPTH_LIMIT"])
        }
        return try body(&self)
    }

    mutating func document() throws(GraphQLError) -> Document {
        var document = Document(operations: [], fragments: [])
        guard token.kind != .end else { throw unexpected("a definition") }
        while token.kind != .end {
            let start = token.location
            if isPunctuator("{") {
                document.operations.append(
                    Operation(
                        kind: .query, name: nil, variables: [], directives: [], selections: try selectionSet(),
                        location: start))
                continue
            }
            switch nameText {
            case "query", "mutation", "subscription":
                document.operations.append(try operation())
            case "fragment":
                document.fragments.append(try fragment())
            case "schema", "scalar", "type", "interface", "union", "enum", "input", "directive", "extend":
                throw GraphQLError(
                    "The \(nameText ?? "") definition is not executable: a request holds operations and fragments.",
                    locations: [start])
            default:
                throw unexpected("an operation or a fragment")
            }
        }
        return document
    }

    private mutating func operation() throws(GraphQLError) -> Operation {
        let start = token.location
        let kind = Operation.Kind(rawValue: try name()) ?? .query
        let operationName = nameText != nil ? try name() : nil
        var variables: [VariableDefinition] = []
        if isPunctuator("(") {
            try advance()
            while !isPunctuator(")") {
                let location = token.location
                try expect("$")
                let variable = try name()
                try expect(":")
                let type = try typeReference()
                var defaultValue: Value?
                if isPunctuator("=") {
                    try advance()
                    defaultValue = try value(constant: true)
                }
                _ = try directives()
                variables.append(
                    VariableDefinition(name: variable, type: type, defaultValue: defaultValue, location: location))
            }
            guard !variables.isEmpty else { throw unexpected("a variable definition") }
            try advance()
        }
        return Operation(
            kind: kind, name: operationName, variables: variables, directives: try directives(),
            selections: try selectionSet(), location: start)
    }

    private mutating func fragment() throws(GraphQLError) -> Fragment {
        let start = token.location
        try advance()
        let fragmentName = try name()
        guard fragmentName != "on" else {
            throw GraphQLError("Syntax Error: a fragment cannot be named 'on'.", locations: [start])
        }
        guard nameText == "on" else { throw unexpected("'on'") }
        try advance()
        return Fragment(
            name: fragmentName, typeCondition: try name(), directives: try directives(),
            selections: try selectionSet(), location: start)
    }

    private mutating func selectionSet() throws(GraphQLError) -> [Selection] {
        try nested { (parser: inout Parser) throws(GraphQLError) -> [Selection] in
            try parser.expect("{")
            var selections: [Selection] = []
            while !parser.isPunctuator("}") {
                selections.append(try parser.selection())
            }
            guard !selections.isEmpty else { throw parser.unexpected("a selection") }
            try parser.advance()
            return selections
        }
    }

    private mutating func selection() throws(GraphQLError) -> Selection {
        let start = token.location
        if isPunctuator("...") {
            try advance()
            if let text = nameText, text != "on" {
                try advance()
                return .fragmentSpread(name: text, directives: try directives(), location: start)
            }
            var condition: String?
            if nameText == "on" {
                try advance()
                condition = try name()
            }
            return .inlineFragment(
                typeCondition: condition, directives: try directives(), selections: try selectionSet(),
                location: start)
        }
        var fieldName = try name()
        var alias: String?
        if isPunctuator(":") {
            try advance()
            alias = fieldName
            fieldName = try name()
        }
        let arguments = try argumentList(constant: false)
        let fieldDirectives = try directives()
        let selections = isPunctuator("{") ? try selectionSet() : []
        return .field(
            Field(
                alias: alias, name: fieldName, arguments: arguments, directives: fieldDirectives,
                selections: selections, location: start))
    }

    private mutating func argumentList(constant: Bool) throws(GraphQLError) -> [Argument] {
        guard isPunctuator("(") else { return [] }
        try advance()
        var arguments: [Argument] = []
        while !isPunctuator(")") {
            let location = token.location
            let argumentName = try name()
            try expect(":")
            arguments.append(Argument(name: argumentName, value: try value(constant: constant), location: location))
        }
        guard !arguments.isEmpty else { throw unexpected("an argument") }
        try advance()
        return arguments
    }

    private mutating func directives() throws(GraphQLError) -> [Directive] {
        var found: [Directive] = []
        while isPunctuator("@") {
            let location = token.location
            try advance()
            found.append(
                Directive(name: try name(), arguments: try argumentList(constant: false), location: location))
        }
        return found
    }

    private mutating func value(constant: Bool) throws(GraphQLError) -> Value {
        switch token.kind {
        case .punctuator("$"):
            guard !constant else { throw unexpected("a constant value") }
            try advance()
            return .variable(try name())
        case .int(let text):
            try advance()
            return .int(text)
        case .float(let text):
            try advance()
            return .float(text)
        case .string(let text):
            try advance()
            return .string(text)
        case .name(let text):
            try advance()
            switch text {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            case "null": return .null
            default: return .enumValue(text)
            }
        case .punctuator("["):
            return try nested { (parser: inout Parser) throws(GraphQLError) -> Value in
                try parser.advance()
                var items: [Value] = []
                while !parser.isPunctuator("]") { items.append(try parser.value(constant: constant)) }
                try parser.advance()
                return .list(items)
            }
        case .punctuator("{"):
            return try nested { (parser: inout Parser) throws(GraphQLError) -> Value in
                try parser.advance()
                var fields: [(name: String, value: Value)] = []
                while !parser.isPunctuator("}") {
                    let fieldName = try parser.name()
                    try parser.expect(":")
                    fields.append((fieldName, try parser.value(constant: constant)))
                }
                try parser.advance()
                return .object(fields)
            }
        default:
            throw unexpected("a value")
        }
    }

    private mutating func typeReference() throws(GraphQLError) -> TypeReference {
        var type: TypeReference
        if isPunctuator("[") {
            type = try nested { (parser: inout Parser) throws(GraphQLError) -> TypeReference in
                try parser.advance()
                let inner = try parser.typeReference()
                try parser.expect("]")
                return .list(inner)
            }
        } else {
            type = .named(try name())
        }
        if isPunctuator("!") {
            try advance()
            type = .nonNull(type)
        }
        return type
    }
}
