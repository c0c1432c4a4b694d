import GraphQL
import JSON
import LambdaEvents
import LambdaRuntime

/// `POST /graphql` (a JSON body) and `GET /graphql?query=` (GraphQL over HTTP): the request is read, run against
/// the consumption schema bound to the caller's tenant, and answered 200 with the spec's `{data, errors}`; a request
/// that is not a GraphQL request at all is a 400 with `errors`.
extension QueryHandler {
    func graphQL(_ request: APIGatewayRequest, tenant: String, logger: LambdaLogger) -> APIGatewayResponse {
        let parsed: GraphQLRequest
        switch GraphQLRequest.read(request) {
        case .success(let found): parsed = found
        case .failure(let refusal): return Self.json(400, ["errors": [["message": .string(refusal.message)]]])
        }
        let pages = ConsumptionGraph.Pages(
            tenant: tenant,
            day: { (text) throws(QueryFailure) in try self.dayTotal(text, tenant: tenant) },
            days: { (query) throws(QueryFailure) in try self.dayPage(query, tenant: tenant) },
            meterDays: { (query, meter) throws(QueryFailure) in
                try Self.check(meter: meter, field: "meter")
                return try self.meterPage(query, tenant: tenant, meter: meter)
            },
            dayMeters: { (query, date) throws(QueryFailure) in
                try self.dayMetersPage(query, dateText: date, tenant: tenant)
            },
            ingestions: { (query) throws(QueryFailure) in try self.ingestionPage(query, tenant: tenant) },
            periods: { (query, meter) throws(QueryFailure) in
                guard let request = try self.periodRequest(query) else {
                    throw .api(.badRequest("by", "'by' (week, month or year) or 'periods' is required"))
                }
                guard let meter else {
                    let page = try self.periodPage(query, tenant: tenant, by: request)
                    return (request, page.periods, page.nextToken)
                }
                try Self.check(meter: meter, field: "meter")
                let page = try self.meterPeriodPage(query, tenant: tenant, meter: meter, by: request)
                return (request, page.periods, page.nextToken)
            },
            error: { failure in self.fieldError(failure, request: request, logger: logger) })
        let result = Executor(schema: ConsumptionGraph.schema(pages)).execute(
            query: parsed.query, operationName: parsed.operationName, variables: parsed.variables)
        return Self.json(200, result)
    }

    /// What a field's failure tells the client: a refusal as the REST API words it (its code and field in
    /// `extensions`); an internal failure only by the request id, its detail logged.
    private func fieldError(_ failure: QueryFailure, request: APIGatewayRequest, logger: LambdaLogger)
        -> GraphQLError
    {
        switch failure {
        case .api(let refusal):
            return GraphQLError(
                refusal.message,
                extensions: ["code": .string(refusal.code), "field": refusal.field.map(JSONValue.string) ?? .null])
        case .aws(let error):
            logger.error(
                "graphql field failed",
                [
                    "path": .string(request.rawPath), "error": .string(error.description),
                    "apiRequestId": .string(request.requestID),
                ])
            return GraphQLError(
                "internal error; quote request id \(request.requestID)", extensions: ["code": "internal"])
        }
    }
}
