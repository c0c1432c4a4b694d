import JSON
import LambdaEvents

/// A GraphQL-over-HTTP request: the document, the operation to run, the variables.
struct GraphQLRequest {
    let query: String
    let operationName: String?
    let variables: JSONValue?

    struct Refusal: Error {
        let message: String
    }

    static func read(_ request: APIGatewayRequest) -> Result<GraphQLRequest, Refusal> {
        if request.method == "GET" {
            func single(_ name: String) -> String? { request.query[name]?.last }
            var variables: JSONValue?
            if let text = single("variables") {
                guard let parsed = try? JSONParser.parse(Array(text.utf8)) else {
                    return .failure(Refusal(message: "'variables' is not JSON"))
                }
                variables = parsed
            }
            guard let query = single("query") else { return .failure(Refusal(message: "'query' is required")) }
            return .success(GraphQLRequest(query: query, operationName: single("operationName"), variables: variables))
        }
        guard let body = try? JSONParser.parse(request.body), case .object(let fields) = body else {
            return .failure(
                Refusal(message: "the body is a JSON object: {\"query\", \"operationName\", \"variables\"}"))
        }
        guard case .string(let query)? = fields["query"] else {
            return .failure(Refusal(message: "'query' is required, a string"))
        }
        var operationName: String?
        switch fields["operationName"] {
        case nil, .null?: break
        case .string(let name)?: operationName = name
        default: return .failure(Refusal(message: "'operationName' is a string"))
        }
        return .success(GraphQLRequest(query: query, operationName: operationName, variables: fields["variables"]))
    }
}
