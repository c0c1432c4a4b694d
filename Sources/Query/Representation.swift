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
    /// (RFC 4180), and TSV replaces tabs and line breaks, which it cannot quote.
    func table(header: [String], rows: [[String]]) -> [UInt8] {
        let separator = self == .tsv ? "\t" : ","
        func field(_ text: String) -> String {
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

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
