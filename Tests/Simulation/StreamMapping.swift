import JSON

/// Lambda's DynamoDB stream event source mapping as template.yaml sets it up: records filtered to meter-day keys
/// (`sk` beginning `C#`; the others are dropped), batches of up to `batchSize` in a tumbling window (so the event
/// names its stream shard), one batch per stream shard at a time, a parent shard's records all before its
/// children's, a failed or dead invocation retried from the same record forever, and `batchItemFailures` resuming
/// the shard at the record it names.
final class StreamMapping {
    private let world: World
    private let host: FunctionHost
    private let batchSize: Int
    /// The last sequence number done, per stream shard (filtered records count as done).
    private var done: [String: String] = [:]
    private var busy = Set<String>()
    /// Stream shards whose every record is done and that are closed.
    private var finished = Set<String>()
    /// How long a batch may wait before it is handed over: stream lag, a fault of its own kind.
    private let lagMilliseconds: Int

    init(world: World, host: FunctionHost, batchSize: Int, lagMilliseconds: Int) {
        self.world = world
        self.host = host
        self.batchSize = batchSize
        self.lagMilliseconds = lagMilliseconds
    }

    /// The wait before the next poll: short while records come, growing while none do.
    private var idleMilliseconds = 500

    func start() {
        world.scheduler.at(
            world.scheduler.now + Int.random(in: 100...(idleMilliseconds + lagMilliseconds), using: &world.random)
        ) { [self] in
            idleMilliseconds = poll() ? 500 : min(5_000, idleMilliseconds * 2)
            start()
        }
    }

    /// Hands over a batch per stream shard that has one; whether any had.
    private func poll() -> Bool {
        var found = false
        for shard in world.streamShards() where !busy.contains(shard.id) && !finished.contains(shard.id) {
            if let parent = shard.parent, !finished.contains(parent),
                world.streamShards().contains(where: { $0.id == parent })
            {
                continue
            }
            let records = world.streamRecords(shard: shard.id, after: done[shard.id], limit: batchSize)
            guard let last = records.last?["dynamodb"]?["SequenceNumber"]?.stringValue else {
                if shard.closed { finished.insert(shard.id) }
                continue
            }
            let batch = records.filter {
                $0["dynamodb"]?["Keys"]?["sk"]?["S"]?.stringValue?.hasPrefix("C#") == true
            }
            guard !batch.isEmpty else {
                done[shard.id] = last
                continue
            }
            busy.insert(shard.id)
            found = true
            let event: JSONValue = [
                "Records": .array(batch), "shardId": .string(shard.id),
                "eventSourceARN": .string("arn:aws:dynamodb:us-east-1:123456789012:table/consumption/stream/sim"),
                "window": ["start": "2024-05-01T00:00:00Z", "end": "2024-05-01T00:00:01Z"], "state": [:],
                "isFinalInvokeForWindow": false, "isWindowTerminatedEarly": false,
            ]
            host.invoke(event) { [self] result in
                busy.remove(shard.id)
                guard case .response(let answer) = result else { return }
                if let resume = answer["batchItemFailures"]?.arrayValue?.first?["itemIdentifier"]?.stringValue {
                    // Everything before the named record is done.
                    if let index = records.firstIndex(where: {
                        $0["dynamodb"]?["SequenceNumber"]?.stringValue == resume
                    }), index > 0 {
                        done[shard.id] = records[index - 1]["dynamodb"]?["SequenceNumber"]?.stringValue
                    }
                } else {
                    done[shard.id] = last
                }
            }
        }
        return found || !busy.isEmpty
    }

    /// Every record of every stream shard done, and no batch running.
    var isIdle: Bool {
        busy.isEmpty
            && world.streamShards().allSatisfy { shard in
                world.streamRecords(shard: shard.id, after: done[shard.id], limit: 1).isEmpty
            }
    }
}
