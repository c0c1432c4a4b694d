import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaEvents
import LambdaRuntime
import Timekeeping

/// The consumption API: API Gateway events (payload 1.0 or 2.0) in, proxy responses out. Every answer is a
/// response with the right status; only an event that is not an API Gateway request at all fails the invocation.
public final class QueryHandler {
    let store: QueryStore
    private let tenants: TenantResolver
    let tokens: PageToken
    private let openAPIDocument: [UInt8]
    private let graphQLSchemaDocument: [UInt8]
    private let dashboard: DashboardPage
    private let uploads: UploadDesk
    /// The market zones a tenant may set, by name: interval start times are given in the tenant's.
    let zones: [String: ZoneRules]
    /// One metrics line per request: the table calls it made (the per-tenant cost signal the p99 alarm watches).
    public var metrics: EmbeddedMetrics?

    /// `tokenSecrets`: the secrets that verify page tokens, the one that signs first; `s3` signs upload forms.
    public init(
        configuration: QueryConfiguration, tokenSecrets: [[UInt8]], dynamo: DynamoDBClient, s3: S3Client,
        openAPIDocument: [UInt8], graphQLSchemaDocument: [UInt8], dashboardPage: [UInt8]
    ) {
        self.graphQLSchemaDocument = graphQLSchemaDocument
        dashboard = DashboardPage(html: dashboardPage)
        store = QueryStore(dynamo: dynamo, table: configuration.tableName, budget: CallBudget())
        uploads = UploadDesk(settings: configuration.uploads, s3: s3, store: store)
        tenants = TenantResolver(store: store, cacheSeconds: configuration.apiKeyCacheSeconds)
        tokens = PageToken(secrets: tokenSecrets, lifetimeSeconds: configuration.tokenLifetimeSeconds)
        self.openAPIDocument = openAPIDocument
        zones = configuration.zones
    }

    public func handle(_ context: LambdaContext, _ event: [UInt8]) throws -> [UInt8] {
        let request: APIGatewayRequest
        do {
            request = try APIGatewayRequest(json: try JSONParser.parse(event))
        } catch let error as JSONSyntaxError where error.isLoneSurrogate {
            // A request whose path, query or headers hold bytes that are not UTF-8 (`/consumption/%ED%A0%80`):
            // the caller's, answered in the shape both payload versions take.
            context.logger.info("request refused", ["error": .string(error.description)])
            return Self.json(
                400,
                [
                    "error": "invalid-encoding",
                    "message": "the request's path, query or headers hold bytes that are not UTF-8 text",
                    "field": .null,
                ]
            ).json.serializedBytes
        } catch {
            throw LambdaError(errorType: "Query.InvalidEvent", errorMessage: "not an API Gateway request: \(error)")
        }
        return Self.serialized(respond(to: request, logger: context.logger), to: request, logger: context.logger)
    }

    /// The answer to one API request: never a trap, a refusal is a 4xx with a JSON error.
    public func respond(to request: APIGatewayRequest, logger: LambdaLogger) -> APIGatewayResponse {
        store.budget.reset()
        let response = answerOrRefuse(request, logger: logger)
        metrics?.emit(
            [.init("TableCallsPerRequest", "Count", store.budget.spent)],
            properties: [
                "tenant": store.budget.tenant.map(JSONValue.string) ?? .null,
                "status": .integer(response.statusCode), "apiRequestId": .string(request.requestID),
            ])
        return response
    }

