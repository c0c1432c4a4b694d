import ConsumptionCore
import JSON

/// How a range of days is summed: by day (the days themselves), ISO week (Monday to Sunday, named by the year
/// its Thursday falls in), calendar month or calendar year. Days are the tenant's own dates, so a month is the
/// tenant's month whatever zone its files were read in.
enum PeriodLength: String, CaseIterable {
    case day, week, month, year

    /// The whole period holding `date`: its name and its first and last days.
    func period(of date: CalendarDate) -> Period {
        switch self {
        case .day:
            return Period(name: date.description, first: date, last: date)
        case .week:
            // 1970-01-01 was a Thursday: Monday is 0.
            let weekday = ((date.daysSinceEpoch + 3) % 7 + 7) % 7
            let first = CalendarDate(daysSinceEpoch: date.daysSinceEpoch - weekday)
            let thursday = CalendarDate(daysSinceEpoch: first.daysSinceEpoch + 3)
            let januaryFirst = CalendarDate(year: thursday.year, month: 1, day: 1) ?? thursday
            let week = (thursday.daysSinceEpoch - januaryFirst.daysSinceEpoch) / 7 + 1
            return Period(
                name: "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)", first: first,
                last: CalendarDate(daysSinceEpoch: first.daysSinceEpoch + 6))
        case .month:
            let first = CalendarDate(year: date.year, month: date.month, day: 1) ?? date
            let last =
                CalendarDate(
                    year: date.year, month: date.month, day: CalendarDate.daysIn(month: date.month, year: date.year))
                ?? date
            return Period(name: String(date.description.prefix(7)), first: first, last: last)
        case .year:
            return Period(
                name: String(date.year), first: CalendarDate(year: date.year, month: 1, day: 1) ?? date,
                last: CalendarDate(year: date.year, month: 12, day: 31) ?? date)
        }
    }

    /// The periods of `range` from `start` on, at most `limit`, each clipped to the range.
    func periods(of range: ClosedRange<CalendarDate>, from start: CalendarDate, limit: Int) -> [Period] {
        var periods: [Period] = []
        var day = start
        while periods.count < limit, day <= range.upperBound {
            var period = period(of: day)
            period.first = max(period.first, range.lowerBound)
            period.last = min(period.last, range.upperBound)
            periods.append(period)
            day = CalendarDate(daysSinceEpoch: period.last.daysSinceEpoch + 1)
        }
        return periods
    }
}

/// One period of a range: its name (`2024-W05`, `2024-05`, `2024`) and the days of it the range holds.
struct Period: Equatable {
    var name: String
    var first: CalendarDate
    var last: CalendarDate
}

/// A period's sums over the days that have data: exact, as the days are.
struct PeriodTotal: Equatable {
    var period: Period
    var days = 0
    var total = ExactDecimal.zero
    var exported = ExactDecimal.zero
    var notActual = ExactDecimal.zero
    /// Meters counted day by day (a meter on 30 days counts 30): distinct meters a day sum cannot tell.
    var meterDays = 0
    var completeMeterDays = 0
    /// A meter's largest interval in the period (the first of equals), as a rate; nil for a tenant's periods, and
    /// for a meter's days whose intervals the table does not keep.
    var peak: PeakDemand?

    var net: ExactDecimal { total - exported }

    /// Adds a day's (or another total's) sums.
    mutating func add(_ other: PeriodTotal) {
        days += other.days
        total += other.total
        exported += other.exported
        notActual += other.notActual
        meterDays += other.meterDays
        completeMeterDays += other.completeMeterDays
        if let candidate = other.peak, peak.map({ $0.kilowatts < candidate.kilowatts }) ?? true { peak = candidate }
    }
}

/// An interval's energy as a rate (kWh over its hours) and when it started: in the tenant's zone and in UTC.
struct PeakDemand: Equatable {
    var kilowatts: ExactDecimal
    var start: String
    var startUTC: String?

    var json: JSONValue {
        [
            "kW": .string(kilowatts.description), "start": .string(start),
            "startUTC": startUTC.map(JSONValue.string) ?? .null,
        ]
    }
}

/// The periods a request sums by: calendar ones over `from`..`to` (`by=`), or billing periods given one by one
/// (`periods=2024-01-15..2024-02-14,...`), which need not be calendar months, nor follow each other.
enum PeriodRequest: Equatable {
    case calendar(PeriodLength)
    case given([Period])

    /// At most this many given periods: a request reads every day of them (within the call budget).
    static let maxGiven = 36

    /// `2024-01-15..2024-02-14`, `2024-02-15..2024-03-14`, ..., each named by its text.
    static func given(_ items: [String]) throws(APIError) -> PeriodRequest {
        guard (1...maxGiven).contains(items.count) else {
            throw .badRequest("periods", "'periods' lists 1 to \(maxGiven) periods, FIRST..LAST each, comma-separated")
        }
        var periods: [Period] = []
        for item in items {
            let ends = item.split(separator: ".", omittingEmptySubsequences: false)
            guard ends.count == 3, ends[1].isEmpty else {
                throw .badRequest("periods", "'\(item.prefix(40))' is not a period as YYYY-MM-DD..YYYY-MM-DD")
            }
            let first = try QueryParameters.date(String(ends[0]), field: "periods")
            let last = try QueryParameters.date(String(ends[2]), field: "periods")
            guard first <= last else { throw .badRequest("periods", "'\(item)' ends before it starts") }
            periods.append(Period(name: String(item), first: first, last: last))
        }
        return .given(periods)
    }

    var name: String {
        switch self {
        case .calendar(let length): length.rawValue
        case .given: "periods"
        }
    }
}
