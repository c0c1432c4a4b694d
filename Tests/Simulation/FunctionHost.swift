import AWSServices
import AWSSigV4
import Ingest
import JSON
import LambdaRuntime
import Timekeeping

/// What one invocation came to, as the event source sees it.
enum InvocationResult {
    /// The handler answered.
    case response(JSONValue)
    /// The handler threw: Lambda reports a function error.
    case failed(String)
    /// The process died (an injected crash) or overran its timeout: no answer at all.
    case killed
}

/// Lambda for the simulation: each invocation is a fresh `IngestHandler` (a cold start) on a host of its own, with
/// its own network and skewed clock, run as a task of the scheduler.
final class FunctionHost {
    private let world: World
    let configuration: IngestConfiguration
    let timeoutMilliseconds: Int
    private var invocations = 0

    init(world: World, configuration: IngestConfiguration, timeoutMilliseconds: Int) {
        self.world = world
        self.configuration = configuration
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Starts an invocation with `event` now; `completion` runs (holding the baton) when it ends.
    func invoke(_ event: JSONValue, completion: @escaping (InvocationResult) -> Void) {
        invocations += 1
        let requestID = "sim-\(invocations)"
        let task = SimulatedTask(name: requestID)
        world.tasks.append(task)
        world.liveTasks += 1
        let start = world.scheduler.now
        let deadline = start + timeoutMilliseconds
        let skew = Int.random(in: -world.maxSkewMilliseconds...world.maxSkewMilliseconds, using: &world.random)
        var jitter = world.random.split()
        let clock = HostClock(scheduler: world.scheduler, task: task, skewMilliseconds: skew)
        let network = InvocationNetwork(world: world, task: task, hardDeadline: deadline)
        let configuration = configuration
        let world = world
        world.scheduler.start(task, at: start) {
            let client = AWSClient(configuration: world.awsConfiguration, http: network)
            client.random = jitter.split()
            let handler = IngestHandler(
                configuration: configuration, s3: S3Client(client: client), dynamo: DynamoDBClient(client: client),
                sns: SNSClient(client: client), sqs: SQSClient(client: client),
                metrics: MetricsEmitter(functionName: "ingest", write: { _ in }))
            let result: InvocationResult = ThreadTimeSource.with(clock) {
                do {
                    let metadata = try InvocationMetadata(headers: [
                        (RuntimeHeader.requestID, requestID), (RuntimeHeader.deadline, String(deadline)),
                    ])
                    let context = LambdaContext(
                        metadata: metadata,
                        logger: LambdaLogger(
                            usesJSON: false, minimumLevel: world.log.verbose ? .info : .error, requestID: requestID,
                            traceID: nil,
                            write: { line in world.log.record(line) }))
                    let answer = try handler.handle(context, event.serializedBytes)
                    if task.killed { return .killed }
                    return .response(try JSONParser.parse(answer))
                } catch {
                    if task.killed { return .killed }
                    return .failed(String(describing: error))
                }
            }
            world.liveTasks -= 1
            completion(result)
        }
    }
}
