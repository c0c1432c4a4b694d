/// What one day adds up to.
public struct DaySummary: Sendable, Equatable {
    public var total: ExactDecimal
    /// Meter-days counted (a meter counts once per file it appears in on that day).
    public var meters: Int
    /// Readings summed: interval values for wide and timestamped files, one per row for daily values.
    public var intervals: Int

    public init(total: ExactDecimal = .zero, meters: Int = 0, intervals: Int = 0) {
        self.total = total
        self.meters = meters
        self.intervals = intervals
    }

    public var average: ExactDecimal { total.divided(by: meters) }

    mutating func add(_ value: ExactDecimal, intervals: Int) {
        total += value
        meters += 1
        self.intervals += intervals
    }

    static func + (lhs: DaySummary, rhs: DaySummary) -> DaySummary {
        DaySummary(
            total: lhs.total + rhs.total, meters: lhs.meters + rhs.meters, intervals: lhs.intervals + rhs.intervals)
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
}
