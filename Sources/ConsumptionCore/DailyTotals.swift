/// What one day adds up to.
public struct DaySummary: Sendable, Equatable {
    /// Consumption: import channels (and every row of the CSV formats), in kWh.
    public var total: ExactDecimal
    /// Meter-days counted (a meter counts once per file it appears in on that day).
    public var meters: Int
    /// Readings summed: interval values for wide, timestamped and NEM12 files, one per row for daily values.
    public var intervals: Int
    /// Of `total`, what rests on readings that are not actual ones (estimated, substituted): NEM12's quality flags.
    public var notActual: ExactDecimal = .zero
    /// Of `meters`, those missing intervals (an empty cell of a wide file, a NEM12 interval of quality N): their
    /// value is the sum of the rest.
    public var incomplete = 0
    /// Export channels (NEM12 suffix B, e.g. solar), in kWh: never netted into `total`.
    public var exported: ExactDecimal = .zero
    public var exportMeters = 0
    /// Channel-days neither imported nor exported energy (reactive energy, voltage): read, checked, not counted.
    public var skippedChannels = 0

    public init(total: ExactDecimal = .zero, meters: Int = 0, intervals: Int = 0) {
        self.total = total
        self.meters = meters
        self.intervals = intervals
    }

    public var average: ExactDecimal { total.divided(by: meters) }

    mutating func add(_ value: ExactDecimal, intervals: Int, incomplete: Bool = false) {
        total += value
        meters += 1
        self.intervals += intervals
        if incomplete { self.incomplete += 1 }
    }

    public static func + (lhs: DaySummary, rhs: DaySummary) -> DaySummary {
        var sum = DaySummary(
            total: lhs.total + rhs.total, meters: lhs.meters + rhs.meters, intervals: lhs.intervals + rhs.intervals)
        sum.notActual = lhs.notActual + rhs.notActual
        sum.incomplete = lhs.incomplete + rhs.incomplete
        sum.exported = lhs.exported + rhs.exported
        sum.exportMeters = lhs.exportMeters + rhs.exportMeters
        sum.skippedChannels = lhs.skippedChannels + rhs.skippedChannels
        return sum
    }
}

/// Exact daily totals. Integer addition is associative and commutative, so the result is the same whatever the
/// row order, the chunking, or the way a file is split into parts and merged back.
public struct DailyTotals: Sendable, Equatable {
    public private(set) var byDate: [CalendarDate: DaySummary] = [:]

    public init() {}

    mutating func add(_ value: ExactDecimal, intervals: Int, on date: CalendarDate) {
        byDate[date, default: DaySummary()].add(value, intervals: intervals)
    }

    mutating func merge(date: CalendarDate, _ summary: DaySummary) {
        byDate[date, default: DaySummary()] = byDate[date, default: DaySummary()] + summary
    }

    /// Adds another part's totals into these.
    public mutating func merge(_ other: DailyTotals) {
        byDate.merge(other.byDate, uniquingKeysWith: +)
    }

    /// The days in calendar order.
    public var sortedDays: [(date: CalendarDate, summary: DaySummary)] {
        byDate.sorted { $0.key < $1.key }.map { (date: $0.key, summary: $0.value) }
    }

    public var meterDayCount: Int { byDate.values.reduce(0) { $0 + $1.meters } }

    /// Every day added together.
    public var overall: DaySummary { byDate.values.reduce(DaySummary(), +) }
}
