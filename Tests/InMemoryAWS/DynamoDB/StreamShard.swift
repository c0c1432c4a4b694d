import JSON

/// A stream shard as `DynamoDBService.streamShards(table:)` lists it (DescribeStream's shape): a reader must finish
/// a shard's parent (when the parent is still listed) before reading the shard.
public struct StreamShardDescription: Sendable, Equatable {
    public let shardID: String
    /// The shard this one continues; it may already have aged out of the stream.
    public let parentShardID: String?
    public let isClosed: Bool
    /// The newest record a reader can no longer get (trimmed after 24 hours); nil when none was trimmed.
    public let lastTrimmedSequenceNumber: String?
    /// The oldest record still held (where a TRIM_HORIZON reader starts); nil when the shard holds none.
    public let trimHorizon: String?
}

/// Records of a shard read after a sequence number.
public struct StreamReadResult: Sendable {
    /// Stream records as Lambda hands them over (`eventID`, `eventName`, `dynamodb`, ...).
    public let records: [JSONValue]
    /// The shard is closed and nothing follows these records: the reader can move to its children.
    public let isShardExhausted: Bool
}

/// Why a stream read failed.
public enum StreamReadError: Error, Sendable, Equatable {
    /// Records after the requested position were trimmed (DynamoDB's TrimmedDataAccessException): the reader lost
    /// them; `trimHorizon` is the oldest record still held in the shard.
    case trimmed(shardID: String, trimHorizon: String?)
    case unknownShard(String)
    case noStream(table: String)
}

/// One record as the stream holds it.
struct StreamRecord {
    let sequenceNumber: String
    let createdAt: Int
    let json: JSONValue
}

/// A shard: records of the items hashed to its lane, in write order, from its creation to its closing.
final class StreamShard {
    let id: String
    let parentID: String?
    let createdAt: Int
    var closedAt: Int?
    private var records: [StreamRecord] = []
    private var start = 0
    private(set) var lastTrimmed: String?

    init(id: String, parentID: String?, createdAt: Int) {
        self.id = id
        self.parentID = parentID
        self.createdAt = createdAt
    }

    var trimHorizon: String? { start < records.count ? records[start].sequenceNumber : nil }

    func append(_ record: StreamRecord) {
        records.append(record)
    }

    /// Drops the records created at or before `cutoff`, remembering the newest one dropped.
    func trim(through cutoff: Int) {
        while start < records.count, records[start].createdAt <= cutoff {
            lastTrimmed = records[start].sequenceNumber
            start += 1
        }
        if start > 256 && start * 2 > records.count {
            records.removeFirst(start)
            start = 0
        }
    }

    /// Up to `limit` records after `sequenceNumber` (nil: from the trim horizon).
    func read(after sequenceNumber: String?, limit: Int) throws(StreamReadError) -> StreamReadResult {
        if let sequenceNumber, let lastTrimmed, Self.compare(sequenceNumber, lastTrimmed) < 0 {
            throw .trimmed(shardID: id, trimHorizon: trimHorizon)
        }
        var low = start
        if let sequenceNumber {
            var high = records.count
            while low < high {
                let middle = (low + high) / 2
                if Self.compare(records[middle].sequenceNumber, sequenceNumber) > 0 {
                    high = middle
                } else {
                    low = middle + 1
                }
            }
        }
        let end = min(records.count, low + max(0, limit))
        return StreamReadResult(
            records: records[low..<end].map(\.json), isShardExhausted: closedAt != nil && end == records.count)
    }

    /// Sequence numbers are decimal strings of varying length: order by length, then by digits.
    static func compare(_ left: String, _ right: String) -> Int {
        let leftBytes = Array(left.utf8)
        let rightBytes = Array(right.utf8)
        if leftBytes.count != rightBytes.count { return leftBytes.count < rightBytes.count ? -1 : 1 }
        if leftBytes == rightBytes { return 0 }
        return leftBytes.lexicographicallyPrecedes(rightBytes) ? -1 : 1
    }

    var description: StreamShardDescription {
        StreamShardDescription(
            shardID: id, parentShardID: parentID, isClosed: closedAt != nil, lastTrimmedSequenceNumber: lastTrimmed,
            trimHorizon: trimHorizon)
    }
}
