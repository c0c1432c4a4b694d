/// The stream side, as the simulation's event source mapping reads it (DescribeStream and GetRecords in spirit):
/// shards with their lineage, and records after a sequence number. Reads bring the stream to the service's clock.
extension DynamoDBService {
    /// The stream's ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`), nil without a stream.
    public func streamARN(table tableName: String) -> String? {
        tables[tableName]?.stream?.arn
    }

    /// The shards still in the stream, oldest first. A shard whose parent is listed must be read after the parent
    /// is exhausted; closed shards leave the stream 24 hours after they close.
    public func streamShards(table tableName: String) throws(StreamReadError) -> [StreamShardDescription] {
        try stream(tableName).descriptions
    }

    /// Up to `limit` records of a shard after `sequenceNumber` (nil: from the oldest record held). Throws
    /// `.trimmed` when records after that position were already trimmed: the reader lost them.
    public func streamRecords(
        table tableName: String, shardID: String, after sequenceNumber: String?, limit: Int = 1000
    ) throws(StreamReadError) -> StreamReadResult {
        try stream(tableName).read(shardID: shardID, after: sequenceNumber, limit: limit)
    }

    private func stream(_ tableName: String) throws(StreamReadError) -> TableStream {
        guard let stream = tables[tableName]?.stream else { throw .noStream(table: tableName) }
        return stream
    }
}