    private func answerOrRefuse(_ request: APIGatewayRequest, logger: LambdaLogger) -> APIGatewayResponse {
        do throws(QueryFailure) {
            return try answer(request, logger: logger)
        } catch {
            switch error {
            case .api(let refusal):
                var response = Self.json(refusal.status, refusal.json)
                response.headers.merge(refusal.headers) { _, new in new }
                return response
            case .aws(let failure) where failure.code == "ValidationException":
                // The input checks keep anything the table cannot hold from reaching it; should one slip through,
                // it is the caller's request that DynamoDB refused, not a fault of the service.
                logger.error(
                    "request refused by DynamoDB",
                    [
                        "path": .string(request.rawPath), "error": .string(failure.description),
                        "apiRequestId": .string(request.requestID),
                    ])
                return Self.json(
                    400,
                    [
                        "error": "invalid-parameter", "message": "the request names something no item can hold",
                        "field": .null,
                    ])
            case .aws(let failure):
                logger.error(
                    "request failed",
                    [
                        "path": .string(request.rawPath), "error": .string(failure.description),
                        "apiRequestId": .string(request.requestID),
                    ])
                let message = "internal error; quote request id \(request.requestID)"
                return Self.json(500, ["error": "internal", "message": .string(message), "field": .null])
            }
        }
    }

    private func answer(_ request: APIGatewayRequest, logger: LambdaLogger) throws(QueryFailure)
        -> APIGatewayResponse
    {
        guard let route = Route.match(request) else {
            throw .api(.notFound("no such resource: \(request.rawPath.prefix(100))"))
        }
        guard route.methods.contains(request.method) else {
            throw .api(.methodNotAllowed(request.method, allowed: route.methods.joined(separator: ", ")))
        }
        let resource: DataRoute
        switch route {
        case .document(let document):
            // The documents are public: they are answered before any tenant is looked for.
            return answer(document)
        case .data(let data):
            resource = data
        }
        try checkPathParameters(resource)
        let tenant = try tenants.tenant(of: request)
        store.budget.tenant = tenant
        switch resource {
        case .day(let text):
            _ = try parameters(request, [])
            guard let day = try dayTotal(text, tenant: tenant) else { throw .api(.notFound("no data for \(text)")) }
            var body = Self.dayJSON(day)
            body["updatedAt"] = .string(day.updatedAt)
            return Self.json(200, .object(body))
        case .average(let text):
            _ = try parameters(request, [])
            guard let day = try dayTotal(text, tenant: tenant) else { throw .api(.notFound("no data for \(text)")) }
            let whole = Self.dayJSON(day)
            return Self.json(
                200,
                [
                    "date": whole["date"] ?? .null, "average": whole["average"] ?? .null,
                    "meters": whole["meters"] ?? .null,
                    "unit": whole["unit"] ?? .null,
                ])
        case .dayMeters(let text):
            return try dayMeters(request, tenant: tenant, dateText: text)
        case .range:
            return try range(request, tenant: tenant)
        case .meterRange(let meter):
            return try meterRange(request, tenant: tenant, meter: meter)
        case .meterDay(let meter, let text):
            return try meterDay(request, tenant: tenant, meter: meter, dateText: text)
        case .meterIntervals(let meter):
            return try meterIntervals(request, tenant: tenant, meter: meter)
        case .meterBands(let meter):
            return try meterBands(request, tenant: tenant, meter: meter)
        case .ingestions:
            return try ingestions(request, tenant: tenant)
        case .completeness:
            return try completeness(request, tenant: tenant)
        case .ingestion(let key):
            let query = try parameters(request, ["limit", "nextToken"])
            let page = try versionPage(query, tenant: tenant, of: .key(key))
            guard !page.entries.isEmpty || page.nextToken != nil else {
                throw .api(.notFound("no ingestion of \(key.prefix(200))"))
            }
            let counting = try store.countingVersion(tenant: tenant, key: key)
            var answer: [String: JSONValue] = [
                "key": .string(key), "versions": .array(page.entries.map(LedgerEntry.json)), "counting": .null,
                "nextToken": page.nextToken.map(JSONValue.string) ?? .null,
            ]
            // Which version's readings count now: a rejected upload leaves the last valid one counting.
            if let counting {
                answer["counting"] = [
                    "tag": .string(counting.tag), "versionId": counting.versionID.map(JSONValue.string) ?? .null,
                    "eTag": .string(counting.eTag),
                ]
            }
            return Self.json(200, .object(answer))
        case .graphQL:
            return graphQL(request, tenant: tenant, logger: logger)
        case .uploads:
            _ = try parameters(request, [])
            return try uploads.start(request.body, tenant: tenant)
        case .upload(let text):
            let query = try parameters(request, ["limit", "nextToken"])
            return try uploads.outcome(of: text, tenant: tenant) { (prefix) throws(QueryFailure) in
                try self.versionPage(query, tenant: tenant, of: .under(prefix))
            }
        }
    }

