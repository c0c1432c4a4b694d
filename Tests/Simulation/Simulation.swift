import Ingest
import JSON
import TestSupport

/// One deterministic run of ingest: a workload played against the real `IngestHandler` over AWS in memory, with
/// invocations interleaved at request granularity, faults injected by plan, and the table held against the oracle
/// once everything is quiet. The same seed and workload replay the same run.
public struct Simulation {
    public struct Options: Sendable {
        public var faults: FaultPlan?
        public var maxSkewMilliseconds = 2_000
        /// How far the DayMeters index lags the table; nil: drawn by seed (mostly half a second, at times minutes:
        /// an index throttled behind its table, which holds the analytics runs' days unsettled).
        public var indexLagMilliseconds: Int?
        /// Stream batches wait up to this long more before they are handed over.
        public var streamLagMilliseconds = 0
        /// template.yaml's default (`IngestTimeout`); the queues' visibility timeout is six times it.
        public var functionTimeoutMilliseconds = 300_000
        public var ingestBatchSize = 1
        public var maxConcurrency = 5
        public var foldBatchSize = 100
        /// A drawn workload starts with a file large enough to be written in ranges and settled in parts.
        public var large = false

        public init(faults: FaultPlan? = nil) {
            self.faults = faults
        }
    }

    /// What a run came to.
    public struct Report: CustomStringConvertible {
        public var seed: UInt64
        public var mismatches: [String]
        public var requests: Int
        public var injected: [FaultPlan.Kind: Int]
        public var invocations: Int
        public var virtualMilliseconds: Int
        public var quiesced: Bool
        public var log: [String]

        public var passed: Bool { quiesced && mismatches.isEmpty }

        public var description: String {
            var lines = [
                "seed \(seed): \(passed ? "passed" : "FAILED"), \(requests) requests, \(invocations) invocations, "
                    + "\(virtualMilliseconds / 1000) s virtual, faults \(injected.map { "\($0.key.rawValue) \($0.value)" }.sorted())"
            ]
            if !quiesced { lines.append("  never quiet: work was still pending at the run's bound") }
            lines += mismatches.prefix(20).map { "  " + $0 }
            if !passed { lines += log.suffix(10).map { "  log: " + $0.prefix(300) } }
            return lines.joined(separator: "\n")
        }
    }

    /// The start of every run's virtual time: 2024-06-01, after the workload's dates and inside the date window.
    static let epoch = 1_717_200_000_000

    /// The workload, fault plan and index lag a seed draws.
    public static func drawn(seed: UInt64, large: Bool) -> (
        workload: Workload, faults: FaultPlan, indexLagMilliseconds: Int
    ) {
        var random = TestRandom(seed: seed)
        var drawing = random.split()
        let workload = Workload.drawn(using: &drawing, large: large)
        let faults = FaultPlan.drawn(using: &drawing)
        let indexLag = drawing.chance(200_000) ? Int.random(in: 30_000...600_000, using: &drawing) : 500
        return (workload, faults, indexLag)
    }

    public static func run(seed: UInt64, workload: Workload? = nil, options: Options = Options()) -> Report {
        var random = TestRandom(seed: seed)
        _ = random.split()
        let drawn = drawn(seed: seed, large: options.large)
        let workload = workload ?? drawn.workload
        let faults = options.faults ?? drawn.faults
        let world = World(
            seed: random.next(), start: epoch, faults: faults, maxSkewMilliseconds: options.maxSkewMilliseconds,
            indexLagMilliseconds: options.indexLagMilliseconds ?? drawn.indexLagMilliseconds,
            visibilityTimeoutSeconds: 6 * options.functionTimeoutMilliseconds / 1000)
        let host = FunctionHost(
            world: world, configuration: configuration(), timeoutMilliseconds: options.functionTimeoutMilliseconds)
        // template.yaml's: ten notifications a batch, two invocations at once.
        let notifications = QueueMapping(
            world: world, host: host, queue: World.notificationQueue, batchSize: 10, maxConcurrency: 2)
        let ingest = QueueMapping(
            world: world, host: host, queue: World.ingestQueue, batchSize: options.ingestBatchSize,
            maxConcurrency: options.maxConcurrency)
        let work = QueueMapping(
            world: world, host: host, queue: World.workQueue, batchSize: 1, maxConcurrency: options.maxConcurrency)
        let stream = StreamMapping(
            world: world, host: host, batchSize: options.foldBatchSize, lagMilliseconds: options.streamLagMilliseconds)
        let schedule = ScheduleMapping(world: world, host: host, everyMilliseconds: 15 * 60_000)
        notifications.start()
        ingest.start()
        work.start()
        stream.start()
        schedule.start()
        var played = 0
        for step in workload.steps {
            world.scheduler.at(epoch + step.afterMilliseconds) {
                world.play(step.action)
                played += 1
            }
        }
        let last = epoch + (workload.steps.last?.afterMilliseconds ?? 0)
        let quiesced = world.scheduler.run(until: last + 20 * 3_600_000, maxSteps: 5_000_000) {
            // Cheapest first: the stream's check reads every stream shard.
            played == workload.steps.count && world.pendingNotifications == 0 && world.scheduler.now > last
                && world.liveTasks == 0 && world.analyticsMarksLeft() == 0 && notifications.isIdle && ingest.isIdle
                && work.isIdle && stream.isIdle
        }
        // The index follows the table after its lag; then everything is read as it stands.
        world.settleIndex()
        var mismatches: [String] = []
        if quiesced {
            let oracle = Oracle(histories: world.histories(), uploaded: world.files, tenantOf: World.tenant(ofKey:))
            mismatches = Checker(
                oracle: oracle, tableItems: world.tableItems(), indexItems: world.indexItems(),
                analyticsFiles: world.analyticsFiles()
            ).mismatches()
            mismatches += world.lostStreamRecords
            for queue in [World.notificationDeadLetterQueue, World.ingestDeadLetterQueue, World.workDeadLetterQueue] {
                for body in world.messageBodies(queue: queue) {
                    mismatches.append("in \(queue): \(body.prefix(300))")
                }
            }
        }
        world.stopTasks()
        return Report(
            seed: seed, mismatches: mismatches, requests: world.requests, injected: world.injected,
            invocations: world.tasks.count, virtualMilliseconds: world.scheduler.now - epoch, quiesced: quiesced,
            log: world.log.lines)
    }

    /// The function's settings as template.yaml gives them, with a large file's thresholds brought down so that
    /// a file of a few thousand rows is cut into ranges and settled in parts.
    static func configuration() -> IngestConfiguration {
        let environment = [
            "TABLE_NAME": World.table, "WORK_QUEUE_URL": World.queueURL(World.workQueue),
            "NOTIFICATION_QUEUE_ARN": "arn:aws:sqs:us-east-1:\(World.account):\(World.notificationQueue)",
            "INGEST_QUEUE_URL": World.queueURL(World.ingestQueue),
            "ALERT_TOPIC_ARN": World.alertTopic, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
            "ZONEINFO_DIR": "/usr/share/zoneinfo", "ANALYTICS_BUCKET": World.bucket,
            "ANALYTICS_PREFIX": World.analyticsPrefix,
        ]
        do {
            var configuration = try IngestConfiguration.fromEnvironment(environment)
            configuration.fanOutBytes = 20_000
            configuration.rangeBytes = 8_000
            configuration.readChunkBytes = 16_384
            configuration.settlePartMeterDays = 1_000
            configuration.writeParallelism = 4
            return configuration
        } catch {
            preconditionFailure("the simulation's configuration is refused: \(error)")
        }
    }
}
