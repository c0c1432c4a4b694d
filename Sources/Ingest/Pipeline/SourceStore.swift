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
        let item = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(table: table, key: SourceItem.key(tenant: tenant, key: key), consistent: true)
        }
        guard let item else { return SourceItem(key: key) }
        guard let source = SourceItem(item: item) else { throw .corruptItem("source item of \(key) does not parse") }
        return source
    }

    /// Stores `next` if the item still has `switchCount` (that of the state it was derived from); false when
    /// another switch came first.
    func replace(_ next: SourceItem, expectedSwitchCount: Int, now: String) throws(IngestFailure) -> Bool {
        let expected = "\(SourceItem.Attribute.switchCount) = :expected"
        let condition: JSONValue = [
            "ConditionExpression": .string(
                expectedSwitchCount == 0 ? "attribute_not_exists(pk) OR \(expected)" : expected),
            "ExpressionAttributeValues": [":expected": AttributeValues.number(expectedSwitchCount)],
        ]
        return try IngestFailure.conditionalWrite { () throws(AWSError) in
            try dynamo.putItem(table: table, item: next.item(tenant: tenant, updatedAt: now), condition: condition)
        }
    }

    /// Records the progress of `state`'s pending work, unless another switch has happened since (which took the
    /// work over); false in that case.
    @discardableResult
    func recordProgress(_ state: SourceItem, now: String) throws(IngestFailure) -> Bool {
        try replace(state, expectedSwitchCount: state.switchCount, now: now)
    }

    /// Records `offerer` among the offerers of the switch `switchCount` of `key`, its offers done up to `offered`,
    /// and the lease renewed to `until` (epoch milliseconds); only while the switch stands and offers are pending.
    /// False otherwise: a later switch came, or another offerer finished the offers.
    func recordOffers(key: String, switchCount: Int, offerer: String, offered: Int, until: Int, now: String)
        throws(IngestFailure) -> Bool
    {
        var update = UpdateExpression()
        update.set(SourceItem.Attribute.offered, AttributeValues.number(offered))
        update.set(SourceItem.Attribute.offeringUntil, AttributeValues.number(until))
        update.add(SourceItem.Attribute.offerers, ["SS": [.string(offerer)]])
        return try updateOffering(key: key, switchCount: switchCount, update, now: now)
    }

    /// What recording a switch's offers done found.
    enum OffersEnd: Equatable {
        /// No offer is left to land: the lease is gone.
        case leaseEnded
        /// Offers may land until then (epoch milliseconds).
        case leaseKept(Int)
        /// A later switch came, or another offerer recorded them done first.
        case notPending
    }

    /// Records the offers of the switch `switchCount` of `key` done, and `offerer` gone from its offerers. With
    /// `alone` (every answer of `offerer` in hand), the lease ends if no other offerer is left; otherwise it runs on
    /// to `until`.
    func finishOffers(key: String, switchCount: Int, offerer: String, alone: Bool, until: Int, now: String)
        throws(IngestFailure) -> OffersEnd
    {
        let member: JSONValue = ["SS": [.string(offerer)]]
        if alone {
            var update = UpdateExpression()
            update.remove(SourceItem.Attribute.offered)
            update.remove(SourceItem.Attribute.offeringUntil)
            update.delete(SourceItem.Attribute.offerers, member)
            let offerers = update.name(SourceItem.Attribute.offerers)
            let onlyOne =
                "size(\(offerers)) = \(update.value(AttributeValues.number(1))) "
                + "AND contains(\(offerers), \(update.value(AttributeValues.string(offerer))))"
            if try updateOffering(key: key, switchCount: switchCount, update, also: onlyOne, now: now) {
                return .leaseEnded
            }
        }
        var update = UpdateExpression()
        update.remove(SourceItem.Attribute.offered)
        update.set(SourceItem.Attribute.offeringUntil, AttributeValues.number(until))
        update.delete(SourceItem.Attribute.offerers, member)
        return try updateOffering(key: key, switchCount: switchCount, update, now: now)
            ? .leaseKept(until) : .notPending
    }

    /// Takes `offerer` out of the offerers of the switch `switchCount` of `key` before the offers are done: it
    /// stops with every answer in hand, so none of its offers is left to land.
    func leaveOffers(key: String, switchCount: Int, offerer: String, now: String) throws(IngestFailure) {
        var update = UpdateExpression()
        update.delete(SourceItem.Attribute.offerers, ["SS": [.string(offerer)]])
        _ = try updateOffering(key: key, switchCount: switchCount, update, now: now)
    }

    /// `update` applied to `key` only while its switch `switchCount` stands and offers are pending (and `also`).
    private func updateOffering(
        key: String, switchCount: Int, _ update: UpdateExpression, also: String? = nil, now: String
    ) throws(IngestFailure) -> Bool {
        var update = update
        update.set(SourceItem.Attribute.updatedAt, AttributeValues.string(now))
        let condition =
            "\(update.name(SourceItem.Attribute.switchCount)) = \(update.value(AttributeValues.number(switchCount)))"
            + " AND attribute_exists(\(update.name(SourceItem.Attribute.offered)))" + (also.map { " AND \($0)" } ?? "")
        return try IngestFailure.conditionalWrite { () throws(AWSError) in
            _ = try dynamo.updateItem(
                table: table, key: SourceItem.key(tenant: tenant, key: key),
                expression: update.request(condition: condition))
        }
    }

    /// Whether the switch `switchCount` of `key` still stands — a conditional write, so a later switch comes either
    /// before it (false) or after it. With `offeringUntil`, it also renews the offering lease of a part of the
    /// offers, and only while offers are pending. The lease's value is informative: a switch retires an old version
    /// no sooner than an offering lease given at that moment would end (`SourceItem.switched`).
    func holdSwitch(key: String, switchCount: Int, offeringUntil: Int?, now: String) throws(IngestFailure) -> Bool {
        var update = UpdateExpression()
        update.set(SourceItem.Attribute.updatedAt, AttributeValues.string(now))
        var condition =
            "\(update.name(SourceItem.Attribute.switchCount)) = \(update.value(AttributeValues.number(switchCount)))"
        if let offeringUntil {
            update.set(SourceItem.Attribute.offeringUntil, AttributeValues.number(offeringUntil))
            condition += " AND attribute_exists(\(update.name(SourceItem.Attribute.offered)))"
        }
        return try IngestFailure.conditionalWrite { () throws(AWSError) in
            _ = try dynamo.updateItem(
                table: table, key: SourceItem.key(tenant: tenant, key: key),
                expression: update.request(condition: condition))
        }
    }

    /// The counting version's tag of each key, read consistently; keys compared as bytes.
    func countingTags(of keys: [ByteIdentity]) throws(IngestFailure) -> [ByteIdentity: String] {
        let items = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.batchGet(
                table: table, keys: keys.map { SourceItem.key(tenant: tenant, key: $0.text) }, consistent: true)
        }
        var tags: [ByteIdentity: String] = [:]
        for item in items {
            if let source = SourceItem(item: item), let counting = source.counting {
                tags[ByteIdentity(source.key)] = counting.identity.tag
            }
        }
        return tags
    }
}
