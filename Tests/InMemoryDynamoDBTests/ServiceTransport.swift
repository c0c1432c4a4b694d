import AWSServices
import AWSSigV4
import CurlHTTP
import InMemoryDynamoDB
import InMemoryWire
import JSON

/// Hands the real client's HTTP requests to the in-memory service at a clock the test moves.
final class ServiceTransport: HTTPTransport {
    let service: DynamoDBService
    var nowMilliseconds: Int
    /// Milliseconds the clock moves after each request.
    var step: Int

    init(_ service: DynamoDBService, now: Int = 1_800_000_000_000, step: Int = 0) {
        self.service = service
        nowMilliseconds = now
        self.step = step
    }

    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        guard let wire = WireRequest(request) else {
            return HTTPResponse(status: 400, headers: [], body: Array("bad URL".utf8))
        }
        let response = service.respond(to: wire, at: nowMilliseconds)
        nowMilliseconds += step
        return response
    }

    func send(
        _ request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTPError) -> HTTPResponse {
        var response = try send(request)
        onHead?(response.status, response.headers)
        _ = response.body.withUnsafeBytes { onBody($0) }
        response.body = []
        return response
    }

    func sendAll(_ requests: [HTTPRequest], maxInFlight: Int, mayStart: ((Int) -> Bool)?)
        -> [Result<HTTPResponse, HTTPError>]
    {
        requests.map { request in Result { () throws(HTTPError) in try send(request) } }
    }
}

/// A service with the product's table shape (pk/sk strings, a sparse `dayMeters` index on `dayShard`), and a real
/// `DynamoDBClient` talking to it.
struct Harness {
    let service: DynamoDBService
    let transport: ServiceTransport
    let dynamo: DynamoDBClient
    static let table = "consumption"

    init(indexLag: Int = 0, streamShards: Int = 2, shardLifetime: Int? = nil, step: Int = 0) throws {
        service = DynamoDBService(
            indexLagMilliseconds: indexLag, streamShardCount: streamShards,
            streamShardLifetimeMilliseconds: shardLifetime)
        transport = ServiceTransport(service, step: step)
        try service.createTable(
            TableDefinition(
                name: Self.table,
                key: KeySchema(partition: KeyAttribute("pk", .string), sort: KeyAttribute("sk", .string)),
                globalIndexes: [
                    GlobalIndexDefinition(
                        name: "dayMeters",
                        key: KeySchema(
                            partition: KeyAttribute("dayShard", .string), sort: KeyAttribute("meter", .string)),
                        projection: .include(["value"]))
                ], streamEnabled: true), at: transport.nowMilliseconds)
        let configuration = AWSConfiguration(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: nil),
            region: "us-east-1", endpoints: ["dynamodb": "http://dynamodb.sim"])
        dynamo = DynamoDBClient(client: AWSClient(configuration: configuration, http: transport))
    }

    /// `{"S": text}`.
    static func s(_ text: String) -> JSONValue { ["S": .string(text)] }
    /// `{"N": text}`.
    static func n(_ text: String) -> JSONValue { ["N": .string(text)] }

    static func key(_ pk: String, _ sk: String) -> JSONValue { ["pk": s(pk), "sk": s(sk)] }

    func put(_ pk: String, _ sk: String, _ extra: [String: JSONValue] = [:]) throws {
        var item = extra
        item["pk"] = Self.s(pk)
        item["sk"] = Self.s(sk)
        try dynamo.putItem(table: Self.table, item: .object(item))
    }

    func get(_ pk: String, _ sk: String) throws -> JSONValue? {
        try dynamo.getItem(table: Self.table, key: Self.key(pk, sk), consistent: true)
    }

    /// The service code of a failed call (nil when it succeeded).
    func errorCode(_ call: () throws -> Void) -> String? {
        do {
            try call()
            return nil
        } catch {
            if case .service(let serviceError)? = error as? AWSError { return serviceError.code }
            return "\(error)"
        }
    }
}
