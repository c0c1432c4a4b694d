/// The limits a meter file is held to. Strict by default; the ingest function reads them from its environment.
public struct ValidationRules: Sendable, Equatable {
    /// Negative readings are refused unless the file carries an export channel.
    public var allowNegative: Bool
    /// The largest value one interval (or one daily value) may hold.
    public var intervalCeiling: ExactDecimal
    /// Dates outside `earliestDate...latestDate` are refused.
    public var earliestDate: CalendarDate
    public var latestDate: CalendarDate
    /// A gzip file is refused once it inflates past this many bytes, or past `maxInflationRatio` times the bytes
    /// it came from (beyond its first MiB): a gzip bomb is refused in seconds, not read for hours.
    public var maxInflatedBytes: Int
    public var maxInflationRatio: Int
    /// A timestamped file gathers its meter-days in memory before counting them; past this many it is refused, so
    /// memory stays bounded whatever the file's size.
    public var maxGatheredMeterDays: Int
    /// The unit of the values of a CSV file whose header does not name one (a value column called `Wh`, `kWh` or
    /// `MWh` does).
    public var unit: EnergyUnit
    /// The market time zone of CSV files: a wide row on a day the clocks change holds that day's intervals (46 or
    /// 50 half-hours), and a timestamp in a repeated hour may stand twice. Nil: every day has 24 hours. NEM12 keeps
    /// market standard time whatever this says, as the format does.
    public var zone: ZoneRules?

    /// The default window runs from 2000-01-01 to a year after `today`; the core has no clock, so the caller says
    /// which day it is.
    public init(
        today: CalendarDate,
        allowNegative: Bool = false,
        intervalCeiling: ExactDecimal = ValidationRules.defaultIntervalCeiling,
        earliestDate: CalendarDate = ValidationRules.defaultEarliestDate,
        latestDate: CalendarDate? = nil,
        maxInflatedBytes: Int = ValidationRules.defaultMaxInflatedBytes,
        maxInflationRatio: Int = ValidationRules.defaultMaxInflationRatio,
        maxGatheredMeterDays: Int = ValidationRules.defaultMaxGatheredMeterDays,
        unit: EnergyUnit = .kWh,
        zone: ZoneRules? = nil
    ) {
        self.unit = unit
        self.zone = zone
        self.allowNegative = allowNegative
        self.intervalCeiling = intervalCeiling
        self.earliestDate = earliestDate
        self.latestDate = latestDate ?? today.adding(years: 1)
        self.maxInflatedBytes = maxInflatedBytes
        self.maxInflationRatio = maxInflationRatio
        self.maxGatheredMeterDays = maxGatheredMeterDays
    }

    /// 10,000 kWh in one interval.
    public static let defaultIntervalCeiling = ExactDecimal(units: 10_000 * ExactDecimal.unitsPerWhole)
    public static let defaultEarliestDate = CalendarDate(daysSinceEpoch: 10_957)  // 2000-01-01
    /// 64 GiB: six times the largest file this system is sized for (10 GB), far below what a bomb inflates to.
    public static let defaultMaxInflatedBytes = 64 << 30
    /// A meter file of all-zero readings compresses 43 to 1 at gzip -9 (wide, 48 intervals); deflate's limit, which
    /// a bomb reaches, is about 1,030 to 1.
    public static let defaultMaxInflationRatio = 200
    /// Sized for Lambda's smallest function (128 MB): measured, `consumption validate` peaks at 74 MB RSS with this
    /// many meter-days of 64-byte meter ids gathered (16 MB for a one-row file).
    public static let defaultMaxGatheredMeterDays = 150_000
}
