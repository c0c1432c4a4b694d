import ConsumptionCore
import ConsumptionTable

/// A field of a sum shard whose stored value is not what the meter-days of its `DayMeters` index partition add up
/// to. The fields are the six the stream fold keeps (`StreamFolder.Delta`); the analytics writer (before it writes a
/// day) and `consumption sums` (to find and rebuild wrong shards) compare them here, one way.
public struct SumDifference: Equatable, Sendable {
    /// The sum shard's attribute (`DaySumItem.Attribute`).
    public var field: String
    public var stored: String
    public var fromItems: String

    /// The fields, in the item's order, where `stored` differs from `indexed` (the partition's meter-days summed as
    /// the fold sums them). No item reads as zeros, as the API reads it: a shard no meter ever reached is no
    /// difference, and one whose meters all went is right at zero.
    static func between(_ stored: DaySumItem?, _ indexed: StreamFolder.Delta) -> [SumDifference] {
        var differences: [SumDifference] = []
        func compare<Value: Equatable & CustomStringConvertible>(_ field: String, _ stored: Value, _ summed: Value) {
            guard stored != summed else { return }
            differences.append(SumDifference(field: field, stored: stored.description, fromItems: summed.description))
        }
        compare(DaySumItem.Attribute.total, stored?.total ?? .zero, indexed.value)
        compare(DaySumItem.Attribute.meters, stored?.meters ?? 0, indexed.meters)
        compare(DaySumItem.Attribute.notActual, stored?.notActual ?? .zero, indexed.notActual)
        compare(DaySumItem.Attribute.incompleteMeters, stored?.incompleteMeters ?? 0, indexed.incompleteMeters)
        compare(DaySumItem.Attribute.exported, stored?.exported ?? .zero, indexed.exported)
        compare(DaySumItem.Attribute.exportMeters, stored?.exportMeters ?? 0, indexed.exportMeters)
        return differences
    }
}
