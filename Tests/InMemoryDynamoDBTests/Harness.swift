import AWSServices
import AWSSigV4
import InMemoryDynamoDB
import InMemoryWire
import JSON

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
