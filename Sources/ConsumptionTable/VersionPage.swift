import ConsumptionCore
import JSON

/// A page of one object version's meter-days, in the order the parser gave them: what the version offers when it
/// starts counting, and where it must be retired when it stops. One item holds `capacity` meter-days, so a
/// version's list costs about 0.04 write units per meter-day instead of one item each.
public struct VersionPage: Sendable, Equatable {
    public static let capacity = 1000
    /// Pages are grouped this many to a partition key: a page is about 40 write units (1,000 entries of ~40 bytes),
    /// and DynamoDB serves one partition at most 1,000 write units a second, so the ~32,000 pages of a 10 GB file
    /// under one key would take 20 minutes to write; in groups of 100 (~4,000 units) they spread over ~320 keys,
    /// and the ranges of a fanned-out file (~90 pages each) write to their own groups. Pages are only ever read and
    /// deleted by number, so no query needs them together.
    public static let pagesPerPartition = 100

    public struct Entry: Sendable, Equatable {
        public var meter: String
        public var date: CalendarDate
        public var value: ExactDecimal
        public var line: Int
        public var marks: ReadingMarks

        public init(meter: String, date: CalendarDate, value: ExactDecimal, line: Int, marks: ReadingMarks = .init()) {
            self.meter = meter
            self.date = date
            self.value = value
            self.line = line
            self.marks = marks
        }
    }

    public var entries: [Entry] = []

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    public static func key(tenant: String, objectKey: String, tag: String, page: Int) -> JSONValue {
        TableKeys.key(
            TableKeys.pagePartition(tenant: tenant, keyHash: TableKeys.keyHash(objectKey), tag: tag, page: page),
            TableKeys.pageSort(page))
    }

    /// One line an entry: `date TAB value TAB line TAB meter`, or for a reading with marks (`ReadingMarks`) `date
    /// TAB value TAB line TAB marks TAB meter`; meter ids hold no control characters (the core rejects them), so the
    /// tabs and the newline that ends each entry are unambiguous.
    public var encoded: String {
        var text = ""
        for entry in entries {
            let token = entry.marks.token
            let marks = token.isEmpty ? "" : "\(token)\t"
            text += "\(entry.date)\t\(entry.value)\t\(entry.line)\t\(marks)\(entry.meter)\n"
        }
        return text
    }

    /// Split on bytes, not `Character`s: a meter id starting with a combining mark would join the tab before it
    /// into one grapheme.
    public init?(encoded text: String) {
        let tab = UInt8(ascii: "\t")
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: tab, maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 4 || fields.count == 5,
                let date = CalendarDate(String(decoding: fields[0], as: UTF8.self)),
                let value = ExactDecimal(String(decoding: fields[1], as: UTF8.self)),
                let number = Int(String(decoding: fields[2], as: UTF8.self))
            else { return nil }
            var marks = ReadingMarks()
            if fields.count == 5 {
                guard let token = ReadingMarks(token: String(decoding: fields[3], as: UTF8.self)) else { return nil }
                marks = token
            }
            entries.append(
                Entry(
                    meter: String(decoding: fields[fields.count - 1], as: UTF8.self), date: date, value: value,
                    line: number, marks: marks))
        }
    }

    public func item(key: JSONValue) -> JSONValue {
        var item = key.objectValue ?? [:]
        item["entries"] = AttributeValues.string(encoded)
        return .object(item)
    }

    public init?(item: JSONValue) {
        self.init(encoded: AttributeValues.string(item, "entries") ?? "")
    }
}
