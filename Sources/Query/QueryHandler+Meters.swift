import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaEvents
import Timekeeping

/// `GET /meters/{meterId}/consumption[/{date}]`: one meter's days, or one meter-day with its intervals and source.
extension QueryHandler {
    func meterDay(_ request: APIGatewayRequest, tenant: String, meter: String, dateText: String)
        throws(QueryFailure) -> APIGatewayResponse
    {
        _ = try parameters(request, [])
        let date = try checked { () throws(APIError) in try QueryParameters.date(dateText, field: "date") }
        guard
            let found = try store.meterDay(tenant: tenant, meter: meter, date: date)
        else { throw .api(.notFound("no reading of meter \(meter.prefix(64)) on \(date)")) }
        return Self.json(
            200,
            [
                "meter": .string(meter), "date": .string(date.description), "value": .string(found.value.description),
                "unit": "kWh", "flow": .string(found.marks.flow.rawValue),
                "notActual": .string(found.marks.notActual.description),
                "missingIntervals": .integer(found.marks.missingIntervals),
                "intervals": found.intervals.map { .array($0.map(JSONValue.string)) } ?? .null,
                "source": [
                    "key": .string(found.key), "versionId": found.versionID.map(JSONValue.string) ?? .null,
                    "eTag": .string(found.eTag),
                    "lastModified": .string(WallClock.iso8601(milliseconds: found.lastModified * 1000)),
                    "line": .integer(found.line),
                ],
            ])
    }

    func meterRange(_ request: APIGatewayRequest, tenant: String, meter: String) throws(QueryFailure)
        -> APIGatewayResponse
    {
        let query = try parameters(request, ["from", "to", "limit", "nextToken", "format", "by", "periods"])
        let representation = try checked { () throws(APIError) in
            try Representation.chosen(format: try query.single("format"), accept: request.headers["accept"])
        }
        if let periods = try periodRequest(query) {
            return periodAnswer(
                try meterPeriodPage(query, tenant: tenant, meter: meter, by: periods), by: periods,
                representation: representation, extra: ["meter": .string(meter)])
        }
        let (page, nextToken) = try meterPage(query, tenant: tenant, meter: meter)
        guard representation == .json else {
            let rows = page.map {
                [meter, $0.date.description, $0.value.description, "kWh", $0.marks.flow.rawValue]
            }
            return Self.table(
                representation, header: ["meter", "date", "value", "unit", "flow"], rows: rows, nextToken: nextToken)
        }
        return Self.json(
            200,
            [
                "meter": .string(meter), "unit": "kWh",
                "items": .array(
                    page.map {
                        [
                            "date": .string($0.date.description), "value": .string($0.value.description),
                            "flow": .string($0.marks.flow.rawValue),
                        ]
                    }),
                "nextToken": nextToken.map(JSONValue.string) ?? .null,
            ])
    }

    /// A page of one meter's days, as `dayPage` reads the tenant's.
    func meterPage(_ query: QueryParameters, tenant: String, meter: String) throws(QueryFailure)
        -> (readings: [QueryStore.MeterReading], nextToken: String?)
    {
        let (range, limit) = try checked { () throws(APIError) in (try query.dateRange(), try query.limit()) }
        let scope = "\(tenant)|meter|\(meter)|\(range.lowerBound)|\(range.upperBound)"
        let start = try startDate(query, scope: scope, range: range)
        let page = try store.meterReadings(tenant: tenant, meter: meter, range: range, start: start, limit: limit)
        return (page.readings, page.next.map { tokens.encode(scope: scope, position: .string($0.description)) })
    }
}
