import AWSServices
import JSON
import Testing

@Suite("Conditional writes")
struct ConditionalWriteTests {
    @Test("attribute_not_exists lets the first put in and refuses the second")
    func putIfAbsent() throws {
        let harness = try Harness()
        let condition: JSONValue = ["ConditionExpression": "attribute_not_exists(pk)"]
        try harness.dynamo.putItem(table: Harness.table, item: Harness.key("a", "1"), condition: condition)
        #expect(
            harness.errorCode {
                try harness.dynamo.putItem(table: Harness.table, item: Harness.key("a", "1"), condition: condition)
            } == "ConditionalCheckFailedException")
    }

    @Test("a conditional update succeeds when the condition holds and fails untouched when it does not")
    func conditionalUpdate() throws {
        let harness = try Harness()
        try harness.put("a", "1", ["switchCount": Harness.n("3")])
        let expression: [String: JSONValue] = [
            "UpdateExpression": "SET updatedAt = :now", "ConditionExpression": "switchCount = :expected",
            "ExpressionAttributeValues": [":now": Harness.s("t1"), ":expected": Harness.n("3.0")],
        ]
        _ = try harness.dynamo.updateItem(table: Harness.table, key: Harness.key("a", "1"), expression: expression)
        #expect(try harness.get("a", "1")?["updatedAt"] == Harness.s("t1"))
        var stale = expression
        stale["ExpressionAttributeValues"] = [":now": Harness.s("t2"), ":expected": Harness.n("2")]
        #expect(
            harness.errorCode {
                _ = try harness.dynamo.updateItem(table: Harness.table, key: Harness.key("a", "1"), expression: stale)
            } == "ConditionalCheckFailedException")
        #expect(try harness.get("a", "1")?["updatedAt"] == Harness.s("t1"))
    }

    @Test("a conditional delete removes only when the condition holds")
    func conditionalDelete() throws {
        let harness = try Harness()
        try harness.put("a", "1", ["token": Harness.s("x")])
        let delete: (String) throws(AWSError) -> JSONValue = { token throws(AWSError) in
            try harness.dynamo.call(
                "DeleteItem",
                [
                    "TableName": .string(Harness.table), "Key": Harness.key("a", "1"),
                    "ConditionExpression": "#token = :token", "ExpressionAttributeNames": ["#token": "token"],
                    "ExpressionAttributeValues": [":token": Harness.s(token)], "ReturnValues": "ALL_OLD",
                ])
        }
        #expect(harness.errorCode { _ = try delete("y") } == "ConditionalCheckFailedException")
        let answer = try delete("x")
        #expect(answer["Attributes"]?["token"] == Harness.s("x"))
        #expect(try harness.get("a", "1") == nil)
    }

    @Test("<> holds for a missing attribute; ordering comparisons across types are false")
    func comparisonSemantics() throws {
        let harness = try Harness()
        try harness.put("a", "1", ["n": Harness.n("10")])
        func holds(_ condition: String, _ values: [String: JSONValue]) -> Bool {
            harness.errorCode {
                _ = try harness.dynamo.updateItem(
                    table: Harness.table, key: Harness.key("a", "1"),
                    expression: [
                        "ConditionExpression": .string(condition), "ExpressionAttributeValues": .object(values),
                    ])
            } == nil
        }
        #expect(holds("absent <> :v", [":v": Harness.s("x")]))
        #expect(!holds("n < :v", [":v": Harness.s("20")]))
        #expect(holds("n < :v", [":v": Harness.n("9.99e1")]))
        #expect(holds("n IN (:a, :b)", [":a": Harness.n("1"), ":b": Harness.n("1E1")]))
        #expect(
            holds(
                "NOT (n BETWEEN :a AND :b) OR size(pk) = :one",
                [":a": Harness.n("1"), ":b": Harness.n("5"), ":one": Harness.n("1")]))
    }
}
