import ConsumptionTable
import JSON
import LambdaEvents

/// `GET /completeness?date=`: the tenant's roster held against a day, a page of its meters at a time: those with no
/// reading that counts (`missing`) and those whose reading has gaps (`incomplete`); complete ones are counted, not
/// listed. A tenant with no roster gets a 404 saying how to set one.
extension QueryHandler {
    func completeness(_ request: APIGatewayRequest, tenant: String) throws(QueryFailure) -> APIGatewayResponse {
        let query = try parameters(request, ["date", "limit", "nextToken"])
        let (date, limit) = try checked { () throws(APIError) in
            guard let text = try query.single("date") else {
                throw .badRequest("date", "'date' is required (YYYY-MM-DD)")
            }
            return (try QueryParameters.date(text, field: "date"), try query.limit())
        }
        let scope = "\(tenant)|completeness|\(date)"
        let after = try checked { () throws(APIError) -> String? in
            guard let token = try query.single("nextToken") else { return nil }
            guard let meter = try tokens.decode(token, scope: scope).stringValue else {
                throw .badRequest("nextToken", "nextToken is not a token this query gave out", code: "invalid-token")
            }
            return meter
        }
        guard let roster = try store.rosterSummary(tenant: tenant) else {
            throw .api(
                APIError(
                    status: 404, code: "no-roster",
                    message:
                        "no meter roster is set for this tenant: an operator sets one with `consumption roster set`"
                ))
        }
        let page = try store.rosterPage(tenant: tenant, date: date, after: after, limit: limit)
        let items: [JSONValue] = page.shortfalls.map {
            [
                "meter": .string($0.meter), "status": .string($0.status.rawValue),
                "missingIntervals": .integer($0.missingIntervals),
            ]
        }
        let nextToken = page.last.map { tokens.encode(scope: scope, position: .string($0)) }
        return Self.json(
            200,
            [
                "date": .string(date.description), "rosterMeters": .integer(roster.meters),
                "checked": .integer(page.checked.count), "items": .array(items),
                "nextToken": nextToken.map(JSONValue.string) ?? .null,
            ])
    }
}
