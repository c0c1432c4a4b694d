import ArgumentParser
import ConsumptionCore

/// `consumption totals FILE...`: exact daily totals summed over the files, as CSV.
struct TotalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "totals",
        abstract: "Print exact daily totals (date,total) summed over the files, sorted by date.",
        discussion: "Fails, printing the errors, when any file is invalid: a partial total would mislead."
    )

    @OptionGroup var ruleOptions: RuleOptions

    @Flag(
        help: """
            Add the columns meters, intervals, average, notActual (of the total, what rests on estimated or \
            substituted readings), incomplete (meter-days with gaps), exported, exportMeters and skippedChannels \
            (channel-days of reactive or other energy not counted).
            """)
    var details = false

    @Argument(help: "Meter files (CSV or gzip); '-' reads standard input.")
    var files: [String]

    func run() throws {
        let rules = try ruleOptions.rules()
        var totals = DailyTotals()
        var invalid = 0
        for file in files {
            let result = try FileReader.read(file, rules: rules)
            if result.isValid {
                totals.merge(result.totals)
            } else {
                invalid += 1
                printError(ReportText.render(file: file, result: result))
            }
        }
        guard invalid == 0 else {
            printError("\(invalid) of \(files.count) files invalid: no totals printed")
            throw ExitCode(1)
        }
        print(
            details
                ? "date,total,meters,intervals,average,notActual,incomplete,exported,exportMeters,skippedChannels"
                : "date,total")
        for (date, summary) in totals.sortedDays {
            if details {
                print(
                    "\(date),\(summary.total),\(summary.meters),\(summary.intervals),\(summary.average),"
                        + "\(summary.notActual),\(summary.incomplete),\(summary.exported),\(summary.exportMeters),"
                        + "\(summary.skippedChannels)")
            } else {
                print("\(date),\(summary.total)")
            }
        }
    }
}
