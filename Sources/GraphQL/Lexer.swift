/// GraphQL's lexical grammar (October 2021, section 2.1): punctuators, names, numbers, strings and block strings,
/// with commas, white space, line terminators, comments and a byte order mark ignored.
struct Token: Equatable {
    enum Kind: Equatable {
        case punctuator(String)
        case name(String)
        case int(String)
        case float(String)
        case string(String)
        case end
    }

    let kind: Kind
    let location: SourceLocation
}

/// Where something is in the document: 1-based line and column, columns counted in Unicode scalars.
public struct SourceLocation: Equatable, Sendable {
    public let line: Int
    public let column: Int
}

struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private var lineStart = 0

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    private var location: SourceLocation { SourceLocation(line: line, column: position - lineStart + 1) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private mutating func newline() {
        line += 1
        lineStart = position
    }

    mutating func next() throws(GraphQLError) -> Token {
        skipIgnored()
        let start = location
        guard let scalar = peek() else { return Token(kind: .end, location: start) }
        switch scalar {
        case "!", "$", "&", "(", ")", ":", "=", "@", "[", "]", "{", "|", "}":
            position += 1
            return Token(kind: .punctuator(String(scalar)), location: start)
        case ".":
            guard peek(1) == ".", peek(2) == "." else { throw error("expected '...'", at: start) }
            position += 3
            return Token(kind: .punctuator("..."), location: start)
        case "\"":
            if peek(1) == "\"", peek(2) == "\"" { return Token(kind: .string(try blockString()), location: start) }
            return Token(kind: .string(try string()), location: start)
        case "-", "0"..."9":
            return try number(start)
        default:
            guard Self.isNameStart(scalar) else {
                throw error("unexpected character \(Self.describe(scalar))", at: start)
            }
            var text = ""
            while let next = peek(), Self.isNameStart(next) || ("0"..."9").contains(next) {
                text.unicodeScalars.append(next)
                position += 1
            }
            return Token(kind: .name(text), location: start)
        }
    }

    private mutating func skipIgnored() {
        while let scalar = peek() {
            switch scalar {
            case "\u{FEFF}", " ", "\t", ",":
                position += 1
            case "\n":
                position += 1
                newline()
            case "\r":
                position += 1
                if peek() == "\n" { position += 1 }
                newline()
            case "#":
                while let next = peek(), next != "\n", next != "\r" { position += 1 }
            default:
                return
            }
        }
    }

    private mutating func number(_ start: SourceLocation) throws(GraphQLError) -> Token {
        var text = ""
        func digits() {
            while let next = peek(), ("0"..."9").contains(next) {
                text.unicodeScalars.append(next)
                position += 1
            }
        }
        if peek() == "-" {
            text = "-"
            position += 1
        }
        guard let first = peek(), ("0"..."9").contains(first) else { throw error("expected a digit", at: location) }
        if first == "0" {
            text += "0"
            position += 1
            if let next = peek(), ("0"..."9").contains(next) { throw error("a number may not start with 0", at: start) }
        } else {
            digits()
        }
        var isFloat = false
        if peek() == ".", let next = peek(1), ("0"..."9").contains(next) {
            isFloat = true
            text += "."
            position += 1
            digits()
        } else if peek() == "." {
            throw error("expected a digit after '.'", at: location)
        }
        if peek() == "e" || peek() == "E" {
            isFloat = true
            text += "e"
            position += 1
            if let sign = peek(), sign == "+" || sign == "-" {
                text.unicodeScalars.append(sign)
                position += 1
            }
            guard let next = peek(), ("0"..."9").contains(next) else {
                throw error("expected a digit in the exponent", at: location)
            }
            digits()
        }
        if let next = peek(), next == "." || Self.isNameStart(next) {
            throw error("unexpected character \(Self.describe(next)) after a number", at: location)
        }
        return Token(kind: isFloat ? .float(text) : .int(text), location: start)
    }

    private mutating func string() throws(GraphQLError) -> String {
        let start = location
        position += 1
        var text = ""
        while true {
            guard let scalar = peek(), scalar != "\n", scalar != "\r" else {
                throw error("unterminated string", at: start)
            }
            position += 1
            switch scalar {
            case "\"":
                return text
            case "\\":
                guard let escaped = peek() else { throw error("unterminated string", at: start) }
                position += 1
                switch escaped {
                case "\"": text += "\""
                case "\\": text += "\\"
                case "/": text += "/"
                case "b": text += "\u{8}"
                case "f": text += "\u{C}"
                case "n": text += "\n"
                case "r": text += "\r"
                case "t": text += "\t"
                case "u": text.unicodeScalars.append(try unicodeEscape(start))
                default: throw error("invalid escape \\\(escaped)", at: location)
                }
            default:
                guard scalar.value >= 0x20 || scalar == "\t" else {
                    throw error("control character \(Self.describe(scalar)) in a string", at: location)
                }
                text.unicodeScalars.append(scalar)
            }
        }
    }

    /// `\uXXXX`, with a surrogate pair read as one scalar.
    private mutating func unicodeEscape(_ start: SourceLocation) throws(GraphQLError) -> Unicode.Scalar {
        func hex4() throws(GraphQLError) -> UInt32 {
            guard position + 4 <= scalars.count else { throw error("invalid \\u escape", at: start) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Int(String(scalars[position]), radix: 16) else {
                    throw error("invalid \\u escape", at: location)
                }
                value = value * 16 + UInt32(digit)
                position += 1
            }
            return value
        }
        let high = try hex4()
        if (0xD800...0xDBFF).contains(high), peek() == "\\", peek(1) == "u" {
            position += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low),
                let scalar = Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00))
            else { throw error("invalid surrogate pair", at: start) }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else { throw error("invalid unicode escape", at: start) }
        return scalar
    }

    /// `"""..."""`: raw text, `\"""` an escaped delimiter, then the common indentation and blank first and last
    /// lines removed (section 2.9.4).
    private mutating func blockString() throws(GraphQLError) -> String {
        let start = location
        position += 3
        var raw = ""
        while true {
            guard let scalar = peek() else { throw error("unterminated block string", at: start) }
            if scalar == "\"", peek(1) == "\"", peek(2) == "\"" {
                position += 3
                return Self.blockValue(raw)
            }
            if scalar == "\\", peek(1) == "\"", peek(2) == "\"", peek(3) == "\"" {
                raw += "\"\"\""
                position += 4
                continue
            }
            position += 1
            if scalar == "\n" || scalar == "\r" {
                if scalar == "\r", peek() == "\n" { position += 1 }
                newline()
                raw += "\n"
                continue
            }
            guard scalar.value >= 0x20 || scalar == "\t" else {
                throw error("control character \(Self.describe(scalar)) in a string", at: location)
            }
            raw.unicodeScalars.append(scalar)
        }
    }

    static func blockValue(_ raw: String) -> String {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let indents = lines.dropFirst().compactMap { line -> Int? in
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            return indent < line.count ? indent : nil
        }
        if let common = indents.min() {
            for index in lines.indices.dropFirst() { lines[index] = String(lines[index].dropFirst(common)) }
        }
        let blank = { (line: String) in line.allSatisfy { $0 == " " || $0 == "\t" } }
        while let first = lines.first, blank(first) { lines.removeFirst() }
        while let last = lines.last, blank(last) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        scalar.value < 0x20 || scalar.value == 0x7F
            ? "U+\(String(scalar.value, radix: 16, uppercase: true))" : "'\(scalar)'"
    }

    private func error(_ message: String, at location: SourceLocation) -> GraphQLError {
        GraphQLError("Syntax Error: \(message).", locations: [location])
    }
}
