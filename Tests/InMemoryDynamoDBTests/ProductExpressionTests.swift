import AWSServices
import JSON
import Testing

/// Every expression form Sources/Ingest, Sources/Query and Sources/ConsumptionTable send (with the placeholders
/// their builders make), run against a stored item: each must parse and evaluate.
@Suite("The product's expressions")
struct ProductExpressionTests {
    @Test(
        "condition and update expressions",
        arguments: [
            ("ADD rangesDone :index", "attribute_exists(ranges)", [":index": ["NS": ["1"]]], [:]),
            (
                "SET #n0 = :v0, #n1 = :v1, #n2 = :v2",
                "attribute_exists(pk) AND (attribute_not_exists(#n2) OR #n2 <= :v3)",
                [":v0": Harness.s("deleted"), ":v1": Harness.s("t"), ":v2": Harness.n("3"), ":v3": Harness.n("3")],
                ["#n0": "status", "#n1": "deletedAt", "#n2": "decidedBySwitch"]
            ),
            ("ADD #done :index", "attribute_exists(pk)", [":index": ["NS": ["2"]]], ["#done": "done"]),
            (
                "SET updatedAt = :now, offeringUntil = :until", "switchCount = :expected AND attribute_exists(offered)",
                [":now": Harness.s("t"), ":until": Harness.n("5"), ":expected": Harness.n("0")], [:]
            ),
            (
                "SET #status = :status, finishedAt = :now, errorSummary = :reason", nil,
                [":status": Harness.s("x"), ":now": Harness.s("t"), ":reason": Harness.s("r")], ["#status": "status"]
            ),
            (
                "ADD #n0 :v0 SET #n1 = :v1", "attribute_not_exists(#n2) OR #n2 < :v2",
                [":v0": Harness.n("1"), ":v1": Harness.s("d"), ":v2": Harness.s("0001")],
                ["#n0": "total", "#n1": "date", "#n2": "lane#1"]
            ),
            (
                "ADD #n0 :v0",
                "(#n1 = :v1 AND #n2 = :v2) OR (attribute_exists(#n0) AND (attribute_not_exists(#n3) OR #n0 <> #n3))",
                [":v0": Harness.n("1"), ":v1": Harness.s("k"), ":v2": Harness.s("t")],
                ["#n0": "generation", "#n1": "key", "#n2": "tag", "#n3": "computed"]
            ),
            (
                "SET #n0 = :v0 REMOVE #n1",
                "attribute_not_exists(pk) OR ((attribute_not_exists(#n2) OR #n2 = #n3) AND (attribute_not_exists(#n4) OR #n5 < :v1 OR (#n5 = :v2 AND (#n6 < :v3 OR (#n6 = :v4 AND #n7 < :v5)))))",
                [
                    ":v0": Harness.n("7"), ":v1": Harness.n("1"), ":v2": Harness.n("1"), ":v3": Harness.s("k"),
                    ":v4": Harness.s("k"), ":v5": Harness.s("e"),
                ],
                [
                    "#n0": "value", "#n1": "line", "#n2": "generation", "#n3": "computed", "#n4": "value",
                    "#n5": "lastModified", "#n6": "key", "#n7": "eTag",
                ]
            ),
        ] as [(String, String?, [String: JSONValue], [String: JSONValue])])
    func writes(update: String, condition: String?, values: [String: JSONValue], names: [String: JSONValue]) throws {
        let harness = try Harness()
        try harness.put(
            "a", "1",
            [
                "ranges": Harness.n("3"), "switchCount": Harness.n("0"), "offered": Harness.s("y"),
                "generation": Harness.n("1"), "computed": Harness.n("1"),
            ])
        var request: [String: JSONValue] = [
            "UpdateExpression": .string(update), "ExpressionAttributeValues": .object(values),
        ]
        if let condition { request["ConditionExpression"] = .string(condition) }
        if !names.isEmpty { request["ExpressionAttributeNames"] = .object(names) }
        // Evaluated either way: success, or the condition's honest refusal; never a ValidationException.
        let code = harness.errorCode {
            _ = try harness.dynamo.updateItem(table: Harness.table, key: Harness.key("a", "1"), expression: request)
        }
        #expect(code == nil || code == "ConditionalCheckFailedException")
    }

    @Test("the Scan the day-meters indexer sends")
    func indexerScan() throws {
        let harness = try Harness()
        try harness.put("t#m", "D#2024-01-01", ["value": Harness.n("1")])
        var found: [JSONValue] = []
        _ = try harness.dynamo.scanPages(
            table: Harness.table,
            parameters: [
                "FilterExpression":
                    "begins_with(sk, :meterDay) AND attribute_exists(#value) AND attribute_not_exists(#dayShard)",
                "ProjectionExpression": "pk, sk",
                "ExpressionAttributeNames": ["#value": "value", "#dayShard": "dayShard"],
                "ExpressionAttributeValues": [":meterDay": Harness.s("D#")],
            ]
        ) { items, _ in
            found += items
            return true
        }
        #expect(found == [Harness.key("t#m", "D#2024-01-01")])
    }

    @Test("a put with the source store's condition")
    func sourcePut() throws {
        let harness = try Harness()
        try harness.dynamo.putItem(
            table: Harness.table, item: Harness.key("s", "1"),
            condition: [
                "ConditionExpression": "attribute_not_exists(pk) OR switchCount = :expected",
                "ExpressionAttributeValues": [":expected": Harness.n("0")],
            ])
    }
}
