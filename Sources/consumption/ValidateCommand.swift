import ArgumentParser
import ConsumptionCore
import Foundation

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
            let result = try FileReader.parse(file, rules: rules)
            reports.append(FileReport(file: file, result: result))
            if !json { print(ReportText.render(file: file, result: result)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        }
        if reports.contains(where: { !$0.valid }) { throw ExitCode(1) }
    }
}

/// One file's report, as `validate --json` prints it.
struct FileReport: Encodable {
    var file: String
    var valid: Bool
    var format: String?
    var lines: Int
    var rows: Int
    var bytes: Int
    var days: Int
    var meterDays: Int
    var errorCount: Int
    var errorsByCode: [String: Int]
    var errors: [ConsumptionCore.ValidationError]

    init(file: String, result: MeterFileResult) {
        self.file = file
        valid = result.report.isValid
        format = result.format?.description
        lines = result.lines
        rows = result.rows
        bytes = result.inputBytes
        days = result.totals.byDate.count
        meterDays = result.totals.meterDayCount
        errorCount = result.report.errorCount
        errorsByCode = Dictionary(uniqueKeysWithValues: result.report.countsByCode.map { ($0.key.rawValue, $0.value) })
        errors = result.report.errors
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
