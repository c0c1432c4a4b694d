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

    public init(
        meter: String, date: CalendarDate, value: ExactDecimal, intervals: [ExactDecimal]?, line: Int,
        flow: EnergyFlow = .consumption
    ) {
        self.meter = meter
        self.date = date
        self.value = value
        self.intervals = intervals
        self.line = line
        self.flow = flow
    }
}
