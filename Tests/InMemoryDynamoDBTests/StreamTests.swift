import AWSServices
import InMemoryDynamoDB
import JSON
import LambdaEvents
import Testing

@Suite("Streams")
struct StreamTests {
    private func allRecords(_ harness: Harness) throws -> [JSONValue] {
        var records: [JSONValue] = []
        for shard in try harness.service.streamShards(table: Harness.table) {
            records += try harness.service.streamRecords(table: Harness.table, shardID: shard.shardID, after: nil)
                .records
        }
        return records
    }

    @Test("an item's records come in order on one shard; a write that changes nothing records nothing")
    func orderAndNoOp() throws {
        let harness = try Harness(streamShards: 4)
        try harness.put("a", "1", ["v": Harness.n("1")])
        try harness.put("a", "1", ["v": Harness.n("1.0")])
        try harness.put("a", "1", ["v": Harness.n("2")])
        try harness.dynamo.deleteItem(table: Harness.table, key: Harness.key("a", "1"))
        let records = try allRecords(harness)
        #expect(records.map { $0["eventName"]?.stringValue } == ["INSERT", "MODIFY", "REMOVE"])
        let decoded = try DynamoDBStreamEvent(json: ["shardId": "s", "Records": .array(records)])
        #expect(decoded.records[1].oldImage?["v"] == Harness.n("1"))
        #expect(decoded.records[1].newImage?["v"] == Harness.n("2"))
        let sequences = decoded.records.map(\.sequenceNumber)
        #expect(sequences == sequences.sorted())
    }

    @Test("a shard closes after its lifetime and its child names it as parent")
    func lineage() throws {
        let harness = try Harness(streamShards: 1, shardLifetime: 60_000)
        try harness.put("a", "1")
        harness.transport.nowMilliseconds += 60_000
        try harness.put("a", "2")
        let shards = try harness.service.streamShards(table: Harness.table)
        #expect(shards.count == 2)
        #expect(shards[0].isClosed && !shards[1].isClosed)
        #expect(shards[1].parentShardID == shards[0].shardID)
        let parent = try harness.service.streamRecords(table: Harness.table, shardID: shards[0].shardID, after: nil)
        #expect(parent.records.count == 1 && parent.isShardExhausted)
    }

    @Test("records older than 24 hours are trimmed, and a reader behind them is told it lost records")
    func trim() throws {
        let harness = try Harness(streamShards: 1)
        try harness.put("a", "1")
        let shard = try #require(try harness.service.streamShards(table: Harness.table).first)
        let first = try harness.service.streamRecords(table: Harness.table, shardID: shard.shardID, after: nil)
        let sequence = try #require(first.records.first?["dynamodb"]?["SequenceNumber"]?.stringValue)
        try harness.put("a", "2")
        harness.service.advance(to: harness.transport.nowMilliseconds + 24 * 3_600_000 + 1)
        #expect(
            try harness.service.streamRecords(table: Harness.table, shardID: shard.shardID, after: nil).records.isEmpty)
        #expect(throws: StreamReadError.self) {
            try harness.service.streamRecords(table: Harness.table, shardID: shard.shardID, after: sequence)
        }
    }
}
