import ConsumptionCore
import JSON

/// A version too large for one invocation, written range by range by whichever invocations take the ranges: where
/// each range starts, and which are written. It lives on the version's ledger item (`ranges`, `rangesDone`), so the
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

    /// The ledger attributes, or nil when the item holds no job.
    public init?(item: JSONValue) {
        guard let list = item["ranges"]?["L"]?.arrayValue else { return nil }
        var starts: [RangeStart] = []
        for entry in list {
            guard let fields = entry["M"], let offset = AttributeValues.integer(fields, "o"),
                let line = AttributeValues.integer(fields, "l"), let meterDay = AttributeValues.integer(fields, "m")
            else { return nil }
            starts.append(RangeStart(offset: offset, line: line, meterDay: meterDay))
        }
        self.starts = starts
        done = Set((item["rangesDone"]?["NS"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { Int($0) } })
    }

    /// `ranges` as the ledger stores it: a list of `{o: offset, l: line, m: first meter-day}`.
    public var rangesAttribute: JSONValue {
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
}
