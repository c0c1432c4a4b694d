import ArgumentParser
import ConsumptionCore

/// `consumption validate FILE...`: the validation report of each file.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Print the validation report of each file; exit 1 when any file is invalid."
    )

    @OptionGroup var ruleOptions: RuleOptions

    @Flag(help: "Print JSON for machines instead of text.")
    var json = false

    @Argument(help: "Meter files (CSV or gzip); '-' reads standard input.")
    var files: [String]

    func run() throws {
        let rules = try ruleOptions.rules()
        var reports: [FileReport] = []
        for file in files {
            let result = try FileReader.read(file, rules: rules)
            reports.append(FileReport(file: file, result: result))
            if !json { print(ReportText.render(file: file, result: result)) }
        }
        if json { print("[" + reports.map(\.json).joined(separator: ",\n") + "]") }
        if reports.contains(where: { !$0.valid }) { throw ExitCode(1) }
    }
}

/// One file's report, as `validate --json` prints it.
struct FileReport {
    let file: String
    let result: MeterFileResult

    var valid: Bool { result.isValid }

    var json: String {
        let report = result.report
        let counts = report.countsByCode.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\(JSONText.string($0.key.rawValue)): \($0.value)" }
        let errors = report.errors.map { error in
            "{\"code\": \(JSONText.string(error.code.rawValue)), \"line\": \(error.line), "
                + "\"column\": \(error.column.map(JSONText.string) ?? "null"), "
                + "\"excerpt\": \(JSONText.string(error.excerpt)), \"message\": \(JSONText.string(error.message))}"
        }
        let fields = [
            "\"file\": \(JSONText.string(file))",
            "\"valid\": \(valid)",
            "\"format\": \(result.format.map { JSONText.string($0.description) } ?? "null")",
            "\"lines\": \(result.lines)",
            "\"rows\": \(result.rows)",
            "\"bytes\": \(result.inputBytes)",
            "\"days\": \(result.totals.byDate.count)",
            "\"meterDays\": \(result.totals.meterDayCount)",
            "\"errorCount\": \(report.errorCount)",
            "\"errorsByCode\": {\(counts.joined(separator: ", "))}",
            "\"errors\": [\(errors.joined(separator: ",\n    "))]",
        ]
        return "{\n  " + fields.joined(separator: ",\n  ") + "\n}"
    }
}

/// JSON string literals, escaped by hand: the CLI stays free of Foundation, which would double its memory.
enum JSONText {
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The human report of one file.
enum ReportText {
    static func render(file: String, result: MeterFileResult) -> String {
        let report = result.report
        var lines: [String] = []
        let format = result.format?.description ?? "unknown format"
        if report.isValid {
            lines.append("\(file): valid (\(format), \(result.rows) rows, \(result.totals.byDate.count) days, "
                + "\(result.totals.meterDayCount) meter-days)")
        } else {
            lines.append("\(file): INVALID (\(format), \(report.errorCount) errors in \(result.lines) lines)")
            for error in report.errors {
                let column = error.column.map { " column \($0)" } ?? ""
                let excerpt = error.excerpt.isEmpty ? "" : " '\(error.excerpt)'"
                lines.append("  line \(error.line)\(column): \(error.code.rawValue): \(error.message)\(excerpt)")
            }
            if report.errorCount > report.errors.count {
                lines.append("  ... and \(report.errorCount - report.errors.count) more")
            }
        }
        return lines.joined(separator: "\n")
    }
}
