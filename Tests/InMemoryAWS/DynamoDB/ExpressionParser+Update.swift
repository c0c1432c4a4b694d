/// Update and projection expressions:
///
///     update     ::= (SET action (',' action)* | REMOVE path (',' path)* | ADD path :value (',' path :value)*
///                     | DELETE path :value (',' path :value)*)+        each clause at most once
///     action     ::= path '=' operand (('+' | '-') operand)?
///     operand    ::= path | :value | if_not_exists(path, operand) | list_append(operand, operand)
///     projection ::= path (',' path)*
extension ExpressionParser {
    static func update(_ text: String) throws(DynamoDBError) -> Parsed<UpdateTree> {
        var parser = try ExpressionParser(text, kind: "UpdateExpression")
        var tree = UpdateTree()
        var seen: Set<String> = []
        while parser.current != .end {
            guard case .word(let word) = parser.current else { throw parser.syntaxError() }
            let clause = word.uppercased()
            guard ["SET", "REMOVE", "ADD", "DELETE"].contains(clause) else { throw parser.syntaxError() }
            guard seen.insert(clause).inserted else {
                throw .validation(
                    "Invalid UpdateExpression: The \"\(clause)\" section can only be used once in an update expression;"
                )
            }
            parser.advance()
            repeat {
                let path = try parser.parsePath()
                switch clause {
                case "SET":
                    try parser.expect("=")
                    tree.sets.append((path, try parser.parseSetValue()))
                case "REMOVE":
                    tree.removes.append(path)
                case "ADD":
                    tree.adds.append((path, try parser.parseValuePlaceholder()))
                default:
                    tree.deletes.append((path, try parser.parseValuePlaceholder()))
                }
            } while parser.accept(",")
        }
        return Parsed(tree: tree, names: parser.names, values: parser.values)
    }

    static func projection(_ text: String) throws(DynamoDBError) -> Parsed<[DocumentPath]> {
        var parser = try ExpressionParser(text, kind: "ProjectionExpression")
        var paths = [try parser.parsePath()]
        while parser.accept(",") { paths.append(try parser.parsePath()) }
        try parser.expectEnd()
        return Parsed(tree: paths, names: parser.names, values: parser.values)
    }

    private mutating func parseValuePlaceholder() throws(DynamoDBError) -> String {
        guard case .valuePlaceholder = current else { throw syntaxError() }
        guard case .value(let placeholder) = try parseOperand() else { throw syntaxError() }
        return placeholder
    }

    private mutating func parseSetValue() throws(DynamoDBError) -> SetValue {
        let first = try parseSetOperand()
        if accept("+") { return .sum(first, try parseSetOperand()) }
        if accept("-") { return .difference(first, try parseSetOperand()) }
        return .operand(first)
    }

    private mutating func parseSetOperand() throws(DynamoDBError) -> SetOperand {
        guard case .word(let function) = current, peek() == .symbol("(") else {
            switch try parseOperand() {
            case .value(let placeholder): return .value(placeholder)
            case .path(let path): return .path(path)
            case .size: throw unknownFunction("size")
            }
        }
        advance()
        try expect("(")
        let operand: SetOperand
        switch function {
        case "if_not_exists":
            let path = try parsePath()
            try expect(",")
            operand = .ifNotExists(path, try parseSetOperand())
        case "list_append":
            let first = try parseSetOperand()
            try expect(",")
            operand = .listAppend(first, try parseSetOperand())
        default:
            throw unknownFunction(function)
        }
        try expect(")")
        return operand
    }
}
