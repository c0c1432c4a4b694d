import ArgumentParser
import ConsumptionCore
import Glibc

/// The validation limits, as flags shared by every subcommand.
struct RuleOptions: ParsableArguments {
    @Flag(help: "Accept negative values (export channels).")
    var allowNegative = false

    @Option(help: "Largest value of one interval, in kWh.")
    var ceiling: String = ValidationRules.defaultIntervalCeiling.description

    @Option(help: "Earliest date accepted (YYYY-MM-DD).")
    var earliest: String = ValidationRules.defaultEarliestDate.description

    @Option(help: "Latest date accepted (YYYY-MM-DD); default: a year after today.")
    var latest: String?

    @Option(help: "The unit of CSV values whose header does not name one (a Wh or MWh column does): kWh, Wh or MWh.")
    var unit: String = EnergyUnit.kWh.rawValue

    func rules() throws -> ValidationRules {
        guard let ceilingValue = ExactDecimal(ceiling), ceilingValue >= .zero else {
            throw ArgumentParser.ValidationError("--ceiling must be a plain non-negative decimal, got '\(ceiling)'")
        }
        guard let earliestDate = CalendarDate(earliest) else {
            throw ArgumentParser.ValidationError("--earliest must be a date written YYYY-MM-DD, got '\(earliest)'")
        }
        var latestDate: CalendarDate?
        if let latest {
            guard let parsed = CalendarDate(latest) else {
                throw ArgumentParser.ValidationError("--latest must be a date written YYYY-MM-DD, got '\(latest)'")
            }
            latestDate = parsed
        }
        guard let energyUnit = EnergyUnit(name: unit) else {
            throw ArgumentParser.ValidationError("--unit must be kWh, Wh or MWh, got '\(unit)'")
        }
        return ValidationRules(
            today: Self.today(), allowNegative: allowNegative, intervalCeiling: ceilingValue,
            earliestDate: earliestDate, latestDate: latestDate, unit: energyUnit)
    }

    /// Today in UTC, from the system clock.
    static func today() -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int(time(nil)) / 86_400)
    }
}
