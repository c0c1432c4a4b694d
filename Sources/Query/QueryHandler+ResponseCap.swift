import JSON
import LambdaEvents
import LambdaRuntime

/// No answer passes `maxResponseBytes`: Lambda fails an invocation whose response is over 6 MB
/// (`Runtime.ResponseSizeTooLarge`) and API Gateway turns that into a bare 502, so an answer that large is replaced
/// by a coded refusal the client can act on. GraphQL's cost analysis and the REST API's pages keep answers far
/// smaller; this is the last line, whatever slips past them.
extension QueryHandler {
    /// 5 MiB: a megabyte under Lambda's limit, counted on the proxy response as Lambda receives it (the body
    /// escaped inside it), so that no difference in how the two count can bring an answer under the cap over
    /// Lambda's limit.
    static let maxResponseBytes = 5 * 1024 * 1024

    /// `response` as the function returns it, or in its place, when that is over `maxBytes`, the refusal: GraphQL's
    /// is a response with `data` null and a `RESPONSE_TOO_LARGE` error (a 200, as GraphQL over HTTP answers a
    /// well-formed GraphQL response), the REST API's a 400 `response-too-large`.
    static func serialized(
        _ response: APIGatewayResponse, to request: APIGatewayRequest, maxBytes: Int = maxResponseBytes,
        logger: LambdaLogger
    ) -> [UInt8] {
        let bytes = response.json.serializedBytes
        guard bytes.count > maxBytes else { return bytes }
        logger.warn(
            "answer over the response cap",
            [
                "path": .string(request.rawPath), "bytes": .integer(bytes.count), "limit": .integer(maxBytes),
                "apiRequestId": .string(request.requestID),
            ])
        let message =
            "the answer is \(bytes.count) bytes, over the limit of \(maxBytes); ask for smaller pages or fewer fields"
        let refusal =
            Route.match(request) == .data(.graphQL)
            ? json(
                200,
                [
                    "data": .null,
                    "errors": [
                        [
                            "message": .string(message),
                            "extensions": [
                                "code": "RESPONSE_TOO_LARGE", "size": .integer(bytes.count),
                                "limit": .integer(maxBytes),
                            ],
                        ]
                    ],
                ])
            : json(400, APIError(status: 400, code: "response-too-large", message: message).json)
        return refusal.json.serializedBytes
    }
}
