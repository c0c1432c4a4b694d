import ConsumptionCore
import JSON

/// How a list comes back: JSON, or a table with a header row for spreadsheets.
enum Representation: Equatable {
    case json
    case csv
    case tsv

    /// `?format=` wins over `Accept`.
    static func chosen(format: String?, accept: String?) throws(APIError) -> Representation {
        switch format {
        case "json": return .json
        case "csv": return .csv
        case "tsv": return .tsv
        case nil: break
        case let other?:
            throw .badRequest("format", "'format' must be json, csv or tsv, not '\(other.prefix(20))'")
        }
        let accepted = accept?.lowercased() ?? ""
        if accepted.contains("text/csv") { return .csv }
        if accepted.contains("text/tab-separated-values") { return .tsv }
        return .json
    }

    var contentType: String {
        switch self {
        case .json: return "application/json"
        case .csv: return "text/csv; charset=utf-8"
        case .tsv: return "text/tab-separated-values; charset=utf-8"
        }
    }

    /// A header row then one row per item; fields holding the separator, a quote or a line break are quoted
    /// (RFC 4180), and TSV replaces tabs and line breaks, which it cannot quote. A field a spreadsheet would run as a
    /// formula gets a leading apostrophe (`spreadsheetSafe`).
    func table(header: [String], rows: [[String]]) -> [UInt8] {
        let separator = self == .tsv ? "\t" : ","
        func field(_ text: String) -> String {
            let text = Self.spreadsheetSafe(text)
            if self == .tsv {
                return String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
            }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
        }
        var text = header.joined(separator: separator) + "\r\n"
        for row in rows { text += row.map(field).joined(separator: separator) + "\r\n" }
        return Array(text.utf8)
    }
}

extension Representation {
    /// Meter ids come from tenants' files: one starting with `=`, `+`, `-` or `@` (or a tab or carriage return)
    /// would run as a formula where the answer is opened in a spreadsheet (`=HYPERLINK(...)`), so it is written
    /// after an apostrophe, which spreadsheets read as "text follows", as OWASP's CSV-injection guidance says.
    /// Numbers keep their sign: a plain decimal is data, never a formula.
    static func spreadsheetSafe(_ text: String) -> String {
        guard let first = text.utf8.first, Self.formulaStarts.contains(first), !isPlainDecimal(text) else {
            return text
        }
        return "'" + text
    }

    private static let formulaStarts: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"),
        UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r"),
    ]

    /// An optional sign, digits, and optionally a point and more digits.
    private static func isPlainDecimal(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        return (parts.count == 1 || parts.count == 2)
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
