import ConsumptionCore
import JSON

/// One object version's reading of one meter-day, in the meter's partition beside the meter-day item. Every
/// version of every key keeps its readings until it stops counting, so a deleted object's meter-days can fall back
/// on the next-best reading (rule c).
public struct ReadingItem: Sendable, Equatable {
    public var tenant: String
    public var meter: String
    public var date: CalendarDate
    public var version: VersionIdentity
    public var value: ExactDecimal
    /// The interval values, in time order (wide files, and NEM12 days without gaps).
    public var intervals: [ExactDecimal]?
    /// Each interval's quality when any is not actual (NEM12); nil: all actual.
    public var qualities: [QualityFlag]?
    /// The file line the reading starts on.
    public var line: Int
    public var marks: ReadingMarks

    public init(
        tenant: String, meter: String, date: CalendarDate, version: VersionIdentity, value: ExactDecimal,
        intervals: [ExactDecimal]?, line: Int, marks: ReadingMarks = .init(), qualities: [QualityFlag]? = nil
    ) {
        self.marks = marks
        self.tenant = tenant
        self.meter = meter
        self.date = date
        self.version = version
        self.value = value
        self.intervals = intervals
        self.line = line
        self.qualities = qualities
    }

    enum Attribute {
        static let meter = "meter"
        static let date = "date"
        static let value = "value"
        static let intervals = "intervals"
        static let qualities = "qualities"
        static let line = "line"
    }

    public var key: JSONValue {
        TableKeys.key(
            TableKeys.meterPartition(tenant: tenant, meter: meter),
            TableKeys.readingSort(date: date, keyHash: TableKeys.keyHash(version.key), tag: version.tag))
    }

    public init?(item: JSONValue) {
        guard let pk = AttributeValues.string(item, "pk"), let partition = TableKeys.parseMeterPartition(pk),
            let date = AttributeValues.date(item, Attribute.date), let version = VersionIdentity(item: item),
            let value = AttributeValues.decimal(item, Attribute.value)
        else { return nil }
        var intervals: [ExactDecimal]?
        if let text = AttributeValues.string(item, Attribute.intervals) {
            var parsed: [ExactDecimal] = []
            for field in text.split(separator: ",") {
                guard let number = ExactDecimal(String(field)) else { return nil }
                parsed.append(number)
            }
            intervals = parsed
        }
        var qualities: [QualityFlag]?
        if let letters = AttributeValues.string(item, Attribute.qualities) {
            guard let flags = QualityFlag.flags(letters) else { return nil }
            qualities = flags
        }
        guard let marks = ReadingMarks(item: item) else { return nil }
        self.init(
            tenant: partition.tenant, meter: partition.meter, date: date, version: version, value: value,
            intervals: intervals, line: AttributeValues.integer(item, Attribute.line) ?? 0, marks: marks,
            qualities: qualities)
    }

    public var item: JSONValue {
        var item = version.attributes
        item.merge(key.objectValue ?? [:]) { _, new in new }
        item[Attribute.meter] = AttributeValues.string(meter)
        item[Attribute.date] = AttributeValues.string(date.description)
        item[Attribute.value] = AttributeValues.number(value)
        item[Attribute.line] = AttributeValues.number(line)
        item.merge(marks.attributes) { _, new in new }
        if let intervals {
            item[Attribute.intervals] = AttributeValues.string(intervals.map(\.description).joined(separator: ","))
        }
        if let qualities { item[Attribute.qualities] = AttributeValues.string(QualityFlag.letters(qualities)) }
        return .object(item)
    }
}
