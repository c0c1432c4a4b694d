import ArgumentParser
import ConsumptionCore
import ConsumptionTable
import JSON

/// `consumption validate FILE...`: the validation report of each file.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Print the validation report of each file; exit 1 when any file is invalid."
    )

    @OptionGroup var ruleOptions: RuleOptions

    @Flag(help: "Print JSON for machines instead of text.")
    var json = false

    @Option(help: "Also count the ranges of at least this many bytes the ingest function would cut the file into.")
    var rangeBytes: Int?

    @Argument(help: "Meter files (CSV or gzip); '-' reads standard input.")
    var files: [String]

    func run() throws {
        let rules = try ruleOptions.rules()
        var reports: [FileReport] = []
        for file in files {
            let plan = rangeBytes.map { RangePlan(bytes: $0, alignment: VersionPage.capacity) }
            let result = try FileReader.read(file, rules: rules, rangePlan: plan)
            reports.append(FileReport(file: file, result: result))
            if !json { print(ReportText.render(file: file, result: result)) }
            if !json, let rangeBytes, result.isValid {
                print(
                    result.rangeStarts.isEmpty
                        ? "  cannot be cut into ranges (gzip or timestamped)"
                        : "  \(result.rangeStarts.count) ranges of at least \(rangeBytes) bytes")
            }
        }
        if json { print(JSONValue.array(reports.map(\.json)).serialized) }
        if reports.contains(where: { !$0.valid }) { throw ExitCode(1) }
    }
}

/// One file's report, as `validate --json` prints it.
struct FileReport {
    let file: String
    let result: MeterFileResult

    var valid: Bool { result.isValid }

    var json: JSONValue {
        let report = result.report
        let overall = result.totals.overall
        let errors: [JSONValue] = report.errors.map { error in
            [
                "code": .string(error.code.rawValue), "line": .integer(error.line),
                "column": error.column.map(JSONValue.string) ?? .null, "excerpt": .string(error.excerpt),
                "message": .string(error.message),
            ]
        }
        return [
            "file": .string(file), "valid": .bool(valid),
            "format": result.format.map { .string($0.description) } ?? .null,
            "lines": .integer(result.lines), "rows": .integer(result.rows), "bytes": .integer(result.inputBytes),
            "days": .integer(result.totals.byDate.count), "meterDays": .integer(result.totals.meterDayCount),
            "errorCount": .integer(report.errorCount), "ranges": .integer(result.rangeStarts.count),
            "notActual": .string(overall.notActual.description), "incompleteMeterDays": .integer(overall.incomplete),
            "exported": .string(overall.exported.description), "exportMeterDays": .integer(overall.exportMeters),
            "skippedChannelDays": .integer(overall.skippedChannels),
            "errorsByCode": .object(
                Dictionary(uniqueKeysWithValues: report.countsByCode.map { ($0.key.rawValue, .integer($0.value)) })),
            "errors": .array(errors),
        ]
    }
}

/// The human report of one file.
enum ReportText {
    static func render(file: String, result: MeterFileResult) -> String {
        let report = result.report
        var lines: [String] = []
        let format = result.format?.description ?? "unknown format"
        if report.isValid {
            lines.append(
                "\(file): valid (\(format), \(result.rows) rows, \(result.totals.byDate.count) days, "
                    + "\(result.totals.meterDayCount) meter-days)")
            let overall = result.totals.overall
            var notes: [String] = []
            if overall.notActual != .zero { notes.append("\(overall.notActual) kWh of the total not actual readings") }
            if overall.incomplete > 0 { notes.append("\(overall.incomplete) meter-days with missing intervals") }
            if overall.exportMeters > 0 {
                notes.append("\(overall.exported) kWh exported on \(overall.exportMeters) channel-days")
            }
            if overall.skippedChannels > 0 {
                notes.append("\(overall.skippedChannels) channel-days skipped (neither imported nor exported energy)")
            }
            if !notes.isEmpty { lines.append("  " + notes.joined(separator: "; ")) }
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
