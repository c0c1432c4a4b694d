/// The two ways S3 writes a moment: ISO 8601 in XML listings and events, the HTTP date in `Last-Modified`. Both
/// are whole seconds in S3's listings and headers, which is why ties between versions are real.
enum S3Timestamp {
    /// `2026-11-22T01:02:03.000Z`: S3 keeps whole seconds, so the milliseconds are written as zero.
    static func iso8601(_ milliseconds: Int) -> String {
        let parts = CivilTime(milliseconds)
        return "\(parts.year)-\(pad(parts.month))-\(pad(parts.day))T\(pad(parts.hour)):\(pad(parts.minute)):"
            + "\(pad(parts.second)).000Z"
    }

    /// An event's `eventTime`, which does carry milliseconds: `2026-11-22T01:02:03.456Z`.
    static func eventTime(_ milliseconds: Int) -> String {
        let parts = CivilTime(milliseconds)
        let fraction = String(parts.millisecond)
        return "\(parts.year)-\(pad(parts.month))-\(pad(parts.day))T\(pad(parts.hour)):\(pad(parts.minute)):"
            + "\(pad(parts.second)).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)Z"
    }

    /// RFC 7231's IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ milliseconds: Int) -> String {
        let parts = CivilTime(milliseconds)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[parts.weekday]), \(pad(parts.day)) \(months[parts.month - 1]) \(parts.year) "
            + "\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second)) GMT"
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// A UTC moment as calendar fields (Howard Hinnant's days-to-civil algorithm, proleptic Gregorian).
    private struct CivilTime {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
        var millisecond: Int
        /// 0 is Sunday.
        var weekday: Int

        init(_ milliseconds: Int) {
            let (days, millisOfDay) = Self.floorDivide(milliseconds, 86_400_000)
            hour = millisOfDay / 3_600_000
            minute = millisOfDay / 60_000 % 60
            second = millisOfDay / 1000 % 60
            millisecond = millisOfDay % 1000
            weekday = Self.floorDivide(days + 4, 7).remainder  // 1970-01-01 was a Thursday
            let shifted = days + 719_468
            let era = Self.floorDivide(shifted, 146_097).quotient
            let dayOfEra = shifted - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let monthIndex = (5 * dayOfYear + 2) / 153
            day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
            month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        }

        private static func floorDivide(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
            let remainder = (value % divisor + divisor) % divisor
            return ((value - remainder) / divisor, remainder)
        }
    }
}
