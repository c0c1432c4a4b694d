import AWSServices
import ArgumentParser
import CurlHTTP
import Ingest
import JSON
import LambdaRuntime
import Timekeeping

/// `consumption backfill`: ingest every object under a prefix, by invoking the deployed function with backfill
/// events until it says it is done, or by running the same code here against any endpoint.
struct BackfillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Ingest every object under a prefix, through the ingest function or locally.",
        discussion: """
            With --function, invokes the function (Lambda's Invoke API; AWS_ENDPOINT_URL_LAMBDA overrides the \
            endpoint) and follows each continuation. With --local, runs the ingest code in this process with the \
            function's settings from the environment (TABLE_NAME, INCOMING_PREFIX, ... and AWS_* credentials, \
            region and endpoints). Prints each invocation's summary as JSON.
            """
    )

    @Option(help: "The bucket to read.")
    var bucket: String

    @Option(help: "The key prefix to ingest (for example incoming/acme/).")
    var prefix: String = ""

    @Option(help: "Objects per invocation at most.")
    var limit: Int?

    @Option(help: "The ingest function's name or ARN.")
    var function: String?

    @Flag(help: "Run the ingest code here instead of invoking the function.")
    var local = false

    @Option(help: "Invocations at most (each resumes where the last stopped).")
    var maxInvocations = 1000

    func validate() throws {
        guard (function == nil) != !local else {
            throw ValidationError("give exactly one of --function NAME or --local")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let environment = Environment.current()
        let aws = try AWSConfiguration.fromEnvironment(environment)
        let client = AWSClient(configuration: aws, http: try CurlHTTPClient())
        var request = BackfillRequest(bucket: bucket, prefix: prefix, limit: limit)
        let step: (BackfillRequest) throws -> JSONValue
        if let function {
            let lambda = LambdaClient(client: client)
            step = { request in
                let answer = try lambda.invoke(function: function, payload: request.event.serializedBytes)
                let json = try JSONParser.parse(answer.payload)
                if let kind = answer.functionError {
                    throw ValidationError("the function failed (\(kind)): \(json.serialized)")
                }
                return json
            }
        } else {
            var configuration = try IngestConfiguration.fromEnvironment(environment)
            try configuration.loadZones()
            client.stallSeconds = configuration.stallSeconds
            let s3 = S3Client(client: client)
            let runner = BackfillRunner(
                s3: s3,
                ingestor: ObjectIngestor(
                    configuration: configuration, s3: s3, dynamo: DynamoDBClient(client: client),
                    sns: SNSClient(client: client), sqs: SQSClient(client: client)),
                logger: LambdaLogger(usesJSON: false, minimumLevel: .info, write: LambdaLogger.standardError),
                metrics: MetricsEmitter(functionName: "consumption", write: { _ in }))
            step = { request in
                try runner.run(request, deadline: .after(milliseconds: 24 * 3_600_000)).json
            }
        }
        for _ in 0..<maxInvocations {
            let summary = try step(request)
            print(summary.serialized)
            guard let next = summary["continuation"], next != .null else { return }
            request = try BackfillRequest(json: next["backfill"] ?? .null)
        }
        throw ValidationError("still not done after \(maxInvocations) invocations")
    }
}
