import AWSServices
import AWSSigV4
import ConsumptionCore
import ConsumptionTable
import InMemoryDynamoDB
import InMemoryWire
import JSON
import LambdaEvents
import Testing

@testable import Query

/// The query function's answers over the table as DynamoDB keeps it (the in-memory service: 1 MB pages, `Limit`,
/// a global index): pages handed out by `nextToken` add up to the whole, and a token serves only its own query.
@Suite struct TablePagingTests {
    static let table = "consumption"
    static let date = CalendarDate("2024-05-01")!
    let service = DynamoDBService(indexLagMilliseconds: 0, streamShardCount: 1)
    let handler: QueryHandler

    init() throws {
        let transport = ServiceTransport(service)
        try service.createTable(
            .consumption(name: Self.table, streamEnabled: false), at: transport.nowMilliseconds)
        let client = AWSClient(
            configuration: AWSConfiguration(
                credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"),
                region: "us-east-1", endpoints: ["dynamodb": "http://dynamodb.sim"]),
            http: transport)
        handler = QueryHandler(
            configuration: try QueryConfiguration.fromEnvironment([
                "TABLE_NAME": Self.table, "TOKEN_SECRET": "a page-token secret for tests",
            ]), tokenSecrets: [Array("a page-token secret for tests".utf8)], dynamo: DynamoDBClient(client: client),
            s3: S3Client(client: client), openAPIDocument: [], graphQLSchemaDocument: [], dashboardPage: [])
        let dynamo = DynamoDBClient(client: client)
        // 40 meters of acme on one day, each with its value in the shard its id hashes to, and the shards' sums.
        var sums: [Int: (total: ExactDecimal, meters: Int)] = [:]
        for number in 1...40 {
            let meter = "m\(number)"
            let value = ExactDecimal("\(number).25")!
            let counting = MeterDayItem.Counting(
                version: VersionIdentity(
                    key: "incoming/acme/a.csv", tag: "v1", versionID: "v1", eTag: "e", lastModified: 1),
                value: value, line: number + 1)
            var item = MeterDayItem.countingAttributes(counting, tenant: "acme", meter: meter, date: Self.date)
            item.merge(MeterDayItem.key(tenant: "acme", meter: meter, date: Self.date).objectValue ?? [:]) { $1 }
            try dynamo.putItem(table: Self.table, item: .object(item))
            let shard = TableKeys.shard(ofMeter: meter)
            let sum = sums[shard] ?? (.zero, 0)
            sums[shard] = (sum.total + value, sum.meters + 1)
        }
        for (shard, sum) in sums {
            var item = DaySumItem.key(tenant: "acme", date: Self.date, shard: shard).objectValue ?? [:]
            item[DaySumItem.Attribute.total] = AttributeValues.number(sum.total)
            item[DaySumItem.Attribute.meters] = AttributeValues.number(sum.meters)
            try dynamo.putItem(table: Self.table, item: .object(item))
        }
    }

    func get(_ path: String, _ query: String = "") throws -> (status: Int, body: JSONValue) {
        var event: [String: JSONValue] = [
            "version": "2.0", "rawPath": .string(path), "rawQueryString": .string(query), "headers": [:],
            "requestContext": [
                "requestId": "test-request", "http": ["method": "GET", "path": .string(path)],
                "authorizer": ["lambda": ["tenant": "acme"]],
            ],
        ]
        var parameters: [String: JSONValue] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            parameters[parts[0]] = .string(parts.count > 1 ? parts[1] : "")
        }
        if !parameters.isEmpty { event["queryStringParameters"] = .object(parameters) }
        let answer = handler.respond(to: try APIGatewayRequest(json: .object(event)), logger: quiet)
        return (answer.statusCode, try JSONParser.parse(answer.body))
    }

    @Test("a day's meters, 7 at a time: every meter once, and the last page says there is no more")
    func dayMetersPageByPage() throws {
        var seen: [String] = []
        var token: String?
        for _ in 0..<20 {
            let (status, body) = try get(
                "/consumption/2024-05-01/meters", "limit=7" + (token.map { "&nextToken=\($0)" } ?? ""))
            #expect(status == 200)
            let items = body["items"]?.arrayValue ?? []
            #expect(items.count <= 7)
            seen += items.compactMap { $0["meter"]?.stringValue }
            token = body["nextToken"]?.stringValue
            if token == nil { break }
        }
        #expect(token == nil)
        #expect(seen.count == 40)
        #expect(Set(seen) == Set((1...40).map { "m\($0)" }))
    }

    @Test("the day's total is its shards added: 40 meters, 1 + 2 + ... + 40 plus 40 quarters")
    func dayTotal() throws {
        let (status, body) = try get("/consumption/2024-05-01")
        #expect(status == 200)
        #expect(body["total"] == "830")
        #expect(body["meters"] == 40)
    }

    @Test("a token serves only the query it came from: another day's, or one altered, is a 400 invalid-token")
    func tokensAreScoped() throws {
        let first = try get("/consumption/2024-05-01/meters", "limit=5")
        let token = try #require(first.body["nextToken"]?.stringValue)
        let otherDay = try get("/consumption/2024-05-02/meters", "limit=5&nextToken=\(token)")
        #expect(otherDay.status == 400)
        #expect(otherDay.body["error"] == "invalid-token")
        // A character in the middle: the last one of base64 text may carry only padding bits, which decoding drops.
        var characters = Array(token)
        characters[characters.count / 2] = characters[characters.count / 2] == "A" ? "B" : "A"
        let altered = String(characters)
        let tampered = try get("/consumption/2024-05-01/meters", "limit=5&nextToken=\(altered)")
        #expect(tampered.status == 400)
        #expect(tampered.body["error"] == "invalid-token")
    }

    @Test("a limit outside 1...max is refused naming the field, before any read")
    func limitOutOfRange() throws {
        for limit in ["0", "-1", "x", "100000"] {
            let (status, body) = try get("/consumption/2024-05-01/meters", "limit=\(limit)")
            #expect(status == 400)
            #expect(body["field"] == "limit")
        }
    }
}
