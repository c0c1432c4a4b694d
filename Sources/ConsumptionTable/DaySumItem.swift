import ConsumptionCore
import JSON

/// One shard of a day's total: the sum of the meter-days of the meters hashed to it, kept by folding the
/// meter-day items' stream records into it. A day's total is the sum of its shards.
///
/// Each stream shard that folds into it leaves its highest applied sequence number here (`lane:<shardId>`), so a
/// record delivered again (a retried, bisected or repeated batch) is recognised and not applied twice.
public struct DaySumItem: Sendable, Equatable {
    public var date: CalendarDate
    public var shard: Int
    public var total: ExactDecimal
    public var meters: Int
    /// Of `total`, what rests on readings that are not actual; of `meters`, those missing intervals.
    public var notActual: ExactDecimal
    public var incompleteMeters: Int
    /// Exported energy (meter-days of export channels), apart from the consumption `total`.
    public var exported: ExactDecimal
    public var exportMeters: Int
    public var updatedAt: String

    public enum Attribute {
        public static let total = "total"
        public static let meters = "meters"
        public static let notActual = "notActual"
        public static let incompleteMeters = "incompleteMeters"
        public static let exported = "exported"
        public static let exportMeters = "exportMeters"
        public static let date = "date"
        public static let updatedAt = "updatedAt"
        /// Stream shard ids are `shardId-...`: letters, digits and `-`, so the name needs no escaping.
        public static func lane(_ streamShard: String) -> String { "lane:\(streamShard)" }
    }

    public static func key(tenant: String, date: CalendarDate, shard: Int) -> JSONValue {
        TableKeys.key(TableKeys.totalsPartition(tenant: tenant), TableKeys.totalsSort(date: date, shard: shard))
    }

    public init?(item: JSONValue) {
        guard let sk = AttributeValues.string(item, "sk"), let date = CalendarDate(String(sk.prefix(10))),
            let shard = Int(sk.dropFirst(11))
        else { return nil }
        self.date = date
        self.shard = shard
        total = AttributeValues.decimal(item, Attribute.total) ?? .zero
        meters = AttributeValues.integer(item, Attribute.meters) ?? 0
        notActual = AttributeValues.decimal(item, Attribute.notActual) ?? .zero
        incompleteMeters = AttributeValues.integer(item, Attribute.incompleteMeters) ?? 0
        exported = AttributeValues.decimal(item, Attribute.exported) ?? .zero
        exportMeters = AttributeValues.integer(item, Attribute.exportMeters) ?? 0
        updatedAt = AttributeValues.string(item, Attribute.updatedAt) ?? ""
    }

    /// The highest sequence number of `streamShard` applied here, zero-padded (see `StreamSequence`).
    public static func appliedSequence(_ item: JSONValue, streamShard: String) -> String? {
        AttributeValues.string(item, Attribute.lane(streamShard))
    }
}
