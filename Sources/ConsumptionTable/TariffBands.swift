import ConsumptionCore
import JSON

/// A tenant's time-of-use bands (`consumption tenants set-bands`): each interval of a meter's day falls in the first
/// band whose days and hours hold its start on the tenant's local clock, or in the default band. Holidays, listed by
/// date, are weekend days. Kept as the text that set them (`peak=weekdays 07:00-23:00; ...`), so the item and the
/// command read one grammar.
public struct TariffBands: Sendable, Equatable {
    public enum Days: String, Sendable, CaseIterable {
        case weekdays, weekends, all
    }

    public struct Band: Sendable, Equatable {
        public var name: String
        public var days: Days
        /// Minutes after local midnight; a window whose end is not after its start runs past midnight.
        public var from: Int
        public var to: Int

        func holds(minute: Int, weekend: Bool) -> Bool {
            switch days {
            case .weekdays where weekend, .weekends where !weekend: return false
            default: break
            }
            return from < to ? (from <= minute && minute < to) : (minute >= from || minute < to)
        }
    }

    public var bands: [Band]
    public var defaultBand: String
    public var holidays: Set<CalendarDate>

    /// Why a band's text is not one.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// `NAME=DAYS HH:MM-HH:MM` (DAYS `weekdays`, `weekends` or `all`); names of 1 to 32 letters, digits, `-` or `_`.
    public static func band(_ text: String) throws(Failure) -> Band {
        let parts = text.split(separator: "=", maxSplits: 1)
        let words = parts.count == 2 ? parts[1].split(separator: " ") : []
        guard parts.count == 2, words.count == 2, let days = Days(rawValue: String(words[0])) else {
            throw Failure(description: "'\(text.prefix(60))' is not NAME=weekdays|weekends|all HH:MM-HH:MM")
        }
        let name = String(parts[0])
        try check(name: name)
        let ends = words[1].split(separator: "-")
        guard ends.count == 2, let from = RosterSummary.minutes(String(ends[0])),
            let to = RosterSummary.minutes(String(ends[1])), from != to
        else { throw Failure(description: "'\(words[1])' is not a window of two different times, HH:MM-HH:MM") }
        return Band(name: name, days: days, from: from, to: to)
    }

    public static func check(name: String) throws(Failure) {
        guard (1...32).contains(name.utf8.count),
            name.utf8.allSatisfy({ byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (0x30...0x39).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
        else {
            throw Failure(description: "a band's name is 1 to 32 letters, digits, '-' or '_': '\(name.prefix(40))'")
        }
        guard name != "default", name != "holidays" else {
            throw Failure(description: "'\(name)' names a setting, not a band")
        }
    }

    public init(bands: [Band], defaultBand: String, holidays: Set<CalendarDate>) {
        self.bands = bands
        self.defaultBand = defaultBand
        self.holidays = holidays
    }

    /// The band of an interval starting `localSeconds` after 1970-01-01 on the local clock.
    public func band(atLocal localSeconds: Int) -> String {
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400
        let minute = (localSeconds - days * 86_400) / 60
        // 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays, 5 and 6 at the weekend.
        let weekday = ((days + 3) % 7 + 7) % 7
        let weekend = weekday >= 5 || holidays.contains(CalendarDate(daysSinceEpoch: days))
        return bands.first { $0.holds(minute: minute, weekend: weekend) }?.name ?? defaultBand
    }

    /// Every band's name once, in order, the default last.
    public var names: [String] {
        var names: [String] = []
        for name in bands.map(\.name) + [defaultBand] where !names.contains(name) { names.append(name) }
        return names
    }

    /// The text the item keeps and `tenants bands` prints.
    public var text: String {
        let clock = RosterSummary.clock
        let listed = bands.map { "\($0.name)=\($0.days.rawValue) \(clock($0.from))-\(clock($0.to))" }
        return
            (listed + ["default=\(defaultBand)"]
            + (holidays.isEmpty
                ? [] : ["holidays=" + holidays.sorted(by: <).map(\.description).joined(separator: ",")]))
            .joined(separator: "; ")
    }

    /// The bands `text` sets out; nil when it does not read.
    public init?(text: String) {
        var bands: [Band] = []
        var defaultBand: String?
        var holidays: Set<CalendarDate> = []
        for part in text.split(separator: ";").map({ $0.trimmingPrefix(" ") }) {
            if let name = part.stripping(prefix: "default=") {
                defaultBand = name
            } else if let dates = part.stripping(prefix: "holidays=") {
                for date in dates.split(separator: ",") {
                    guard let day = CalendarDate(String(date)) else { return nil }
                    holidays.insert(day)
                }
            } else {
                guard let band = try? Self.band(String(part)) else { return nil }
                bands.append(band)
            }
        }
        guard let defaultBand else { return nil }
        self.init(bands: bands, defaultBand: defaultBand, holidays: holidays)
    }

    public static func key(tenant: String) -> JSONValue {
        TableKeys.key(TableKeys.settingsPartition(tenant: tenant), "bands")
    }

    public func item(tenant: String) -> JSONValue {
        var item = Self.key(tenant: tenant).objectValue ?? [:]
        item["bands"] = AttributeValues.string(text)
        return .object(item)
    }

    public init?(item: JSONValue) {
        guard let text = AttributeValues.string(item, "bands") else { return nil }
        self.init(text: text)
    }
}

extension Substring {
    fileprivate func stripping(prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
