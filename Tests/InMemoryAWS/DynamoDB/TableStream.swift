import JSON

/// A table's NEW_AND_OLD_IMAGES stream. Items are spread over `laneCount` lanes by a hash of their partition key, so
/// an item's records always land in one lane, in write order. Each lane has one open shard; after `shardLifetime`
/// it closes and a child (naming it as parent) takes over. Records are trimmed after 24 hours, and a closed shard
/// leaves the stream 24 hours after it closed, as in DynamoDB Streams.
final class TableStream {
    static let retentionMilliseconds = 24 * 60 * 60 * 1000

    let arn: String
    let region: String
    let shardLifetime: Int?
    private var shards: [StreamShard] = []
    private var shardsByID: [String: StreamShard] = [:]
    private var open: [StreamShard] = []
    /// Shards that aged out: a reader asking for one lost its records.
    private var retired: Set<String> = []
    private var shardsMade = 0

    init(arn: String, region: String, laneCount: Int, shardLifetime: Int?, createdAt: Int) {
        self.arn = arn
        self.region = region
        self.shardLifetime = shardLifetime
        for _ in 0..<max(1, laneCount) { open.append(makeShard(parent: nil, at: createdAt)) }
    }

    private func makeShard(parent: StreamShard?, at time: Int) -> StreamShard {
        shardsMade += 1
        let suffix = KeyValue.string(Array("\(arn)#\(shardsMade)".utf8)).stableHash >> 32
        let id = "shardId-\(Self.padded(time, 20))-\(Self.hex(suffix, 8))"
        let shard = StreamShard(id: id, parentID: parent?.id, createdAt: time)
        shards.append(shard)
        shardsByID[id] = shard
        return shard
    }

    /// Closes the shards whose lifetime is over (their children open at that moment) and trims what aged out.
    func advance(to now: Int) {
        if let shardLifetime, shardLifetime > 0 {
            for lane in open.indices {
                while open[lane].createdAt + shardLifetime <= now {
                    let closing = open[lane]
                    let end = closing.createdAt + shardLifetime
                    closing.closedAt = end
                    open[lane] = makeShard(parent: closing, at: end)
                }
            }
        }
        let cutoff = now - Self.retentionMilliseconds
        guard let oldest = shards.first, oldest.createdAt <= cutoff else { return }
        for shard in shards { shard.trim(through: cutoff) }
        let aged = shards.filter { ($0.closedAt ?? Int.max) <= cutoff }
        guard !aged.isEmpty else { return }
        for shard in aged {
            retired.insert(shard.id)
            shardsByID[shard.id] = nil
        }
        shards.removeAll { ($0.closedAt ?? Int.max) <= cutoff }
    }

    /// Records a change of the item whose partition key is `partition`.
    func append(
        keys: Item, old: Item?, new: Item?, partition: KeyValue, sequenceNumber: String, now: Int
    ) {
        let lane = Int(partition.stableHash % UInt64(open.count))
        let name = old == nil ? "INSERT" : (new == nil ? "REMOVE" : "MODIFY")
        var change: [String: JSONValue] = [
            "ApproximateCreationDateTime": .integer(now / 1000), "Keys": AttributeValue.json(keys),
            "SequenceNumber": .string(sequenceNumber), "StreamViewType": "NEW_AND_OLD_IMAGES",
            "SizeBytes": .integer(
                AttributeValue.size(of: keys) + (old.map(AttributeValue.size) ?? 0)
                    + (new.map(AttributeValue.size) ?? 0)),
        ]
        if let old { change["OldImage"] = AttributeValue.json(old) }
        if let new { change["NewImage"] = AttributeValue.json(new) }
        let eventID = KeyValue.string(Array("\(arn)#\(sequenceNumber)".utf8)).stableHash
        let record: JSONValue = [
            "eventID": .string(Self.hex(eventID, 16) + Self.hex(eventID ^ 0x9e37_79b9_7f4a_7c15, 16)),
            "eventName": .string(name), "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": .string(region), "dynamodb": .object(change), "eventSourceARN": .string(arn),
        ]
        open[lane].append(StreamRecord(sequenceNumber: sequenceNumber, createdAt: now, json: record))
    }

    var descriptions: [StreamShardDescription] { shards.map(\.description) }

    func read(shardID: String, after sequenceNumber: String?, limit: Int) throws(StreamReadError) -> StreamReadResult {
        guard let shard = shardsByID[shardID] else {
            if retired.contains(shardID) { throw .trimmed(shardID: shardID, trimHorizon: nil) }
            throw .unknownShard(shardID)
        }
        return try shard.read(after: sequenceNumber, limit: limit)
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func hex(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
