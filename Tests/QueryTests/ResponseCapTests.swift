import JSON
import LambdaEvents
import Testing

@testable import Query

/// No answer passes the response cap: over it, a coded refusal takes its place, REST's and GraphQL's own.
@Suite struct ResponseCapTests {
    let large = QueryHandler.json(200, ["items": .array(Array(repeating: "0123456789", count: 200))])

    @Test func anAnswerUnderTheCapIsReturnedAsIs() throws {
        let request = try acmeRequest("GET", "/consumption")
        let bytes = QueryHandler.serialized(large, to: request, maxBytes: 10_000, logger: quiet)
        #expect(bytes == large.json.serializedBytes)
    }

    @Test func aRESTAnswerOverTheCapIsA400ResponseTooLarge() throws {
        let request = try acmeRequest("GET", "/consumption")
        let bytes = QueryHandler.serialized(large, to: request, maxBytes: 1_000, logger: quiet)
        let proxy = try JSONParser.parse(bytes)
        #expect(proxy["statusCode"] == 400)
        let body = try JSONParser.parse(Array((proxy["body"]?.stringValue ?? "").utf8))
        #expect(body["error"] == "response-too-large")
        #expect(body["message"]?.stringValue?.contains("over the limit of 1000") == true)
    }

    @Test func aGraphQLAnswerOverTheCapIsDataNullAndResponseTooLarge() throws {
        let request = try acmeRequest("POST", "/graphql", body: graphQLBody("{ __typename }"))
        let bytes = QueryHandler.serialized(large, to: request, maxBytes: 1_000, logger: quiet)
        let proxy = try JSONParser.parse(bytes)
        #expect(proxy["statusCode"] == 200)
        let body = try JSONParser.parse(Array((proxy["body"]?.stringValue ?? "").utf8))
        #expect(body["data"] == .null)
        #expect(body["errors"]?.arrayValue?.first?["extensions"]?["code"] == "RESPONSE_TOO_LARGE")
        #expect(body["errors"]?.arrayValue?.first?["extensions"]?["limit"] == 1_000)
    }

    @Test("the introspection attack, were the cost limit lifted, is still answered under the cap")
    func theCapIsTheLastLine() throws {
        var unlimited = consumptionExecutor()
        unlimited.maxCost = .max
        let answer = QueryHandler.json(
            200, unlimited.execute(query: Issue26.introspection, operationName: nil, variables: nil))
        let request = try acmeRequest("POST", "/graphql", body: graphQLBody(Issue26.introspection))
        let bytes = QueryHandler.serialized(answer, to: request, logger: quiet)
        #expect(bytes.count < 1_000)
        #expect(QueryHandler.maxResponseBytes == 5 * 1024 * 1024)
        #expect(String(decoding: bytes, as: UTF8.self).contains("RESPONSE_TOO_LARGE"))
    }
}
