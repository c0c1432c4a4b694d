/// A token of DynamoDB's expression languages (condition, key condition, filter, update, projection).
enum ExpressionToken: Equatable {
    /// A bare word: an attribute name, a keyword (AND, SET, ...) or a function name.
    case word(String)
    /// `#name`: an expression attribute name.
    case namePlaceholder(String)
    /// `:value`: an expression attribute value.
    case valuePlaceholder(String)
    /// Digits (a list index inside `[...]`).
    case integer(Int)
    case symbol(String)
    case end

    var text: String {
        switch self {
        case .word(let word): return word
        case .namePlaceholder(let name): return name
        case .valuePlaceholder(let value): return value
        case .integer(let number): return String(number)
        case .symbol(let symbol): return symbol
        case .end: return "<EOF>"
        }
    }

    /// A keyword, matched case-insensitively as DynamoDB does.
    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let word) = self { return word.uppercased() == keyword }
        return false
    }
}

/// Splits an expression into tokens; anything it cannot read is a syntax error naming the character.
enum ExpressionLexer {
    static func tokens(of text: String, kind: String) throws(DynamoDBError) -> [ExpressionToken] {
        let bytes = Array(text.utf8)
        var tokens: [ExpressionToken] = []
        var index = 0
        func isWordByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
        func word(from start: Int) -> String {
            var end = start
            while end < bytes.count && isWordByte(bytes[end]) { end += 1 }
            index = end
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"), UInt8(ascii: ":"):
                let name = word(from: index + 1)
                guard !name.isEmpty else { throw syntaxError(kind, token: String(UnicodeScalar(byte))) }
                tokens.append(byte == UInt8(ascii: "#") ? .namePlaceholder("#" + name) : .valuePlaceholder(":" + name))
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digits = word(from: index)
                guard let number = Int(digits) else { throw syntaxError(kind, token: digits) }
                tokens.append(.integer(number))
            case _ where isWordByte(byte):
                tokens.append(.word(word(from: index)))
            case UInt8(ascii: "<"), UInt8(ascii: ">"):
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                if next == UInt8(ascii: "=") || (byte == UInt8(ascii: "<") && next == UInt8(ascii: ">")) {
                    tokens.append(.symbol(String(decoding: bytes[index...(index + 1)], as: UTF8.self)))
                    index += 2
                } else {
                    tokens.append(.symbol(String(UnicodeScalar(byte))))
                    index += 1
                }
            case UInt8(ascii: "="), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: "."),
                UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                tokens.append(.symbol(String(UnicodeScalar(byte))))
                index += 1
            default:
                let scalar = String(decoding: bytes[index...].prefix(4), as: UTF8.self).prefix(1)
                throw syntaxError(kind, token: String(scalar))
            }
        }
        tokens.append(.end)
        return tokens
    }

    static func syntaxError(_ kind: String, token: String) -> DynamoDBError {
        .validation("Invalid \(kind): Syntax error; token: \"\(token)\"")
    }
}
