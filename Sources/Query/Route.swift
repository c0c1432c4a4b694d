import LambdaEvents

/// The API's resources: the documents anyone may read, and the tenant's data. Path parameters come from API
/// Gateway when it gives them (it decodes them), else from the path itself, percent-decoded here; a meter id or
/// object key may hold any character, `/` included.
enum Route: Equatable {
    case document(PublicDocument)
    case data(DataRoute)

    /// The methods each resource answers.
    var methods: [String] {
        switch self {
        case .data(.uploads): return ["POST"]
        case .data(.graphQL): return ["GET", "POST"]
        default: return ["GET"]
        }
    }

    static func match(_ request: APIGatewayRequest) -> Route? {
        let path =
            request.rawPath.count > 1 && request.rawPath.hasSuffix("/")
            ? String(request.rawPath.dropLast()) : request.rawPath
        func parameter(_ name: String, _ raw: Substring) -> String? {
            // In a path, `+` is a plus.
            request.pathParameters[name] ?? PercentDecoding.decode(raw, plusIsSpace: false)
        }
        switch path {
        case "/openapi.json": return .document(.openAPI)
        case "/graphql/schema": return .document(.graphQLSchema)
        case "/", "/dashboard": return .document(.dashboard)
        default:
            return DataRoute.match(path, meterPath: request.pathParameters["meterPath"], parameter: parameter).map(
                Route.data)
        }
    }
}

/// What anyone may read: the API's descriptions and the dashboard page.
enum PublicDocument: Equatable {
    case openAPI
    case graphQLSchema
    case dashboard
}

/// The tenant's data: answered for the caller's tenant only.
enum DataRoute: Equatable {
    case day(date: String)
    /// The replaced system's endpoint: a day's average per meter alone.
    case average(date: String)
    case dayMeters(date: String)
    case range
    case meterRange(meter: String)
    case meterDay(meter: String, date: String)
    /// A meter's load profile: its intervals over a range of days.
    case meterIntervals(meter: String)
    /// A meter's energy by the tenant's time-of-use bands over a range of days.
    case meterBands(meter: String)
    case ingestions
    case ingestion(key: String)
    /// The roster's meters with no reading, or with gaps, on a day.
    case completeness
    case uploads
    case upload(id: String)
    case graphQL

    fileprivate static func match(_ path: String, meterPath: String?, parameter: (String, Substring) -> String?)
        -> DataRoute?
    {
        switch path {
        case "/consumption": return .range
        case "/ingestions": return .ingestions
        case "/completeness": return .completeness
        case "/uploads": return .uploads
        case "/graphql": return .graphQL
        default: break
        }
        if let rest = path.dropPrefix("/uploads/"), !rest.contains("/") {
            return parameter("id", rest).map { .upload(id: $0) }
        }
        if let rest = path.dropPrefix("/consumption/average/"), !rest.contains("/") {
            return parameter("date", rest).map { .average(date: $0) }
        }
        if let rest = path.dropPrefix("/consumption/"), !rest.contains("/") {
            return parameter("date", rest).map { .day(date: $0) }
        }
        if let rest = path.dropPrefix("/consumption/"), let date = rest.dropSuffix("/meters"), !date.contains("/") {
            return parameter("date", date).map { .dayMeters(date: $0) }
        }
        if let rest = path.dropPrefix("/ingestions/"), !rest.isEmpty {
            return parameter("objectKey", rest).map { .ingestion(key: $0) }
        }
        if let rest = path.dropPrefix("/meters/") {
            // Through the greedy resource (`/meters/{meterPath+}`), API Gateway gives the rest of the path decoded
            // once: read from it, nothing is decoded twice, so an id holding `%` stays whole whether or not the
            // gateway decoded `%2F` before matching. Without it (a test's event), the raw path is decoded here.
            if let meterPath { return meter(meterPath[...], parameter: { _, text in String(text) }) }
            return meter(rest, parameter: parameter)
        }
        return nil
    }

    /// `<meter>/consumption`, `<meter>/consumption/<date>`, `<meter>/intervals` or `<meter>/bands`, the meter split
    /// off from the end:
    /// it may hold `/`.
    private static func meter(_ rest: Substring, parameter: (String, Substring) -> String?) -> DataRoute? {
        if let meter = rest.dropSuffix("/intervals"), !meter.isEmpty {
            return parameter("meterId", meter).map { .meterIntervals(meter: $0) }
        }
        if let meter = rest.dropSuffix("/bands"), !meter.isEmpty {
            return parameter("meterId", meter).map { .meterBands(meter: $0) }
        }
        if let meter = rest.dropSuffix("/consumption"), !meter.isEmpty {
            return parameter("meterId", meter).map { .meterRange(meter: $0) }
        }
        if let slash = rest.lastIndex(of: "/"), let meter = rest[..<slash].dropSuffix("/consumption"), !meter.isEmpty {
            let date = rest[rest.index(after: slash)...]
            guard let meterID = parameter("meterId", meter), let day = parameter("date", date) else { return nil }
            return .meterDay(meter: meterID, date: day)
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func dropPrefix(_ prefix: String) -> SubSequence? {
        hasPrefix(prefix) ? self[index(startIndex, offsetBy: prefix.count)...] : nil
    }

    fileprivate func dropSuffix(_ suffix: String) -> SubSequence? {
        hasSuffix(suffix) ? self[..<index(endIndex, offsetBy: -suffix.count)] : nil
    }
}
