import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaEvents

/// The tenant's days: `GET /consumption?from=&to=` (a page of day totals, or periods), a day's totals, and
/// `GET /consumption/{date}/meters` (the meters that count that day); the REST API and GraphQL answer with the same
/// page functions.
extension QueryHandler {
    func range(_ request: APIGatewayRequest, tenant: String) throws(QueryFailure) -> APIGatewayResponse {
        let query = try parameters(request, ["from", "to", "limit", "nextToken", "format", "by", "periods"])
        let representation = try checked { () throws(APIError) in
            try Representation.chosen(format: try query.single("format"), accept: request.headers["accept"])
        }
        if let periods = try periodRequest(query) {
            return periodAnswer(
                try periodPage(query, tenant: tenant, by: periods), by: periods, representation: representation)
        }
        let (page, nextToken) = try dayPage(query, tenant: tenant)
        guard representation == .json else {
            let rows = page.map {
                [
                    $0.date.description, $0.total.description, String($0.meters),
                    $0.total.divided(by: $0.meters).description, "kWh", $0.exported.description, $0.net.description,
                ]
            }
            return Self.table(
                representation, header: ["date", "total", "meters", "average", "unit", "exported", "net"], rows: rows,
                nextToken: nextToken)
        }
        return Self.json(
            200,
            [
                "items": .array(page.map { .object(Self.dayJSON($0)) }), "unit": "kWh",
                "nextToken": nextToken.map(JSONValue.string) ?? .null,
            ])
    }

    func dayMeters(_ request: APIGatewayRequest, tenant: String, dateText: String) throws(QueryFailure)
        -> APIGatewayResponse
    {
        let query = try parameters(request, ["limit", "nextToken", "format"])
        let representation = try checked { () throws(APIError) in
            try Representation.chosen(format: try query.single("format"), accept: request.headers["accept"])
        }
        let page = try dayMetersPage(query, dateText: dateText, tenant: tenant)
        guard representation == .json else {
            let rows = page.meters.map {
                [
                    $0.meter, page.date.description, $0.counting.value.description, "kWh",
                    $0.counting.marks.flow.rawValue,
                ]
            }
            return Self.table(
                representation, header: ["meter", "date", "value", "unit", "flow"], rows: rows,
                nextToken: page.nextToken)
        }
        return Self.json(
            200,
            [
                "date": .string(page.date.description), "unit": "kWh",
                "items": .array(
                    page.meters.map {
                        [
                            "meter": .string($0.meter), "value": .string($0.counting.value.description),
                            "flow": .string($0.counting.marks.flow.rawValue),
                            "notActual": .string($0.counting.marks.notActual.description),
                            "missingIntervals": .integer($0.counting.marks.missingIntervals),
                        ]
                    }),
                "nextToken": page.nextToken.map(JSONValue.string) ?? .null,
            ])
    }

    /// A page of the meters that count on a day, as `dayPage` reads days; the REST API and GraphQL answer with it.
    func dayMetersPage(_ query: QueryParameters, dateText: String, tenant: String) throws(QueryFailure)
        -> (date: CalendarDate, meters: [(meter: String, counting: MeterDayItem.Counting)], nextToken: String?)
    {
        let (date, limit) = try checked { () throws(APIError) in
            (try QueryParameters.date(dateText, field: "date"), try query.limit())
        }
        let scope = "\(tenant)|day-meters|\(date)"
        let start = try checked { () throws(APIError) -> QueryStore.MeterPosition in
            guard let token = try query.single("nextToken") else { return .init(shard: 0) }
            let position = try tokens.decode(token, scope: scope)
            guard let shard = position["s"]?.intValue, (0..<TableKeys.shardCount).contains(shard),
                let after = position["m"]?.stringValue
            else {
                throw .badRequest("nextToken", "nextToken is not a token this query gave out", code: "invalid-token")
            }
            return .init(shard: shard, after: after)
        }
        let page = try store.dayMeters(tenant: tenant, date: date, start: start, limit: limit)
        let nextToken = page.next.map {
            tokens.encode(scope: scope, position: ["s": .integer($0.shard), "m": .string($0.after ?? "")])
        }
        return (date, page.meters, nextToken)
    }

    /// One day's totals of the tenant, nil when it has no data that day.
    func dayTotal(_ text: String, tenant: String) throws(QueryFailure) -> DayTotal? {
        let date = try checked { () throws(APIError) in try QueryParameters.date(text, field: "date") }
        return try store.dayTotals(tenant: tenant, range: date...date, start: date, limit: 1).days.first
    }

    /// A page of a tenant's day totals: `from`, `to`, `limit` and `nextToken` checked as the REST API does. The
    /// REST API and GraphQL both answer with it (their tokens are the same).
    func dayPage(_ query: QueryParameters, tenant: String) throws(QueryFailure)
        -> (days: [DayTotal], nextToken: String?)
    {
        let (range, limit) = try checked { () throws(APIError) in (try query.dateRange(), try query.limit()) }
        let scope = "\(tenant)|consumption|\(range.lowerBound)|\(range.upperBound)"
        let start = try startDate(query, scope: scope, range: range)
        let page = try store.dayTotals(tenant: tenant, range: range, start: start, limit: limit)
        return (page.days, page.next.map { tokens.encode(scope: scope, position: .string($0.description)) })
    }

    static func dayJSON(_ day: DayTotal) -> [String: JSONValue] {
        [
            "date": .string(day.date.description), "total": .string(day.total.description),
            "meters": .integer(day.meters),
            "average": .string(day.total.divided(by: day.meters).description), "unit": "kWh",
            "notActual": .string(day.notActual.description),
            "completeMeters": .integer(day.meters - day.incompleteMeters),
            "exported": .string(day.exported.description), "net": .string(day.net.description),
        ]
    }
}
