/// A recursive-descent parser for DynamoDB's expressions, following the grammar of the developer guide:
///
///     condition  ::= disjunct (OR disjunct)*
///     disjunct   ::= conjunct (AND conjunct)*
///     conjunct   ::= NOT conjunct | '(' condition ')' | function | operand comparator operand
///                  | operand BETWEEN operand AND operand | operand IN '(' operand (',' operand)* ')'
///     operand    ::= path | :value | size(path)
///     path       ::= name ('.' name | '[' integer ']')*
///
/// Precedence, loosest first: OR, AND, NOT, then comparisons and functions. Update and projection expressions are in
/// `ExpressionParser+Update.swift`. Placeholders used are collected for the request's unused/undefined checks.
struct ExpressionParser {
    private let tokens: [ExpressionToken]
    private var position = 0
    /// The request member being parsed (`ConditionExpression`, ...), as AWS names it in its messages.
    let kind: String
    private(set) var names: Set<String> = []
    private(set) var values: Set<String> = []

    init(_ text: String, kind: String) throws(DynamoDBError) {
        self.kind = kind
        tokens = try ExpressionLexer.tokens(of: text, kind: kind)
        guard tokens.count > 1 else { throw .validation("Invalid \(kind): The expression can not be empty;") }
    }

    static func condition(_ text: String, kind: String) throws(DynamoDBError) -> Parsed<Condition> {
        var parser = try ExpressionParser(text, kind: kind)
        let tree = try parser.parseCondition()
        try parser.expectEnd()
        return Parsed(tree: tree, names: parser.names, values: parser.values)
    }

    // MARK: Tokens

    var current: ExpressionToken { tokens[position] }

    func peek(_ offset: Int = 1) -> ExpressionToken {
        tokens[min(position + offset, tokens.count - 1)]
    }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    func syntaxError() -> DynamoDBError {
        ExpressionLexer.syntaxError(kind, token: current.text)
    }

    mutating func expect(_ symbol: String) throws(DynamoDBError) {
        guard current == .symbol(symbol) else { throw syntaxError() }
        advance()
    }

    mutating func accept(_ symbol: String) -> Bool {
        guard current == .symbol(symbol) else { return false }
        advance()
        return true
    }

    func expectEnd() throws(DynamoDBError) {
        guard current == .end else { throw syntaxError() }
    }

    // MARK: Conditions

    mutating func parseCondition() throws(DynamoDBError) -> Condition {
        var condition = try parseConjunction()
        while current.isKeyword("OR") {
            advance()
            condition = .or(condition, try parseConjunction())
        }
        return condition
    }

    private mutating func parseConjunction() throws(DynamoDBError) -> Condition {
        var condition = try parseNegation()
        while current.isKeyword("AND") {
            advance()
            condition = .and(condition, try parseNegation())
        }
        return condition
    }

    private mutating func parseNegation() throws(DynamoDBError) -> Condition {
        if current.isKeyword("NOT") {
            advance()
            return .not(try parseNegation())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(DynamoDBError) -> Condition {
        if accept("(") {
            let inner = try parseCondition()
            try expect(")")
            return inner
        }
        if case .word(let function) = current, peek() == .symbol("("), function != "size" {
            return try parseConditionFunction(function)
        }
        let left = try parseOperand()
        if case .symbol(let symbol) = current, let comparator = Comparator(rawValue: symbol) {
            advance()
            return .comparison(left, comparator, try parseOperand())
        }
        if current.isKeyword("BETWEEN") {
            advance()
            let low = try parseOperand()
            guard current.isKeyword("AND") else { throw syntaxError() }
            advance()
            return .between(left, low, try parseOperand())
        }
        if current.isKeyword("IN") {
            advance()
            try expect("(")
            var candidates = [try parseOperand()]
            while accept(",") { candidates.append(try parseOperand()) }
            try expect(")")
            guard candidates.count <= 100 else {
                throw .validation(
                    "Invalid \(kind): The IN operator is provided with too many operands; number of operands: \(candidates.count)"
                )
            }
            return .membership(left, candidates)
        }
        throw syntaxError()
    }

    private mutating func parseConditionFunction(_ function: String) throws(DynamoDBError) -> Condition {
        advance()
        try expect("(")
        let condition: Condition
        switch function {
        case "attribute_exists": condition = .attributeExists(try parsePath())
        case "attribute_not_exists": condition = .attributeNotExists(try parsePath())
        case "attribute_type":
            let path = try parsePath()
            try expect(",")
            condition = .attributeType(path, try parseOperand())
        case "begins_with", "contains":
            let subject = try parseOperand()
            try expect(",")
            let operand = try parseOperand()
            condition = function == "contains" ? .contains(subject, operand) : .beginsWith(subject, operand)
        default:
            throw unknownFunction(function)
        }
        try expect(")")
        return condition
    }

    func unknownFunction(_ function: String) -> DynamoDBError {
        let known = [
            "if_not_exists", "list_append", "attribute_exists", "attribute_not_exists", "attribute_type",
            "begins_with", "contains", "size",
        ]
        return known.contains(function)
            ? .validation("Invalid \(kind): The function is not allowed in a \(kind); function: \(function)")
            : .validation("Invalid \(kind): Invalid function name; function: \(function)")
    }

    mutating func parseOperand() throws(DynamoDBError) -> Operand {
        switch current {
        case .valuePlaceholder(let placeholder):
            values.insert(placeholder)
            advance()
            return .value(placeholder)
        case .word(let function) where peek() == .symbol("("):
            guard function == "size" else { throw unknownFunction(function) }
            advance()
            try expect("(")
            let path = try parsePath()
            try expect(")")
            return .size(path)
        default:
            return .path(try parsePath())
        }
    }

    // MARK: Paths

    mutating func parsePath() throws(DynamoDBError) -> DocumentPath {
        var steps = [PathStep.member(try parseName())]
        while true {
            if accept(".") {
                steps.append(.member(try parseName()))
            } else if accept("[") {
                guard case .integer(let index) = current else { throw syntaxError() }
                advance()
                try expect("]")
                steps.append(.element(index))
            } else {
                return DocumentPath(steps: steps)
            }
        }
    }

    private mutating func parseName() throws(DynamoDBError) -> NameReference {
        switch current {
        case .namePlaceholder(let placeholder):
            names.insert(placeholder)
            advance()
            return .placeholder(placeholder)
        case .word(let word):
            guard !ReservedWords.contains(word) else {
                throw .validation("Invalid \(kind): Attribute name is a reserved keyword; reserved keyword: \(word)")
            }
            advance()
            return .plain(word)
        default:
            throw syntaxError()
        }
    }
}
