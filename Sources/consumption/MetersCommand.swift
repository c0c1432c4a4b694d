import ArgumentParser
import ConsumptionCore

/// `consumption meters FILE`: each meter's daily value.
struct MetersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meters",
        abstract: "Print each meter's daily value (meter,date,value,flow) in file order.",
        discussion: "Rows with errors are left out; the errors go to standard error and the exit status is 1."
    )

    @OptionGroup var ruleOptions: RuleOptions

    @Flag(help: "Add the interval values of wide and NEM12 files, separated by spaces.")
    var intervals = false

    @Argument(help: "A meter file (CSV or gzip); '-' reads standard input.")
    var file: String

    func run() throws {
        let rules = try ruleOptions.rules()
        // `flow`: consumption, or export for a NEM12 export channel (a channel is a meter: `NMI/suffix`).
        print(intervals ? "meter,date,value,flow,intervals" : "meter,date,value,flow")
        let result = try FileReader.read(file, rules: rules) { meterDay in
            var line = CSVText.field(meterDay.meter) + ",\(meterDay.date),\(meterDay.value),\(meterDay.flow.rawValue)"
            if intervals {
                line += "," + (meterDay.intervals ?? []).map(\.description).joined(separator: " ")
            }
            print(line)
        }
        guard result.isValid else {
            printError(ReportText.render(file: file, result: result))
            throw ExitCode(1)
        }
    }
}

enum CSVText {
    /// Quotes a field when it holds a comma, quote or line break (RFC 4180).
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
