import AWSServices
import ArgumentParser
import ConsumptionTable
import CurlHTTP
import JSON
import LambdaRuntime
import Timekeeping

/// `consumption keys`: which tenant each API key id belongs to, as the query function reads it from the table.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Map API Gateway API key ids to tenants (TABLE_NAME and AWS_* from the environment).",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Map an API key id to a tenant.")
        @Argument(help: "The API key's id (not its value).") var keyID: String
        @Option(help: "The tenant the key's caller sees.") var tenant: String

        func validate() throws {
            guard Tenancy.isReadable(tenant) else {
                throw ValidationError("tenant names are \(Tenancy.tenantRule), or \(Tenancy.unassigned)")
            }
            guard !keyID.isEmpty, keyID.utf8.count <= 128 else {
                throw ValidationError("the key id must be 1 to 128 bytes")
            }
        }

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            let created = WallClock.nowISO8601()
            try table.dynamo.putItem(
                table: table.name, item: APIKeyItem(keyID: keyID, tenant: tenant, createdAt: created).item)
            print("\(keyID)\t\(tenant)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every key id and its tenant.")

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            let items = try table.dynamo.query(
                table: table.name,
                parameters: [
                    "KeyConditionExpression": "pk = :pk",
                    "ExpressionAttributeValues": [":pk": AttributeValues.string(TableKeys.apiKeyPartition)],
                ])
            for key in items.compactMap(APIKeyItem.init(item:)) { print("\(key.keyID)\t\(key.tenant)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget a key id (callers with it get 403 once the functions' caches expire).")
        @Argument(help: "The API key's id.") var keyID: String

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            try table.dynamo.deleteItem(table: table.name, key: APIKeyItem.key(keyID: keyID))
        }
    }
}

/// The table and a client for it, from the environment.
struct KeysTable {
    let name: String
    let dynamo: DynamoDBClient

    static func fromEnvironment() throws -> KeysTable {
        let environment = Environment.current()
        guard let name = environment["TABLE_NAME"], !name.isEmpty else {
            throw ValidationError("TABLE_NAME must be set")
        }
        let configuration = try AWSConfiguration.fromEnvironment(environment)
        return KeysTable(
            name: name,
            dynamo: DynamoDBClient(client: AWSClient(configuration: configuration, http: try CurlHTTPClient())))
    }
}
