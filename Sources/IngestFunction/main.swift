import AWSServices
import CurlHTTP
import Ingest
import LambdaRuntime

// The ingest function: S3 objects (through SQS, directly, or by backfill) into exact daily totals in DynamoDB.
// Configuration is read and checked here, once; a bad one fails the init instead of every message.
Lambda.run { logger in
    let environment = Environment.current()
    var configuration = try IngestConfiguration.fromEnvironment(environment)
    try configuration.loadZones()
    let aws = try LambdaError.configuration { () throws(AWSError) in try AWSConfiguration.fromEnvironment(environment) }
    let http = try CurlHTTPClient(configuration: .lambda(environment: environment))
    let client = AWSClient(configuration: aws, http: http)
    client.stallSeconds = configuration.stallSeconds
    let handler = IngestHandler(
        configuration: configuration, s3: S3Client(client: client), dynamo: DynamoDBClient(client: client),
        sns: SNSClient(client: client), sqs: SQSClient(client: client),
        metrics: MetricsEmitter(functionName: environment["AWS_LAMBDA_FUNCTION_NAME"] ?? "ingest"))
    logger.info(
        "ingest ready",
        ["table": .string(configuration.tableName), "incomingPrefix": .string(configuration.incomingPrefix)])
    return handler.handle
}