    /// A meter id no file could hold, or a key longer than S3 allows, is refused before anything is read: it could
    /// only be a 404, and past DynamoDB's key limits it would be DynamoDB's error instead.
    private func checkPathParameters(_ route: DataRoute) throws(QueryFailure) {
        switch route {
        case .meterRange(let meter), .meterDay(let meter, _), .meterIntervals(let meter), .meterBands(let meter):
            try Self.check(meter: meter, field: "meterId")
        case .ingestion(let key) where key.utf8.count > Self.maxKeyBytes:
            throw .api(.badRequest("objectKey", "an object key is at most \(Self.maxKeyBytes) bytes (S3's limit)"))
        default:
            break
        }
    }

    /// The one check of a meter id a request names, REST's path parameter and GraphQL's argument alike.
    static func check(meter: String, field: String) throws(QueryFailure) {
        guard let problem = MeterID.problem(of: meter) else { return }
        throw .api(
            .badRequest(
                field,
                "a meter id is 1 to \(MeterID.maxBytes) bytes of UTF-8 without control characters (\(problem.rawValue))"
            ))
    }

    /// S3's limit on a key's length.
    static let maxKeyBytes = 1024

    /// The answer of a resource anyone may read: the API's descriptions and the dashboard.
    private func answer(_ document: PublicDocument) -> APIGatewayResponse {
        switch document {
        case .openAPI:
            return APIGatewayResponse(
                statusCode: 200, headers: ["Content-Type": "application/json"], body: openAPIDocument)
        case .dashboard:
            return dashboard.response
        case .graphQLSchema:
            return APIGatewayResponse(
                statusCode: 200, headers: ["Content-Type": "text/plain; charset=utf-8"], body: graphQLSchemaDocument)
        }
    }

    func parameters(_ request: APIGatewayRequest, _ allowed: Set<String>) throws(QueryFailure)
        -> QueryParameters
    {
        try checked { () throws(APIError) in try QueryParameters(request, allowed: allowed) }
    }

    /// Where a range page starts: `from`, or the day its token names (which must lie in the range).
    func startDate(_ query: QueryParameters, scope: String, range: ClosedRange<CalendarDate>)
        throws(QueryFailure)
        -> CalendarDate
    {
        try checked { () throws(APIError) -> CalendarDate in
            guard let token = try query.single("nextToken") else { return range.lowerBound }
            guard let text = try tokens.decode(token, scope: scope).stringValue, let date = CalendarDate(text),
                range.contains(date)
            else {
                throw .badRequest("nextToken", "nextToken is not a token this query gave out", code: "invalid-token")
            }
            return date
        }
    }

    func checked<Value>(_ body: () throws(APIError) -> Value) throws(QueryFailure) -> Value {
        do throws(APIError) {
            return try body()
        } catch {
            throw .api(error)
        }
    }

    static func json(_ status: Int, _ body: JSONValue) -> APIGatewayResponse {
        APIGatewayResponse(
            statusCode: status, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
            body: body.serializedBytes)
    }

    static func table(_ representation: Representation, header: [String], rows: [[String]], nextToken: String?)
        -> APIGatewayResponse
    {
        var headers = ["Content-Type": representation.contentType, "Cache-Control": "no-store"]
        // A table has no room for the token: it travels in a header, as a Link would.
        if let nextToken { headers["X-Next-Token"] = nextToken }
        return APIGatewayResponse(
            statusCode: 200, headers: headers, body: representation.table(header: header, rows: rows))
    }
}
