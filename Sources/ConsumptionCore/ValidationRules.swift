/// The limits a meter file is held to. Strict by default; the ingest function reads them from its environment.
public struct ValidationRules: Sendable, Equatable {
    /// Negative readings are refused unless the file carries an export channel.
    public var allowNegative: Bool
    /// The largest value one interval (or one daily value) may hold.
    public var intervalCeiling: ExactDecimal
    /// Dates outside `earliestDate...latestDate` are refused.
    public var earliestDate: CalendarDate
    public var latestDate: CalendarDate

    /// The default window runs from 2000-01-01 to a year after `today`; the core has no clock, so the caller says
    /// which day it is.
    public init(
        today: CalendarDate,
        allowNegative: Bool = false,
        intervalCeiling: ExactDecimal = ValidationRules.defaultIntervalCeiling,
        earliestDate: CalendarDate = ValidationRules.defaultEarliestDate,
        latestDate: CalendarDate? = nil
    ) {
        self.allowNegative = allowNegative
        self.intervalCeiling = intervalCeiling
        self.earliestDate = earliestDate
        self.latestDate = latestDate ?? today.adding(years: 1)
    }

    /// 10,000 kWh in one interval.
    public static let defaultIntervalCeiling = ExactDecimal(units: 10_000 * ExactDecimal.unitsPerWhole)
    public static let defaultEarliestDate = CalendarDate(daysSinceEpoch: 10_957)  // 2000-01-01
}
