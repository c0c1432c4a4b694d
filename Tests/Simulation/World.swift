import AWSServices
import AWSSigV4
import CurlHTTP
import InMemoryDynamoDB
import InMemoryMessaging
import InMemoryS3
import InMemoryWire
import TestSupport

/// Everything one simulated run holds: the virtual clock, the AWS services in memory (set up as template.yaml sets
/// up the real ones), the run's seeded generator and fault plan, and the invocations started so far.
final class World: @unchecked Sendable {
    static let table = "consumption"
    static let bucket = "meter-drop"
    static let region = "us-east-1"
    static let account = "123456789012"

    let scheduler: Scheduler
    var random: TestRandom
    let faults: FaultPlan
    /// Faults injected so far, by kind.
    var injected: [FaultPlan.Kind: Int] = [:]
    /// Requests applied or refused so far.
    var requests = 0
    /// How many requests each pinned fault has matched so far.
    var pinnedSeen: [Int: Int] = [:]
    var tasks: [SimulatedTask] = []
    /// Tasks started and not yet finished.
    var liveTasks = 0
    let log = SimulationLog()
    /// What each uploaded version meant, by VersionId (the oracle's knowledge).
    var files: [String: MeterFile] = [:]
    /// Notifications on their way to the queue.
    var pendingNotifications = 0
    /// Stream records a reader could no longer get (older than the stream's 24 hours): sums that can never be right.
    var lostStreamRecords: [String] = []
    let maxSkewMilliseconds: Int

    let dynamo: DynamoDBService
    let s3: InMemoryS3
    let sqs: InMemorySQS
    let sns: InMemorySNS

    let awsConfiguration = AWSConfiguration(
        credentials: AWSCredentials(accessKeyID: "AKIDSIMULATION", secretAccessKey: "simulation", sessionToken: nil),
        region: World.region,
        endpoints: [
            "dynamodb": "http://dynamodb.sim", "s3": "http://s3.sim", "sqs": "http://sqs.sim", "sns": "http://sns.sim",
        ])

    init(
        seed: UInt64, start: Int, faults: FaultPlan, maxSkewMilliseconds: Int, indexLagMilliseconds: Int,
        visibilityTimeoutSeconds: Int
    ) {
        scheduler = Scheduler(start: start)
        random = TestRandom(seed: seed)
        self.faults = faults
        self.maxSkewMilliseconds = maxSkewMilliseconds
        dynamo = DynamoDBService(indexLagMilliseconds: indexLagMilliseconds)
        s3 = InMemoryS3()
        sqs = InMemorySQS()
        sns = InMemorySNS()
        setUp(indexLagMilliseconds: indexLagMilliseconds, visibilityTimeoutSeconds: visibilityTimeoutSeconds)
    }

    /// How long one request is in flight.
    func latency(slow: Bool) -> Int {
        slow ? Int.random(in: 5_000...40_000, using: &random) : Int.random(in: 1...30, using: &random)
    }

    func drawFault(for request: WireRequest) -> FaultPlan.Kind? {
        requests += 1
        for (index, pin) in faults.pinned.enumerated() where pin.matches(request) {
            pinnedSeen[index, default: 0] += 1
            if pinnedSeen[index] == pin.occurrence {
                injected[pin.kind, default: 0] += 1
                return pin.kind
            }
        }
        guard let kind = faults.draw(using: &random) else { return nil }
        injected[kind, default: 0] += 1
        return kind
    }

    /// Applies one request to the service its host names.
    func apply(_ request: WireRequest) -> HTTPResponse {
        let now = scheduler.now
        switch request.host {
        case "dynamodb.sim": return dynamo.respond(to: request, at: now)
        case "s3.sim": return s3.respond(to: request, at: now)
        case "sqs.sim": return sqs.respond(to: request, at: now)
        case "sns.sim": return sns.respond(to: request, at: now)
        default:
            return HTTPResponse(status: 404, headers: [], body: Array("no simulated service at \(request.host)".utf8))
        }
    }

    /// The refusal each service gives when it throttles.
    func throttled(_ request: WireRequest) -> HTTPResponse {
        switch request.host {
        case "s3.sim":
            return HTTPResponse(
                status: 503, headers: [("content-type", "application/xml")],
                body: Array("<Error><Code>SlowDown</Code><Message>simulated</Message></Error>".utf8))
        case "dynamodb.sim":
            return HTTPResponse(
                status: 400, headers: [("content-type", "application/x-amz-json-1.0")],
                body: Array(
                    #"{"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "simulated"}"#.utf8)
            )
        default:
            return HTTPResponse(
                status: 400, headers: [("content-type", "application/x-amz-json-1.0")],
                body: Array(#"{"__type": "ThrottlingException", "message": "simulated"}"#.utf8))
        }
    }
}
