import AWSServices
import AWSSigV4
import CurlHTTP
import InMemoryWire
import JSON
import LambdaEvents
import LambdaRuntime
import Testing

@testable import Query

/// DynamoDB as the query function meets it, counting the calls: every Query answers an empty page, with another
/// page to come when `endless` (as a filter or a sparse index can answer page after page of nothing).
final class CountingDynamoDB: InMemoryService {
    let endless: Bool
    private(set) var calls = 0

    init(endless: Bool) {
        self.endless = endless
    }

    func respond(to request: WireRequest, at nowMilliseconds: Int) -> HTTPResponse {
        calls += 1
        var page: [String: JSONValue] = ["Items": [], "Count": 0]
        if endless { page["LastEvaluatedKey"] = ["pk": ["S": .string("page-\(calls)")]] }
        return HTTPResponse(status: 200, headers: [], body: JSONValue.object(page).serializedBytes)
    }
}

/// The query function's handler over `transport`.
func handler(_ dynamo: CountingDynamoDB) throws -> QueryHandler {
    let configuration = try QueryConfiguration.fromEnvironment([
        "TABLE_NAME": "consumption", "TOKEN_SECRET": "a page-token secret for tests",
    ])
    let client = AWSClient(
        configuration: AWSConfiguration(
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"), region: "us-east-1",
            endpoints: ["dynamodb": "http://dynamodb.sim"]),
        http: ServiceTransport(dynamo))
    return QueryHandler(
        configuration: configuration, tokenSecrets: [Array("a page-token secret for tests".utf8)],
        dynamo: DynamoDBClient(client: client), s3: S3Client(client: client), openAPIDocument: [],
        graphQLSchemaDocument: [], dashboardPage: [])
}

/// An HTTP API request of tenant `acme` (its authorizer names it: no API key to look up).
func acmeRequest(_ method: String, _ path: String, body: String? = nil) throws -> APIGatewayRequest {
    var event: [String: JSONValue] = [
        "version": "2.0", "rawPath": .string(path), "headers": ["content-type": "application/json"],
        "requestContext": [
            "requestId": "test-request", "http": ["method": .string(method), "path": .string(path)],
            "authorizer": ["lambda": ["tenant": "acme"]],
        ],
    ]
    if let body { event["body"] = .string(body) }
    return try APIGatewayRequest(json: .object(event))
}

let quiet = LambdaLogger(usesJSON: true, minimumLevel: .error, write: { _ in })

func graphQLBody(_ query: String) -> String {
    JSONValue.object(["query": .string(query)]).serialized
}

@Suite("The DynamoDB calls of one request are counted and bounded at run time")
struct CallBudgetTests {
    @Test("a day's meters whose pages never end: 200 calls, then a 400 call-limit, not a timeout")
    func restStopsAtTheBudget() throws {
        let dynamo = CountingDynamoDB(endless: true)
        let answer = try handler(dynamo).respond(
            to: try acmeRequest("GET", "/consumption/2024-05-01/meters"), logger: quiet)
        #expect(answer.statusCode == 400)
        let body = try JSONParser.parse(answer.body)
        #expect(body["error"] == "call-limit")
        #expect(body["message"]?.stringValue?.contains("more than 200 reads") == true)
        #expect(dynamo.calls == CallBudget.perRequest)
    }

    @Test("in GraphQL the field that passes the budget is a field error with the code; each request has its own")
    func graphQLStopsAtTheBudget() throws {
        let dynamo = CountingDynamoDB(endless: true)
        let query = try handler(dynamo)
        let request = try acmeRequest(
            "POST", "/graphql", body: graphQLBody("{ dayMeters(date: \"2024-05-01\") { nextToken } }"))
        for round in 1...2 {
            let answer = query.respond(to: request, logger: quiet)
            #expect(answer.statusCode == 200)
            let body = try JSONParser.parse(answer.body)
            #expect(body["errors"]?.arrayValue?.first?["extensions"]?["code"] == "call-limit")
            #expect(dynamo.calls == round * CallBudget.perRequest)
        }
    }

    @Test("the largest request the GraphQL limits let through, ten aliases of a day's meters, is within it")
    func theLargestLegitimateRequestFits() throws {
        let dynamo = CountingDynamoDB(endless: false)
        let aliases = (1...10).map { "m\($0): dayMeters(date: \"2024-05-01\", limit: 1000) { nextToken }" }
        let answer = try handler(dynamo).respond(
            to: try acmeRequest("POST", "/graphql", body: graphQLBody("{ \(aliases.joined(separator: " ")) }")),
            logger: quiet)
        #expect(try JSONParser.parse(answer.body)["errors"] == nil)
        #expect(dynamo.calls == 160)  // 16 sum shards' index partitions each
    }
}
