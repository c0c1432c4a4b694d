import ConsumptionCore
import LambdaEvents

/// A request's query parameters, checked: each known to the route, given at most once, and well formed. Every
/// refusal names the parameter.
struct QueryParameters {
    static let maxQueryBytes = 2048
    static let defaultLimit = 100
    static let maxLimit = 1000
    /// Dates outside this window are refused as absurd rather than searched for.
    static let earliest = CalendarDate(daysSinceEpoch: -25_567)  // 1900-01-01
    static let latest = CalendarDate(daysSinceEpoch: 376_199)  // 2999-12-31

    private let values: [String: [String]]

    init(_ request: APIGatewayRequest, allowed: Set<String>) throws(APIError) {
        let size = request.query.reduce(0) { total, entry in
            total + entry.key.utf8.count + entry.value.reduce(0) { $0 + $1.utf8.count + 2 }
        }
        guard size <= Self.maxQueryBytes else {
            throw .badRequest("query", "the query string is over \(Self.maxQueryBytes) bytes", code: "query-too-long")
        }
        for name in request.query.keys.sorted() where !allowed.contains(name) {
            let known = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
            throw .badRequest(
                name, "unknown parameter '\(name)'; this resource takes: \(known)", code: "unknown-parameter")
        }
        values = request.query
    }

    /// Parameters given another way than a query string (GraphQL arguments), one value each.
    init(arguments: [String: String]) {
        values = arguments.mapValues { [$0] }
    }

    func single(_ name: String) throws(APIError) -> String? {
        guard let given = values[name] else { return nil }
        guard given.count == 1, let value = given.first else {
            throw .badRequest(name, "'\(name)' is given more than once")
        }
        return value
    }

    /// Every value of a parameter that may be given more than once, nil when not given. The HTTP API's payload
    /// joins repeated values with commas, so a list parameter's items are also split on commas: `?x=a&x=b` and
    /// `?x=a,b` mean the same under both payload versions.
    func list(_ name: String) -> [String]? {
        values[name].map { $0.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } }
    }

    func date(_ name: String) throws(APIError) -> CalendarDate? {
        guard let text = try single(name) else { return nil }
        return try Self.date(text, field: name)
    }

    static func date(_ text: String, field: String) throws(APIError) -> CalendarDate {
        guard text.utf8.count == 10, let date = CalendarDate(text), earliest <= date, date <= latest
        else {
            throw .badRequest(
                field, "'\(text.prefix(40))' is not a date as YYYY-MM-DD between 1900-01-01 and 2999-12-31")
        }
        return date
    }

    /// `from` and `to`, both required, in order.
    func dateRange() throws(APIError) -> ClosedRange<CalendarDate> {
        guard let from = try date("from") else { throw .badRequest("from", "'from' is required (YYYY-MM-DD)") }
        guard let to = try date("to") else { throw .badRequest("to", "'to' is required (YYYY-MM-DD)") }
        guard from <= to else { throw .badRequest("from", "'from' (\(from)) is after 'to' (\(to))") }
        return from...to
    }

    func limit(default fallback: Int = defaultLimit, max: Int = maxLimit) throws(APIError) -> Int {
        guard let text = try single("limit") else { return fallback }
        guard let limit = Int(text), (1...max).contains(limit) else {
            throw .badRequest("limit", "'limit' must be an integer from 1 to \(max)")
        }
        return limit
    }
}
