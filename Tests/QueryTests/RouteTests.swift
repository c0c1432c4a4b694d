import JSON
import LambdaEvents
import Testing

@testable import Query

/// Which resource a request names, from the raw path or from what API Gateway decoded for a greedy resource.
@Suite struct RouteTests {
    /// An HTTP API (2.0) request for `rawPath`, with the path parameters API Gateway would give.
    func request(_ rawPath: String, parameters: [String: String] = [:]) throws -> APIGatewayRequest {
        var event: [String: JSONValue] = [
            "version": "2.0", "rawPath": .string(rawPath), "rawQueryString": "", "headers": [:],
            "requestContext": ["http": ["method": "GET", "path": .string(rawPath)], "requestId": "r1"],
        ]
        if !parameters.isEmpty { event["pathParameters"] = .object(parameters.mapValues(JSONValue.string)) }
        return try APIGatewayRequest(json: .object(event))
    }

    @Test("the documents and the tenant's collections by their paths, a trailing slash ignored")
    func fixedPaths() throws {
        #expect(Route.match(try request("/openapi.json")) == .document(.openAPI))
        #expect(Route.match(try request("/")) == .document(.dashboard))
        #expect(Route.match(try request("/consumption/")) == .data(.range))
        #expect(Route.match(try request("/completeness")) == .data(.completeness))
        #expect(Route.match(try request("/nothing-here")) == nil)
    }

    @Test("a meter id is split off from the end of the path: it may hold '/', '%', '+' and spaces")
    func meterIDs() throws {
        #expect(
            Route.match(try request("/meters/6123456789%2FE1/consumption/2024-05-01"))
                == .data(.meterDay(meter: "6123456789/E1", date: "2024-05-01")))
        #expect(Route.match(try request("/meters/NMI/E1/intervals")) == .data(.meterIntervals(meter: "NMI/E1")))
        #expect(Route.match(try request("/meters/a+b%20c/bands")) == .data(.meterBands(meter: "a+b c")))
        #expect(Route.match(try request("/meters/x%25y/consumption")) == .data(.meterRange(meter: "x%y")))
        #expect(Route.match(try request("/meters//consumption")) == nil)
    }

    @Test("through the greedy resource the id is read from what API Gateway decoded, never decoded twice")
    func greedyResource() throws {
        let decoded = try request("/meters/x%2525/consumption", parameters: ["meterPath": "x%25/consumption"])
        #expect(Route.match(decoded) == .data(.meterRange(meter: "x%25")))
    }

    @Test("each resource answers its methods")
    func methods() {
        #expect(Route.data(.uploads).methods == ["POST"])
        #expect(Route.data(.graphQL).methods == ["GET", "POST"])
        #expect(Route.data(.completeness).methods == ["GET"])
    }
}
