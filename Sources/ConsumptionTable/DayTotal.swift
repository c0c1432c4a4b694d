import ConsumptionCore

/// A day's totals: the sum of its sum shards (`DaySumItem`), as the API answers them and the analytics layer
/// writes them.
public struct DayTotal: Sendable, Equatable {
    public var date: CalendarDate
    public var total: ExactDecimal
    public var meters: Int
    public var notActual: ExactDecimal
    public var incompleteMeters: Int
    public var exported: ExactDecimal
    public var exportMeters: Int
    public var updatedAt: String

    public init(_ shard: DaySumItem) {
        date = shard.date
        total = shard.total
        meters = shard.meters
        notActual = shard.notActual
        incompleteMeters = shard.incompleteMeters
        exported = shard.exported
        exportMeters = shard.exportMeters
        updatedAt = shard.updatedAt
    }

    /// Adds another shard of the same day.
    public mutating func add(_ shard: DaySumItem) {
        total += shard.total
        meters += shard.meters
        notActual += shard.notActual
        incompleteMeters += shard.incompleteMeters
        exported += shard.exported
        exportMeters += shard.exportMeters
        updatedAt = max(updatedAt, shard.updatedAt)
    }

    /// Net energy: consumption less export. Answered beside both, never in place of either.
    public var net: ExactDecimal { total - exported }

    /// Whether any meter-day counts on the day, consumed or exported (a day whose readings all went is no data).
    public var hasData: Bool { meters > 0 || exportMeters > 0 }
}
