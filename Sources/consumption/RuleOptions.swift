import ArgumentParser
import ConsumptionCore
import Glibc
import LambdaRuntime

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

    @Option(
        help: """
            The market time zone of CSV files (e.g. Europe/London; `consumption tenants zones` lists them): clock-change \
            days are 23 or 25 hours long. Read from ZONEINFO_DIR or /usr/share/zoneinfo.
            """)
    var zone: String?

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
            earliestDate: earliestDate, latestDate: latestDate, unit: energyUnit, zone: try zone.map(Self.zoneRules))
    }

    /// The zone's rules from this machine's tzdata; only the zones the ingest function knows are accepted, so a
    /// file validated here reads as it will there.
    static func zoneRules(_ name: String) throws -> ZoneRules {
        guard MarketZones.supported.contains(name) else {
            throw ArgumentParser.ValidationError(
                "--zone must be one of \(MarketZones.supported.joined(separator: ", ")), got '\(name)'")
        }
        let directory = getenv("ZONEINFO_DIR").map { String(cString: $0) } ?? "/usr/share/zoneinfo"
        guard let bytes = TaskFile.contents(of: "\(directory)/\(name)") else {
            throw ArgumentParser.ValidationError("no TZif file for \(name) in \(directory)")
        }
        return try TZifReader.rules(name: name, bytes: bytes)
    }

    /// Today in UTC, from the system clock.
    static func today() -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int(time(nil)) / 86_400)
    }
}
