import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaEvents

/// `GET /consumption?by=week|month|year` and `GET /meters/{id}/consumption?by=`: the range's days summed by
/// period, exactly, a page of `limit` periods at a time (each period clipped to the range, those without data
/// left out); `?periods=` sums billing periods given one by one instead. A page reads every day of its periods,
/// so a request's cost follows the days it covers, within the call budget.
extension QueryHandler {
    /// The periods asked for, or nil for days (no `by` nor `periods`, or `by=day`): the answer is then the days
    /// themselves. Given periods take the place of the range and its paging.
    func periodRequest(_ query: QueryParameters) throws(QueryFailure) -> PeriodRequest? {
        try checked { () throws(APIError) -> PeriodRequest? in
            if let items = query.list("periods") {
                for other in ["from", "to", "by", "limit", "nextToken"] where try query.single(other) != nil {
                    throw .badRequest(other, "'\(other)' goes with a range, not with 'periods'")
                }
                return try PeriodRequest.given(items)
            }
            guard let text = try query.single("by") else { return nil }
            guard let length = PeriodLength(rawValue: text) else {
                throw .badRequest(
                    "by", "'by' must be one of \(PeriodLength.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return length == .day ? nil : .calendar(length)
        }
    }

    /// A page of the tenant's periods.
    func periodPage(_ query: QueryParameters, tenant: String, by request: PeriodRequest) throws(QueryFailure)
        -> (periods: [PeriodTotal], nextToken: String?)
    {
        try periods(query, scope: "\(tenant)|periods", by: request) { (range) throws(QueryFailure) in
            let days = try everyPage(of: range) { (start) throws(QueryFailure) in
                let page = try store.dayTotals(
                    tenant: tenant, range: range, start: start, limit: QueryParameters.maxLimit)
                return (page.days, page.next)
            }
            return days.map { day in
                var total = PeriodTotal(period: Period(name: "", first: day.date, last: day.date))
                total.days = 1
                total.total = day.total
                total.exported = day.exported
                total.notActual = day.notActual
                total.meterDays = day.meters
                total.completeMeterDays = day.meters - day.incompleteMeters
                return total
            }
        }
    }

    /// A page of one meter's periods: its consumption and its export (an export channel's days) apart, and its peak
    /// demand (its days' intervals read too: one BatchGetItem per 100 days).
    func meterPeriodPage(_ query: QueryParameters, tenant: String, meter: String, by request: PeriodRequest)
        throws(QueryFailure) -> (periods: [PeriodTotal], nextToken: String?)
    {
        let zone = try store.settings(tenant: tenant).zone.flatMap { zones[$0] }
        return try periods(query, scope: "\(tenant)|meter-periods|\(meter)", by: request) {
            (range) throws(QueryFailure) in
            let readings = try everyPage(of: range) { (start) throws(QueryFailure) in
                let page = try store.meterIntervals(
                    tenant: tenant, meter: meter, range: range, start: start, limit: QueryParameters.maxLimit)
                return (page.readings, page.next)
            }
            return readings.map { reading in
                var total = PeriodTotal(period: Period(name: "", first: reading.date, last: reading.date))
                total.days = 1
                if reading.marks.flow == .export {
                    total.exported = reading.value
                } else {
                    total.total = reading.value
                    total.notActual = reading.marks.notActual
                    total.meterDays = 1
                    total.completeMeterDays = reading.marks.missingIntervals == 0 ? 1 : 0
                    total.peak = reading.intervals.flatMap {
                        IntervalDay(date: reading.date, values: $0, qualities: reading.qualities, zone: zone)?.peak
                    }.map {
                        PeakDemand(kilowatts: $0.kilowatts, start: $0.interval.start, startUTC: $0.interval.startUTC)
                    }
                }
                return total
            }
        }
    }

    /// Every page of a range's days from its first, `read` answering one page and the day the next starts at;
    /// bounded by the call budget, which refuses the request before this bound is reached.
    func everyPage<Item>(
        of range: ClosedRange<CalendarDate>, _ read: (CalendarDate) throws(QueryFailure) -> ([Item], CalendarDate?)
    ) throws(QueryFailure) -> [Item] {
        var items: [Item] = []
        var start: CalendarDate? = range.lowerBound
        for _ in 0..<CallBudget.perRequest {
            guard let from = start else { break }
            let (page, next) = try read(from)
            items += page
            start = next
        }
        return items
    }

    /// The page's periods, the days of them read by `read` (one item a day, its date as its period's first) and
    /// summed into them: calendar periods from the token's (or `from`), `limit` of them; given periods all at once,
    /// a day counting in each that holds it.
    private func periods(
        _ query: QueryParameters, scope: String, by request: PeriodRequest,
        read: (ClosedRange<CalendarDate>) throws(QueryFailure) -> [PeriodTotal]
    ) throws(QueryFailure) -> (periods: [PeriodTotal], nextToken: String?) {
        guard case .calendar(let length) = request else {
            guard case .given(let given) = request, let first = given.map(\.first).min(),
                let last = given.map(\.last).max()
            else { return ([], nil) }
            var totals = given.map { PeriodTotal(period: $0) }
            for day in try read(first...last) {
                for index in totals.indices
                where totals[index].period.first <= day.period.first && day.period.first <= totals[index].period.last {
                    totals[index].add(day)
                }
            }
            return (totals.filter { $0.days > 0 }, nil)
        }
        let (range, limit) = try checked { () throws(APIError) in (try query.dateRange(), try query.limit()) }
        let scope = "\(scope)|\(length.rawValue)|\(range.lowerBound)|\(range.upperBound)"
        let start = try startDate(query, scope: scope, range: range)
        let periods = length.periods(of: range, from: start, limit: limit)
        guard let last = periods.last else { return ([], nil) }
        var totals = periods.map { PeriodTotal(period: $0) }
        var index = 0
        for day in try read(start...last.last) {
            while index < totals.count, totals[index].period.last < day.period.first { index += 1 }
            guard index < totals.count else { break }
            totals[index].add(day)
        }
        let next =
            last.last < range.upperBound
            ? tokens.encode(
                scope: scope, position: .string(CalendarDate(daysSinceEpoch: last.last.daysSinceEpoch + 1).description))
            : nil
        return (totals.filter { $0.days > 0 }, next)
    }

    /// A period as JSON: `peak` only where there is one (a meter's period with intervals kept).
    static func periodJSON(_ total: PeriodTotal) -> JSONValue {
        var fields: [String: JSONValue] = [
            "period": .string(total.period.name), "from": .string(total.period.first.description),
            "to": .string(total.period.last.description), "days": .integer(total.days),
            "total": .string(total.total.description), "exported": .string(total.exported.description),
            "net": .string(total.net.description), "notActual": .string(total.notActual.description),
            "meterDays": .integer(total.meterDays), "completeMeterDays": .integer(total.completeMeterDays),
            "unit": "kWh",
        ]
        if let peak = total.peak { fields["peak"] = peak.json }
        return .object(fields)
    }

    static let periodHeader = [
        "period", "from", "to", "days", "total", "exported", "net", "notActual", "meterDays", "completeMeterDays",
        "unit",
    ]

    static func periodRow(_ total: PeriodTotal) -> [String] {
        [
            total.period.name, total.period.first.description, total.period.last.description, String(total.days),
            total.total.description, total.exported.description, total.net.description, total.notActual.description,
            String(total.meterDays), String(total.completeMeterDays), "kWh",
        ]
    }

    /// A page of periods as the representation asked for.
    func periodAnswer(
        _ page: (periods: [PeriodTotal], nextToken: String?), by request: PeriodRequest, representation: Representation,
        extra: [String: JSONValue] = [:]
    ) -> APIGatewayResponse {
        guard representation == .json else {
            return Self.table(
                representation, header: Self.periodHeader, rows: page.periods.map(Self.periodRow),
                nextToken: page.nextToken)
        }
        var body = extra
        body["by"] = .string(request.name)
        body["unit"] = "kWh"
        body["items"] = .array(page.periods.map(Self.periodJSON))
        body["nextToken"] = page.nextToken.map(JSONValue.string) ?? .null
        return Self.json(200, .object(body))
    }
}
