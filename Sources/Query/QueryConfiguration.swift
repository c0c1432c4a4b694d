import ConsumptionCore
import LambdaRuntime

/// The query function's settings, read from its environment once at start-up; anything missing or malformed is an
/// init error naming the variable.
public struct QueryConfiguration: Sendable {
    public var tableName: String
    /// Signs page tokens, so a token cannot be forged or carried to another tenant or query: the value itself
    /// (`TOKEN_SECRET`, for local runs), or nil when it is read from Secrets Manager at start-up.
    public var tokenSecret: [UInt8]?
    /// The Secrets Manager secret holding `{"token": ...}` (`TOKEN_SECRET_ARN`): its current and previous versions
    /// both verify tokens, so a rotation never cuts a client off mid-paging.
    public var tokenSecretARN: String?
    /// How long a page token is good for (`TOKEN_TTL_SECONDS`).
    public var tokenLifetimeSeconds: Int
    /// The OpenAPI document served at `/openapi.json` (shipped beside the bootstrap).
    public var openAPIPath: String
    /// The GraphQL schema (SDL) served at `/graphql/schema` (shipped beside the bootstrap).
    public var graphQLSchemaPath: String
    /// The dashboard served at `/` and `/dashboard` (shipped beside the bootstrap).
    public var dashboardPath: String
    /// How long an API key's tenant is remembered.
    public var apiKeyCacheSeconds: Int
    /// Where `POST /uploads` lets tenants upload; nil (no `BUCKET_NAME`): uploads are not offered.
    public var uploads: Uploads?
    /// Where the market zones' TZif files are looked for (`MarketZones.directories`), and the zones once
    /// `loadZones` has read them: interval start times are given in a tenant's zone.
    public var zoneinfoDirectories: [String]
    public var zones: [String: ZoneRules] = [:]

    /// Self-service uploads: presigned POSTs into `<incomingPrefix><tenant>/`.
    public struct Uploads: Sendable, Equatable {
        public var bucket: String
        public var incomingPrefix: String
        /// The largest file a form takes (`UPLOAD_MAX_BYTES`; S3's POST limit, 5 GiB, by default).
        public var maxBytes: Int
        /// How long a form is good for (`UPLOAD_EXPIRY_SECONDS`: 5 minutes by default, at most 15): S3 takes a form
        /// any number of times until it expires (each post a new version of its one key), so the expiry bounds it.
        public var expirySeconds: Int
        /// Forms a tenant may be given an hour (`UPLOAD_FILES_PER_HOUR`), and the bytes they may declare in all
        /// (`UPLOAD_BYTES_PER_HOUR`): what one tenant's uploads can put on the shared ingest queue.
        public var filesPerHour: Int
        public var bytesPerHour: Int
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(LambdaError) -> QueryConfiguration {
        guard let table = environment["TABLE_NAME"], !table.isEmpty else {
            throw LambdaError.invalidConfiguration("TABLE_NAME must be set")
        }
        let secret = environment["TOKEN_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        let secretARN = environment["TOKEN_SECRET_ARN"].flatMap { $0.isEmpty ? nil : $0 }
        guard secretARN != nil || secret != nil else {
            throw LambdaError.invalidConfiguration(
                "TOKEN_SECRET_ARN (or, for local runs, TOKEN_SECRET) must be set: it signs page tokens")
        }
        if let secret, secret.utf8.count < 16 {
            throw LambdaError.invalidConfiguration("TOKEN_SECRET must be at least 16 characters")
        }
        let root = environment["LAMBDA_TASK_ROOT"] ?? "."
        let openAPIPath = environment["OPENAPI_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(root)/openapi.json"
        let schemaPath =
            environment["GRAPHQL_SCHEMA_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(root)/schema.graphql"
        let dashboardPath =
            environment["DASHBOARD_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(root)/dashboard.html"
        var cacheSeconds = 60
        if let text = environment["API_KEY_CACHE_SECONDS"], !text.isEmpty {
            guard let seconds = Int(text), (0...3600).contains(seconds) else {
                throw LambdaError.invalidConfiguration(
                    "API_KEY_CACHE_SECONDS=\(text) is not valid: expected an integer in 0...3600")
            }
            cacheSeconds = seconds
        }
        var lifetime = 86_400
        if let text = environment["TOKEN_TTL_SECONDS"], !text.isEmpty {
            guard let seconds = Int(text), (1...2_592_000).contains(seconds) else {
                throw LambdaError.invalidConfiguration(
                    "TOKEN_TTL_SECONDS=\(text) is not valid: expected an integer in 1...2592000")
            }
            lifetime = seconds
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(LambdaError) -> Int {
            guard let text = environment[name], !text.isEmpty else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw LambdaError.invalidConfiguration(
                    "\(name)=\(text) is not valid: expected an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        var uploads: Uploads?
        if let bucket = environment["BUCKET_NAME"], !bucket.isEmpty {
            let prefix = environment["INCOMING_PREFIX"].flatMap { $0.isEmpty ? nil : $0 } ?? "incoming/"
            guard prefix.hasSuffix("/"), !prefix.hasPrefix("/") else {
                throw LambdaError.invalidConfiguration(
                    "INCOMING_PREFIX=\(prefix) is not valid: expected a key prefix ending in '/'")
            }
            uploads = Uploads(
                bucket: bucket, incomingPrefix: prefix,
                maxBytes: try integer("UPLOAD_MAX_BYTES", default: 5 << 30, range: 1...(5 << 30)),
                expirySeconds: try integer("UPLOAD_EXPIRY_SECONDS", default: 300, range: 1...900),
                filesPerHour: try integer("UPLOAD_FILES_PER_HOUR", default: 1000, range: 1...1_000_000),
                bytesPerHour: try integer("UPLOAD_BYTES_PER_HOUR", default: 100 << 30, range: 1...(1 << 50)))
        }
        return QueryConfiguration(
            tableName: table, tokenSecret: secret.map { Array($0.utf8) }, tokenSecretARN: secretARN,
            tokenLifetimeSeconds: lifetime, openAPIPath: openAPIPath, graphQLSchemaPath: schemaPath,
            dashboardPath: dashboardPath,
            apiKeyCacheSeconds: cacheSeconds,
            uploads: uploads,
            zoneinfoDirectories: MarketZones.directories(
                zoneinfoDirectory: environment["ZONEINFO_DIR"].flatMap { $0.isEmpty ? nil : $0 },
                taskRoot: environment["LAMBDA_TASK_ROOT"]))
    }

    /// Reads every market zone's TZif file; one missing or broken fails the init.
    public mutating func loadZones() throws(LambdaError) {
        let directories = zoneinfoDirectories
        zones = try LambdaError.configuration { () throws(MarketZones.LoadFailure) in
            try MarketZones.load(from: directories, read: TaskFile.contents(of:))
        }
    }
}
