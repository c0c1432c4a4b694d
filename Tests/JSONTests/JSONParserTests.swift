import JSON
import TestSupport
import Testing

@Suite("JSONParser: strict RFC 8259, numbers kept exact")
struct JSONParserTests {
    @Test(
        "accepts what RFC 8259 allows",
        arguments: [
            ("{}", JSONValue.object([:])),
            ("[]", .array([])),
            (" \t\r\n null \n", .null),
            ("true", .bool(true)),
            ("[false,null]", .array([.bool(false), .null])),
            ("0", .number("0")),
            ("-0.5e+10", .number("-0.5e+10")),
            ("12345678901234567890.123456789012345678", .number("12345678901234567890.123456789012345678")),
            (#""a\"b\\c\/d\b\f\n\r\t""#, .string("a\"b\\c/d\u{8}\u{C}\n\r\t")),
            (#""\u00e9\u20AC\uD83D\uDE00""#, .string("é€😀")),
            ("\"é€😀\"", .string("é€😀")),
            (
                #"{"a":{"b":[1,{"c":"d"}]},"a2":1}"#,
                .object(["a": .object(["b": .array([.number("1"), .object(["c": "d"])])]), "a2": 1])
            ),
        ])
    func accepts(text: String, value: JSONValue) throws {
        #expect(try JSONParser.parse(text) == value)
    }

    @Test(
        "refuses what RFC 8259 does not allow",
        arguments: [
            "", " ", "{", "[1,]", "[,1]", "{\"a\"}", "{\"a\":1,}", "{a:1}", "01", "1.", ".5", "-", "+1", "1e", "0x10",
            "NaN", "Infinity", "tru", "nul", "'a'", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\uD800\"", "\"\\uDC00\"",
            "\"\\uD800\\u0041\"", "\"a\u{1}b\"", "[1] 2", "{\"a\":1}}", "[\"a\"\"b\"]",
        ])
    func refuses(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test("refuses invalid UTF-8 inside strings")
    func invalidUTF8() {
        for bytes: [UInt8] in [
            [0x22, 0xC3, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0x5C, 0x6E, 0x80, 0x22],
        ] {
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test("caps nesting depth instead of overflowing the stack")
    func depth() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        let allowed =
            String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        _ = try JSONParser.parse(allowed)
    }

    @Test("errors say where")
    func errorOffset() {
        #expect(throws: JSONSyntaxError(offset: 6, reason: "expected ',' or ']'")) { try JSONParser.parse("[1, 2 3]") }
    }
}

@Suite("JSON serializer: compact, deterministic, round-trips")
struct JSONSerializerTests {
    @Test("writes compact JSON with members in key order")
    func compact() {
        let value: JSONValue = ["b": [1, "x"], "a": .null, "c": .number("1.50"), "d": .bool(true)]
        #expect(value.serialized == #"{"a":null,"b":[1,"x"],"c":1.50,"d":true}"#)
    }

    @Test("escapes quotes, backslashes and control characters, and nothing else")
    func escapes() {
        #expect(JSONValue.string("a\"b\\c\n\u{1}é/").serialized == #""a\"b\\c\n\u0001é/""#)
    }

    @Test("parse(serialize(v)) == v on 2,000 random values")
    func roundTrip() throws {
        var random = TestRandom(seed: 99)
        for _ in 0..<2000 {
            let value = randomValue(depth: 0, random: &random)
            #expect(try JSONParser.parse(value.serialized) == value)
        }
    }

    @Test("mutated texts never trap: each parses or throws")
    func mutations() {
        var random = TestRandom(seed: 5)
        let alphabet = Array("{}[],:\"\\/ u0123456789abcdefeE+-.tnl\u{0}\u{1F}".utf8) + [0xC3, 0xA9, 0xFF, 0xED]
        for _ in 0..<3000 {
            var bytes = randomValue(depth: 0, random: &random).serializedBytes
            for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = alphabet.randomElement(using: &random) ?? 0
                case 1: bytes.insert(alphabet.randomElement(using: &random) ?? 0, at: index)
                default: bytes.removeSubrange(index...)
                }
            }
            _ = try? JSONParser.parse(bytes)
        }
    }
}

private func randomValue(depth: Int, random: inout TestRandom) -> JSONValue {
    let choice = Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &random)
    switch choice {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &random))
    case 2:
        return .number(
            ["0", "-1", "3.25", "12345678901234567890123456789012345678", "1e-36", "6.02E23"]
                .randomElement(using: &random) ?? "0")
    case 3:
        let pieces = ["a", "é", "😀", "\"", "\\", "\n", "\u{1}", "/", " ", "€", "\u{7F}"]
        return .string(
            (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
        )
    case 4:
        return .array(
            (0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(depth: depth + 1, random: &random) })
    default:
        var members: [String: JSONValue] = [:]
        for index in 0..<Int.random(in: 0...4, using: &random) {
            members["k\(index)\(["", "é", "\""].randomElement(using: &random) ?? "")"] = randomValue(
                depth: depth + 1, random: &random)
        }
        return .object(members)
    }
}
