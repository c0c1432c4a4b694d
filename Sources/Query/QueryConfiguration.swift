import LambdaRuntime

/// The query function's settings, read from its environment once at start-up; anything missing or malformed is an
/// init error naming the variable.
public struct QueryConfiguration: Sendable {
    public var tableName: String
    /// Signs page tokens, so a token cannot be forged or carried to another tenant or query.
    public var tokenSecret: [UInt8]
    /// The OpenAPI document served at `/openapi.json` (shipped beside the bootstrap).
    public var openAPIPath: String
    /// How long an API key's tenant is remembered.
    public var apiKeyCacheSeconds: Int

    public static func fromEnvironment(_ environment: [String: String]) throws(LambdaError) -> QueryConfiguration {
        func invalid(_ message: String) -> LambdaError {
            LambdaError(errorType: RuntimeErrorType.invalidConfiguration, errorMessage: message)
        }
        guard let table = environment["TABLE_NAME"], !table.isEmpty else { throw invalid("TABLE_NAME must be set") }
        guard let secret = environment["TOKEN_SECRET"], secret.utf8.count >= 16 else {
            throw invalid("TOKEN_SECRET must be set, at least 16 characters (it signs page tokens)")
        }
        let root = environment["LAMBDA_TASK_ROOT"] ?? "."
        let openAPIPath = environment["OPENAPI_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(root)/openapi.json"
        var cacheSeconds = 60
        if let text = environment["API_KEY_CACHE_SECONDS"], !text.isEmpty {
            guard let seconds = Int(text), (0...3600).contains(seconds) else {
                throw invalid("API_KEY_CACHE_SECONDS=\(text) is not valid: expected an integer in 0...3600")
            }
            cacheSeconds = seconds
        }
        return QueryConfiguration(
            tableName: table, tokenSecret: Array(secret.utf8), openAPIPath: openAPIPath,
            apiKeyCacheSeconds: cacheSeconds)
    }
}
