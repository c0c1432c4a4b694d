import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaEvents

/// `GET /meters/{meterId}/intervals?from=&to=`: a meter's load profile, a page of days at a time, each interval
/// with its start in the tenant's market zone and in UTC, its value and quality, and each day's peak as kW.
extension QueryHandler {
    /// Days a page holds: a month of five-minute intervals is about 9,000 of them.
    static let intervalDaysDefault = 7
    static let intervalDaysMax = 31

    func meterIntervals(_ request: APIGatewayRequest, tenant: String, meter: String) throws(QueryFailure)
        -> APIGatewayResponse
    {
        let query = try parameters(request, ["from", "to", "limit", "nextToken", "format"])
        let (representation, range, limit) = try checked { () throws(APIError) in
            (
                try Representation.chosen(format: try query.single("format"), accept: request.headers["accept"]),
                try query.dateRange(), try query.limit(default: Self.intervalDaysDefault, max: Self.intervalDaysMax)
            )
        }
        let scope = "\(tenant)|intervals|\(meter)|\(range.lowerBound)|\(range.upperBound)"
        let start = try startDate(query, scope: scope, range: range)
        let zone = try store.settings(tenant: tenant).zone.flatMap { zones[$0] }
        let page = try store.meterIntervals(tenant: tenant, meter: meter, range: range, start: start, limit: limit)
        let nextToken = page.next.map { tokens.encode(scope: scope, position: .string($0.description)) }
        let days = page.readings.map { reading in
            (
                reading,
                reading.intervals.flatMap {
                    IntervalDay(date: reading.date, values: $0, qualities: reading.qualities, zone: zone)
                }
            )
        }
        guard representation == .json else {
            let rows = days.flatMap { reading, day in
                (day?.intervals ?? []).map {
                    [
                        meter, reading.date.description, $0.start, $0.startUTC ?? "", String(day?.minutes ?? 0),
                        $0.value.description, "kWh", $0.quality.letter,
                    ]
                }
            }
            return Self.table(
                representation,
                header: ["meter", "date", "start", "startUTC", "minutes", "value", "unit", "quality"], rows: rows,
                nextToken: nextToken)
        }
        return Self.json(
            200,
            [
                "meter": .string(meter), "unit": "kWh",
                "days": .array(days.map { Self.intervalDay($0, $1) }),
                "nextToken": nextToken.map(JSONValue.string) ?? .null,
            ])
    }

    /// A day of the load profile: its total and marks, and its intervals when the table keeps them (a day with
    /// gaps, or read from a timestamped file, has none: `intervals` is null).
    private static func intervalDay(_ reading: ReadingItem, _ day: IntervalDay?) -> JSONValue {
        var fields: [String: JSONValue] = [
            "date": .string(reading.date.description), "value": .string(reading.value.description),
            "flow": .string(reading.marks.flow.rawValue), "notActual": .string(reading.marks.notActual.description),
            "missingIntervals": .integer(reading.marks.missingIntervals),
            "zone": day?.zone.map { .string($0.name) } ?? .null,
            "minutes": day.map { .integer($0.minutes) } ?? .null, "peak": .null, "intervals": .null,
        ]
        guard let day else { return .object(fields) }
        fields["intervals"] = .array(
            day.intervals.map {
                [
                    "start": .string($0.start), "startUTC": $0.startUTC.map(JSONValue.string) ?? .null,
                    "value": .string($0.value.description), "quality": .string($0.quality.letter),
                ]
            })
        if let peak = day.peak {
            fields["peak"] = [
                "kW": .string(peak.kilowatts.description), "start": .string(peak.interval.start),
                "startUTC": peak.interval.startUTC.map(JSONValue.string) ?? .null,
            ]
        }
        return .object(fields)
    }
}
