/// The rule a TZif file's footer gives for every instant after its last transition: a POSIX `TZ` string such as
/// `GMT0BST,M3.5.0/1,M10.5.0` or `AEST-10AEDT,M10.1.0,M4.1.0/3` (RFC 8536 section 3.3, with its extensions: hours
/// up to 167 and negative in the rule times).
struct PosixZoneRule: Equatable {
    /// Seconds east of UTC, standard time.
    let standardOffset: Int
    let daylight: Daylight?

    struct Daylight: Equatable {
        let offset: Int
        let start: YearDay
        let end: YearDay
        /// Seconds after local midnight at which the change happens (in the time before the change).
        let startTime: Int
        let endTime: Int
    }

    /// A day of the year as the rule names it.
    enum YearDay: Equatable {
        /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = the last) of month `m`.
        case monthWeekDay(month: Int, week: Int, weekday: Int)
        /// `Jn`: day 1...365, February 29 never counted.
        case julianNoLeap(Int)
        /// `n`: day 0...365, February 29 counted.
        case zeroBased(Int)
    }

    /// Parses the string; nil when it is not one (an empty footer means no rule).
    init?(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard scanner.name(), let standard = scanner.offset() else { return nil }
        standardOffset = -standard
        guard !scanner.isAtEnd else {
            daylight = nil
            return
        }
        guard scanner.name() else { return nil }
        var daylightOffset = standardOffset + 3600
        if let offset = scanner.offset() { daylightOffset = -offset }
        guard scanner.take(UInt8(ascii: ",")), let start = scanner.yearDay() else { return nil }
        let startTime = scanner.take(UInt8(ascii: "/")) ? scanner.offset() : 7200
        guard let startTime, scanner.take(UInt8(ascii: ",")), let end = scanner.yearDay() else { return nil }
        let endTime = scanner.take(UInt8(ascii: "/")) ? scanner.offset() : 7200
        guard let endTime, scanner.isAtEnd else { return nil }
        daylight = Daylight(offset: daylightOffset, start: start, end: end, startTime: startTime, endTime: endTime)
    }

    /// The year's two changes as UTC seconds: into daylight time, then out of it (the latter may come first in the
    /// year, south of the equator). Nil when the rule keeps standard time.
    func changes(in year: Int) -> (toDaylight: Int, toStandard: Int)? {
        guard let daylight else { return nil }
        let start = daylight.start.daysSinceEpoch(in: year) * 86_400 + daylight.startTime - standardOffset
        let end = daylight.end.daysSinceEpoch(in: year) * 86_400 + daylight.endTime - daylight.offset
        return (start, end)
    }

    /// The offset at `instant` (UTC seconds).
    func offset(at instant: Int) -> Int {
        guard let daylight, let changes = changes(in: CalendarDate(daysSinceEpoch: floorDivide(instant, 86_400)).year)
        else {
            return standardOffset
        }
        let inDaylight =
            changes.toDaylight < changes.toStandard
            ? instant >= changes.toDaylight && instant < changes.toStandard
            : instant >= changes.toDaylight || instant < changes.toStandard
        return inDaylight ? daylight.offset : standardOffset
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { position == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// A zone abbreviation: three or more letters, or `<...>` quoted (which may hold digits and signs).
        mutating func name() -> Bool {
            if take(UInt8(ascii: "<")) {
                guard let close = bytes[position...].firstIndex(of: UInt8(ascii: ">")), close - position >= 3 else {
                    return false
                }
                position = close + 1
                return true
            }
            let start = position
            while position < bytes.count, (65...90).contains(bytes[position] & 0xDF) { position += 1 }
            return position - start >= 3
        }

        /// `[+-]hh[:mm[:ss]]` as seconds (hours up to 167); nil when there is none here.
        mutating func offset() -> Int? {
            var sign = 1
            if take(UInt8(ascii: "-")) {
                sign = -1
            } else {
                _ = take(UInt8(ascii: "+"))
            }
            guard let hours = number(maxDigits: 3), hours <= 167 else { return nil }
            var seconds = hours * 3600
            if take(UInt8(ascii: ":")) {
                guard let minutes = number(maxDigits: 2), minutes < 60 else { return nil }
                seconds += minutes * 60
                if take(UInt8(ascii: ":")) {
                    guard let rest = number(maxDigits: 2), rest < 60 else { return nil }
                    seconds += rest
                }
            }
            return sign * seconds
        }

        mutating func yearDay() -> YearDay? {
            if take(UInt8(ascii: "M")) {
                guard let month = number(maxDigits: 2), (1...12).contains(month), take(UInt8(ascii: ".")),
                    let week = number(maxDigits: 1), (1...5).contains(week), take(UInt8(ascii: ".")),
                    let weekday = number(maxDigits: 1), weekday <= 6
                else { return nil }
                return .monthWeekDay(month: month, week: week, weekday: weekday)
            }
            if take(UInt8(ascii: "J")) {
                guard let day = number(maxDigits: 3), (1...365).contains(day) else { return nil }
                return .julianNoLeap(day)
            }
            guard let day = number(maxDigits: 3), day <= 365 else { return nil }
            return .zeroBased(day)
        }

        private mutating func number(maxDigits: Int) -> Int? {
            let start = position
            var value = 0
            while position < bytes.count, position - start < maxDigits, (48...57).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 48)
                position += 1
            }
            return position > start ? value : nil
        }
    }
}

extension PosixZoneRule.YearDay {
    /// The day this names in `year`, as days since 1970-01-01.
    func daysSinceEpoch(in year: Int) -> Int {
        let january1 = Self.firstDay(of: 1, in: year)
        switch self {
        case .julianNoLeap(let day):
            let leapDayPassed = CalendarDate.isLeap(year) && day >= 60
            return january1 + day - 1 + (leapDayPassed ? 1 : 0)
        case .zeroBased(let day):
            return january1 + day
        case .monthWeekDay(let month, let week, let weekday):
            let first = Self.firstDay(of: month, in: year)
            // 1970-01-01 was a Thursday (weekday 4).
            let firstWeekday = (first % 7 + 7 + 4) % 7
            var day = first + (weekday - firstWeekday + 7) % 7 + (week - 1) * 7
            let monthLength = CalendarDate.daysIn(month: month, year: year)
            while day >= first + monthLength { day -= 7 }
            return day
        }
    }

    private static func firstDay(of month: Int, in year: Int) -> Int {
        (CalendarDate(year: year, month: month, day: 1) ?? CalendarDate(daysSinceEpoch: 0)).daysSinceEpoch
    }
}

func floorDivide(_ value: Int, _ divisor: Int) -> Int {
    value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
}
