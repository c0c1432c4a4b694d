import AWSServices
import ConsumptionTable
import JSON

/// Reads and writes source items, each write guarded by the item's switch count so that of two concurrent
/// switches one fails and re-reads instead of both writing.
struct SourceStore {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String

    func read(key: String) throws(IngestFailure) -> SourceItem {
        let item: JSONValue?
        do throws(AWSError) {
            item = try dynamo.getItem(table: table, key: SourceItem.key(tenant: tenant, key: key), consistent: true)
        } catch {
            throw .aws(error)
        }
        guard let item else { return SourceItem(key: key) }
        guard let source = SourceItem(item: item) else { throw .corruptItem("source item of \(key) does not parse") }
        return source
    }

    /// Stores `next` if the item still has `switchCount` (that of the state it was derived from); false when
    /// another switch came first.
    func replace(_ next: SourceItem, expectedSwitchCount: Int, now: String) throws(IngestFailure) -> Bool {
        let condition: JSONValue =
            expectedSwitchCount == 0
            ? [
                "ConditionExpression": "attribute_not_exists(pk) OR switchCount = :expected",
                "ExpressionAttributeValues": [":expected": AttributeValues.number(0)],
            ]
            : [
                "ConditionExpression": "switchCount = :expected",
                "ExpressionAttributeValues": [":expected": AttributeValues.number(expectedSwitchCount)],
            ]
        do throws(AWSError) {
            try dynamo.putItem(table: table, item: next.item(tenant: tenant, updatedAt: now), condition: condition)
            return true
        } catch {
            if error.isConditionFailed { return false }
            throw .aws(error)
        }
    }

    /// Records the progress of `state`'s pending work, unless another switch has happened since (which took the
    /// work over); false in that case.
    @discardableResult
    func recordProgress(_ state: SourceItem, now: String) throws(IngestFailure) -> Bool {
        try replace(state, expectedSwitchCount: state.switchCount, now: now)
    }

    /// Whether the switch `switchCount` of `key` still stands — a conditional write, so a later switch comes either
    /// before it (false) or after it. With `offeringUntil`, it also renews the offering lease of a part of the
    /// offers, and only while offers are pending. The lease's value is informative: a switch retires an old version
    /// no sooner than an offering lease given at that moment would end (`SourceItem.switched`).
    func holdSwitch(key: String, switchCount: Int, offeringUntil: Int?, now: String) throws(IngestFailure) -> Bool {
        var values: [String: JSONValue] = [
            ":expected": AttributeValues.number(switchCount), ":now": AttributeValues.string(now),
        ]
        var update = "SET \(SourceItem.Attribute.updatedAt) = :now"
        var condition = "\(SourceItem.Attribute.switchCount) = :expected"
        if let offeringUntil {
            values[":until"] = AttributeValues.number(offeringUntil)
            update += ", \(SourceItem.Attribute.offeringUntil) = :until"
            condition += " AND attribute_exists(\(SourceItem.Attribute.offered))"
        }
        do throws(AWSError) {
            _ = try dynamo.updateItem(
                table: table, key: SourceItem.key(tenant: tenant, key: key),
                expression: [
                    "UpdateExpression": .string(update), "ConditionExpression": .string(condition),
                    "ExpressionAttributeValues": .object(values),
                ])
            return true
        } catch {
            if error.isConditionFailed { return false }
            throw .aws(error)
        }
    }

    /// The counting version's tag of each key, read consistently; keys compared as bytes.
    func countingTags(of keys: [ByteIdentity]) throws(IngestFailure) -> [ByteIdentity: String] {
        do throws(AWSError) {
            let items = try dynamo.batchGet(
                table: table, keys: keys.map { SourceItem.key(tenant: tenant, key: $0.text) }, consistent: true)
            var tags: [ByteIdentity: String] = [:]
            for item in items {
                if let source = SourceItem(item: item), let counting = source.counting {
                    tags[ByteIdentity(source.key)] = counting.identity.tag
                }
            }
            return tags
        } catch {
            throw .aws(error)
        }
    }
}
