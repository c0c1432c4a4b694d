import ConsumptionCore
import JSON

/// One meter-day: which reading counts for it now (or none), and the recompute guard. The day sums follow these
/// items through the table's stream, so the value here is what the day's total holds for this meter.
///
/// Two writers change it: an *offer* (a version that starts counting beats the reading here: one conditional
/// write) and a *recompute* (a reading here stopped counting: bump `generation`, read the meter-day's readings,
/// store the best under `computed < generation`). An offer is refused while a recompute is pending
/// (`generation != computed`), so a recompute that read the table before the offer can never store over it.
public struct MeterDayItem: Sendable, Equatable {
    public struct Counting: Sendable, Equatable {
        /// The version the reading comes from.
        public var version: VersionIdentity
        public var value: ExactDecimal
        public var line: Int
        public var marks: ReadingMarks

        public init(version: VersionIdentity, value: ExactDecimal, line: Int, marks: ReadingMarks = .init()) {
            self.version = version
            self.value = value
            self.line = line
            self.marks = marks
        }
    }

    public var tenant: String
    public var meter: String
    public var date: CalendarDate
    /// Nil: no reading counts (every one of them was deleted or replaced).
    public var counting: Counting?
    /// Recomputes started; `computed` is the generation of the last one stored.
    public var generation = 0
    public var computed = 0

    public init(tenant: String, meter: String, date: CalendarDate, counting: Counting?) {
        self.tenant = tenant
        self.meter = meter
        self.date = date
        self.counting = counting
    }

    public var isRecomputing: Bool { generation != computed }

    public enum Attribute {
        public static let date = "date"
        public static let value = "value"
        public static let line = "line"
        public static let generation = "generation"
        public static let computed = "computed"
        /// The `DayMeters` index's keys, present while a reading counts.
        public static let dayShard = "dayShard"
        public static let meter = "meter"
    }

    public static func key(tenant: String, meter: String, date: CalendarDate) -> JSONValue {
        TableKeys.key(TableKeys.meterPartition(tenant: tenant, meter: meter), TableKeys.meterDaySort(date: date))
    }

    public var key: JSONValue { Self.key(tenant: tenant, meter: meter, date: date) }

    /// Nil for an item that is no meter-day (any other item of the table, as a stream record may carry).
    public init?(item: JSONValue) {
        guard let pk = AttributeValues.string(item, "pk"), let sk = AttributeValues.string(item, "sk"),
            sk.hasPrefix(TableKeys.meterDayPrefix), let partition = TableKeys.parseMeterPartition(pk),
            let date = CalendarDate(String(sk.dropFirst(TableKeys.meterDayPrefix.count)))
        else { return nil }
        self.init(tenant: partition.tenant, meter: partition.meter, date: date, counting: nil)
        if let value = AttributeValues.decimal(item, Attribute.value) {
            guard let version = VersionIdentity(item: item) else { return nil }
            guard let marks = ReadingMarks(item: item) else { return nil }
            counting = Counting(
                version: version, value: value, line: AttributeValues.integer(item, Attribute.line) ?? 0, marks: marks)
        }
        generation = AttributeValues.integer(item, Attribute.generation) ?? 0
        computed = AttributeValues.integer(item, Attribute.computed) ?? 0
    }

    /// The attributes an offer or a recompute sets for `counting` (a recompute that finds nothing removes them),
    /// the `DayMeters` index's keys among them.
    public static func countingAttributes(_ counting: Counting, tenant: String, meter: String, date: CalendarDate)
        -> [String: JSONValue]
    {
        var attributes = counting.version.attributes
        attributes[Attribute.dayShard] = AttributeValues.string(
            TableKeys.dayShard(tenant: tenant, date: date, shard: TableKeys.shard(ofMeter: meter)))
        attributes[Attribute.meter] = AttributeValues.string(meter)
        attributes[Attribute.value] = AttributeValues.number(counting.value)
        attributes[Attribute.line] = AttributeValues.number(counting.line)
        attributes[Attribute.date] = AttributeValues.string(date.description)
        attributes.merge(counting.marks.attributes) { _, new in new }
        return attributes
    }

    /// The counting attributes `counting` leaves out, which an offer or a recompute must remove (a reading of
    /// another version may have set them).
    public static func absentAttributes(of counting: Counting) -> [String] {
        (counting.version.versionID == nil ? ["versionId"] : []) + counting.marks.absentAttributeNames
    }

    /// What a recompute removes when no reading counts any more.
    public static let countingAttributeNames =
        VersionIdentity.attributeNames + [Attribute.value, Attribute.line, Attribute.dayShard, Attribute.meter]
        + ReadingMarks.attributeNames
}
