import AWSServices
import ConsumptionTable
import JSON

/// Reads and switches source items, each switch guarded by the item's switch count so that of two concurrent
/// switches one fails and re-reads instead of both writing.
struct SourceStore {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String

    func read(key: String) throws(IngestFailure) -> SourceState {
        let item: JSONValue?
        do throws(AWSError) {
            item = try dynamo.getItem(
                table: table, key: TableKeys.key(TableKeys.sourcePartition(tenant: tenant), key),
                consistent: true)
        } catch {
            throw .aws(error)
        }
        guard let item else { return SourceState() }
        guard let state = SourceState(item: item) else {
            throw .corruptItem("source item of \(key) does not parse")
        }
        return state
    }

    /// Stores `next` if the item still has `expected`'s switch count; false when another switch came first.
    func replace(key: String, expected: SourceState, with next: SourceState, now: String) throws(IngestFailure) -> Bool
    {
        let condition: JSONValue =
            expected.switchCount == 0
            ? [
                "ConditionExpression": "attribute_not_exists(pk) OR switchCount = :expected",
                "ExpressionAttributeValues": [":expected": AttributeValues.number(0)],
            ]
            : [
                "ConditionExpression": "switchCount = :expected",
                "ExpressionAttributeValues": [":expected": AttributeValues.number(expected.switchCount)],
            ]
        do throws(AWSError) {
            try dynamo.putItem(
                table: table, item: next.item(tenant: tenant, key: key, updatedAt: now), condition: condition)
            return true
        } catch {
            if error.code == "ConditionalCheckFailedException" { return false }
            throw .aws(error)
        }
    }

    /// Forgets the stale work `state` listed, unless another switch has happened since (it took that work over).
    func clearStale(key: String, state: SourceState) throws(IngestFailure) {
        try updateIfUnswitched(
            key: key, state: state, "REMOVE staleBuckets, staleVersions SET recomputedPairs = :count", count: 0)
    }

    /// Records that the first `count` recomputes of `state`'s switch are done, unless another switch came since.
    func recordRecomputed(key: String, state: SourceState, count: Int) throws(IngestFailure) {
        try updateIfUnswitched(key: key, state: state, "SET recomputedPairs = :count", count: count)
    }

    /// Applies `expression` only while the item still has `state`'s switch count; after another switch it is moot.
    private func updateIfUnswitched(key: String, state: SourceState, _ expression: String, count: Int)
        throws(IngestFailure)
    {
        do throws(AWSError) {
            _ = try dynamo.updateItem(
                table: table, key: TableKeys.key(TableKeys.sourcePartition(tenant: tenant), key),
                expression: [
                    "UpdateExpression": .string(expression),
                    "ConditionExpression": "switchCount = :mine",
                    "ExpressionAttributeValues": [
                        ":mine": AttributeValues.number(state.switchCount),
                        ":count": AttributeValues.number(count),
                    ],
                ])
        } catch {
            if error.code == "ConditionalCheckFailedException" { return }
            throw .aws(error)
        }
    }

    /// The counting version of each key, read consistently.
    func countingVersions(of keys: [String]) throws(IngestFailure) -> [String: String] {
        let partition = TableKeys.sourcePartition(tenant: tenant)
        do throws(AWSError) {
            let items = try dynamo.batchGet(
                table: table, keys: keys.map { TableKeys.key(partition, $0) }, consistent: true)
            var versions: [String: String] = [:]
            for item in items {
                if let key = AttributeValues.string(item, "sk"), let version = AttributeValues.string(item, "version") {
                    versions[key] = version
                }
            }
            return versions
        } catch {
            throw .aws(error)
        }
    }
}
