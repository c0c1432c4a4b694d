/// A meter-day's intervals placed in time: each one's start in the tenant's market zone and in UTC, its value and
/// quality, and the day's peak as a rate. The table keeps a day's interval values and qualities, not their times:
/// their length is the day's length over their count (a 25-hour day of 50 values is half-hours), and the day's
/// length is its zone's. The API's load profiles and the analytics layer's `intervals` table place them alike.
public struct IntervalDay: Sendable {
    public struct Interval: Equatable, Sendable {
        /// Local start, RFC 3339 with the zone's offset then (`2024-10-27T01:30:00+01:00`), or without an offset
        /// when the day is read without a zone.
        public var start: String
        /// The same instant in UTC (`2024-10-27T00:30:00Z`); nil without a zone.
        public var startUTC: String?
        public var value: ExactDecimal
        public var quality: QualityFlag
        /// Its start on the local clock, seconds since 1970-01-01 local: what time-of-use bands are read by.
        public var localSeconds: Int
    }

    public let date: CalendarDate
    public let minutes: Int
    /// The zone the times are in; nil: the day is read as 24 hours with no offset known.
    public let zone: ZoneRules?
    public let intervals: [Interval]

    static let lengths = [5, 15, 30, 60]

    /// Nil when the values do not divide the day into intervals of 5, 15, 30 or 60 minutes. A count that fits only a
    /// 24-hour day (a version read before the tenant set its zone) is read without a zone.
    public init?(date: CalendarDate, values: [ExactDecimal], qualities: [QualityFlag]?, zone: ZoneRules?) {
        guard !values.isEmpty, qualities.map({ $0.count == values.count }) ?? true else { return nil }
        let zoned = zone.flatMap { rules in Self.minutes(rules.seconds(of: date), values.count).map { (rules, $0) } }
        guard let (rules, minutes) = zoned ?? Self.minutes(86_400, values.count).map({ (nil, $0) }) else {
            return nil
        }
        self.date = date
        self.minutes = minutes
        self.zone = rules
        let dayStart = rules?.start(of: date) ?? date.daysSinceEpoch * 86_400
        intervals = values.indices.map { index in
            let moment = dayStart + index * minutes * 60
            let offset = rules?.offset(at: moment)
            return Interval(
                start: Self.timestamp(moment + (offset ?? 0), offset: offset.map(Offset.east)),
                startUTC: rules.map { _ in Self.timestamp(moment, offset: .utc) }, value: values[index],
                quality: qualities?[index] ?? .actual, localSeconds: moment + (offset ?? 0))
        }
    }

    /// The largest interval (the first of equals) and its energy as a rate, kW: kWh over the interval's hours.
    public var peak: (interval: Interval, kilowatts: ExactDecimal)? {
        guard var best = intervals.first else { return nil }
        for interval in intervals.dropFirst() where best.value < interval.value { best = interval }
        return (best, best.value.multiplied(by: 60 / minutes))
    }

    private static func minutes(_ seconds: Int, _ count: Int) -> Int? {
        guard seconds % (count * 60) == 0, lengths.contains(seconds / (count * 60)) else { return nil }
        return seconds / (count * 60)
    }

    /// `seconds` since 1970-01-01 on the clock read, as RFC 3339: with `offset` (seconds east of UTC: `+00:00` is a
    /// zone's offset of nothing, `Z` is UTC itself), or without one.
    enum Offset {
        case utc
        case east(Int)
    }

    static func timestamp(_ seconds: Int, offset: Offset?) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        var text =
            "\(CalendarDate(daysSinceEpoch: days))T\(twoDigits(time / 3600)):\(twoDigits(time / 60 % 60)):"
            + twoDigits(time % 60)
        switch offset {
        case nil: break
        case .utc?: text += "Z"
        case .east(let seconds)?:
            let magnitude = abs(seconds) / 60
            text += "\(seconds < 0 ? "-" : "+")\(twoDigits(magnitude / 60)):\(twoDigits(magnitude % 60))"
        }
        return text
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
