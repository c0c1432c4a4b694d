/// One meter's reading for one day, as a file states it.
public struct MeterDay: Sendable, Equatable {
    public var meter: String
    public var date: CalendarDate
    /// The day's value: the sum of `intervals` when the file gives them.
    public var value: ExactDecimal
    /// The interval values in time order (wide and NEM12 files; nil for a NEM12 day with gaps).
    public var intervals: [ExactDecimal]?
    /// The line the reading starts on (for timestamped files, the first line that contributed to it).
    public var line: Int
    public var flow: EnergyFlow
    /// Of `value`, what rests on readings that are not actual (estimated, substituted: NEM12's quality flags).
    public var notActual: ExactDecimal
    /// Intervals the day should have and has not (NEM12 intervals of quality N): gaps, not zeros.
    public var missingIntervals: Int
    /// Each interval's quality, beside `intervals`, when any is not actual; nil: every interval is actual.
    public var qualities: [QualityFlag]?

    public init(
        meter: String, date: CalendarDate, value: ExactDecimal, intervals: [ExactDecimal]?, line: Int,
        flow: EnergyFlow = .consumption, notActual: ExactDecimal = .zero, missingIntervals: Int = 0,
        qualities: [QualityFlag]? = nil
    ) {
        self.meter = meter
        self.date = date
        self.value = value
        self.intervals = intervals
        self.line = line
        self.flow = flow
        self.notActual = notActual
        self.missingIntervals = missingIntervals
        self.qualities = qualities
    }
}
