import AWSServices
import CurlHTTP
import JSON
import LambdaRuntime
import Query

// The query function: the consumption API behind API Gateway. Configuration and the OpenAPI document are read
// here, once; a missing one fails the init instead of every request.
Lambda.run { logger in
    let environment = Environment.current()
    var configuration = try QueryConfiguration.fromEnvironment(environment)
    try configuration.loadZones()
    let aws = try LambdaError.configuration { () throws(AWSError) in try AWSConfiguration.fromEnvironment(environment) }
    guard let document = TaskFile.contents(of: configuration.openAPIPath) else {
        throw LambdaError.invalidConfiguration("cannot read the OpenAPI document at \(configuration.openAPIPath)")
    }
    guard let schema = TaskFile.contents(of: configuration.graphQLSchemaPath) else {
        throw LambdaError.invalidConfiguration("cannot read the GraphQL schema at \(configuration.graphQLSchemaPath)")
    }
    guard let page = TaskFile.contents(of: configuration.dashboardPath) else {
        throw LambdaError.invalidConfiguration("cannot read the dashboard at \(configuration.dashboardPath)")
    }
    let http = try CurlHTTPClient(configuration: .lambda(environment: environment))
    let client = AWSClient(configuration: aws, http: http)
    let handler = QueryHandler(
        configuration: configuration, tokenSecrets: try tokenSecrets(configuration, client: client),
        dynamo: DynamoDBClient(client: client), s3: S3Client(client: client), openAPIDocument: document,
        graphQLSchemaDocument: schema, dashboardPage: page)
    handler.metrics = EmbeddedMetrics(functionName: environment["AWS_LAMBDA_FUNCTION_NAME"] ?? "query")
    logger.info("query ready", ["table": .string(configuration.tableName)])
    return handler.handle
}

/// The page-token secrets: the one given, or the secret's current and previous versions from Secrets Manager (read
/// once, at start-up: a rotation reaches an instance when Lambda starts a new one).
func tokenSecrets(_ configuration: QueryConfiguration, client: AWSClient) throws(LambdaError) -> [[UInt8]] {
    if let secret = configuration.tokenSecret { return [secret] }
    guard let arn = configuration.tokenSecretARN else {
        throw LambdaError.invalidConfiguration("no page-token secret")
    }
    let manager = SecretsManagerClient(client: client)
    var secrets: [[UInt8]] = []
    for stage in ["AWSCURRENT", "AWSPREVIOUS"] {
        let text: String?
        do throws(AWSError) {
            text = try manager.secretString(arn, stage: stage)
        } catch {
            throw LambdaError.invalidConfiguration("cannot read the page-token secret (\(stage)): \(error)")
        }
        guard let text else { continue }
        // The template generates `{"token": "..."}`; a secret set by hand may be the plain value.
        let token = (try? JSONParser.parse(Array(text.utf8)))?["token"]?.stringValue ?? text
        guard token.utf8.count >= 16 else {
            throw LambdaError.invalidConfiguration("the page-token secret (\(stage)) is shorter than 16 characters")
        }
        secrets.append(Array(token.utf8))
    }
    guard !secrets.isEmpty else {
        throw LambdaError.invalidConfiguration(
            "the page-token secret has no current value"
        )
    }
    return secrets
}
