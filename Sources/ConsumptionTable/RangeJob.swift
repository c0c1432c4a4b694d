import ConsumptionCore
import JSON

/// A version too large for one invocation, written range by range by whichever invocations take the ranges: where
/// each range starts, and which are written. It lives on the version's ledger item (`LedgerItem.job`), so the
/// ledger and `GET /ingestions/{key}` show the progress while it runs.
public struct RangeJob: Sendable, Equatable {
    /// In file order; range `i` ends where range `i + 1` starts, the last at the end of the object.
    public var starts: [RangeStart]
    /// Indexes of the ranges whose readings and pages are all in the table.
    public var done: Set<Int>

    public init(starts: [RangeStart], done: Set<Int> = []) {
        self.starts = starts
        self.done = done
    }

    public var isComplete: Bool { done.count == starts.count }

    /// The bytes of range `index` of an object of `size` bytes.
    public func bytes(of index: Int, objectSize size: Int) -> Range<Int> {
        starts[index].offset..<(index + 1 < starts.count ? starts[index + 1].offset : size)
    }

    /// The job a ledger item holds, or nil when it holds none.
    init?(item: JSONValue) {
        guard let list = item[LedgerItem.Attribute.ranges]?["L"]?.arrayValue else { return nil }
        var starts: [RangeStart] = []
        for entry in list {
            guard let fields = entry["M"], let offset = AttributeValues.integer(fields, "o"),
                let line = AttributeValues.integer(fields, "l"), let meterDay = AttributeValues.integer(fields, "m")
            else { return nil }
            starts.append(RangeStart(offset: offset, line: line, meterDay: meterDay))
        }
        self.starts = starts
        let done = item[LedgerItem.Attribute.rangesDone]?["NS"]?.arrayValue ?? []
        self.done = Set(done.compactMap { $0.stringValue.flatMap { Int($0) } })
    }

    /// `ranges` as the ledger stores it: a list of `{o: offset, l: line, m: first meter-day}`.
    var rangesAttribute: JSONValue {
        [
            "L": .array(
                starts.map { start in
                    [
                        "M": [
                            "o": AttributeValues.number(start.offset), "l": AttributeValues.number(start.line),
                            "m": AttributeValues.number(start.meterDay),
                        ]
                    ]
                })
        ]
    }

    /// `rangesDone` as the ledger stores it: a number set.
    var doneAttribute: JSONValue {
        ["NS": .array(done.sorted().map { .string(String($0)) })]
    }

    /// The set `rangesDone` gains when range `index` is written (with `ADD`).
    public static func doneAttribute(adding index: Int) -> JSONValue {
        ["NS": [.string(String(index))]]
    }
}
