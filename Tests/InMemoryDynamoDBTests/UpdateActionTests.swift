import AWSServices
import JSON
import Testing

@Suite("Update actions")
struct UpdateActionTests {
    private func update(
        _ harness: Harness, _ expression: String, _ values: [String: JSONValue] = [:], returning: String = "ALL_NEW"
    )
        throws -> JSONValue
    {
        var request: [String: JSONValue] = [
            "UpdateExpression": .string(expression), "ReturnValues": .string(returning),
        ]
        if !values.isEmpty { request["ExpressionAttributeValues"] = .object(values) }
        return try harness.dynamo.updateItem(table: Harness.table, key: Harness.key("a", "1"), expression: request)[
            "Attributes"] ?? [:]
    }

    @Test("SET with arithmetic, if_not_exists and list_append; REMOVE; ADD numbers and sets; DELETE from sets")
    func everyAction() throws {
        let harness = try Harness()
        var item = try update(
            harness, "SET amount = if_not_exists(amount, :zero) + :five, tags = list_append(:l1, :l2)",
            [
                ":zero": Harness.n("0"), ":five": Harness.n("5"), ":l1": ["L": [Harness.s("x")]],
                ":l2": ["L": [Harness.s("y")]],
            ])
        #expect(item["amount"] == Harness.n("5"))
        #expect(item["tags"] == ["L": [Harness.s("x"), Harness.s("y")]])
        item = try update(harness, "SET amount = amount - :two REMOVE tags[0]", [":two": Harness.n("2")])
        #expect(item["amount"] == Harness.n("3"))
        #expect(item["tags"] == ["L": [Harness.s("y")]])
        item = try update(
            harness, "ADD amount :one, done :set REMOVE tags", [":one": Harness.n("1"), ":set": ["NS": ["1", "2"]]])
        #expect(item["amount"] == Harness.n("4"))
        #expect(item["tags"] == nil)
        item = try update(harness, "DELETE done :gone", [":gone": ["NS": ["1"]]])
        #expect(item["done"] == ["NS": ["2"]])
        item = try update(harness, "DELETE done :gone", [":gone": ["NS": ["2"]]])
        #expect(item["done"] == nil)
    }

    @Test("UPDATED_NEW returns only what the update touched")
    func updatedNew() throws {
        let harness = try Harness()
        try harness.put("a", "1", ["other": Harness.s("kept"), "generation": Harness.n("1")])
        let answer = try update(harness, "ADD generation :one", [":one": Harness.n("1")], returning: "UPDATED_NEW")
        #expect(answer == ["generation": Harness.n("2")])
    }

    @Test("key attributes, overlapping paths and arithmetic on a missing attribute are refused")
    func refusals() throws {
        let harness = try Harness()
        #expect(
            harness.errorCode { _ = try update(harness, "SET pk = :v", [":v": Harness.s("x")]) }
                == "ValidationException")
        #expect(
            harness.errorCode { _ = try update(harness, "SET a = :v REMOVE a", [":v": Harness.s("x")]) }
                == "ValidationException")
        #expect(
            harness.errorCode { _ = try update(harness, "SET a = nope + :v", [":v": Harness.n("1")]) }
                == "ValidationException")
        #expect(
            harness.errorCode { _ = try update(harness, "SET #status = :v", [":v": Harness.n("1")]) }
                == "ValidationException")
        #expect(
            harness.errorCode { _ = try update(harness, "SET status = :v", [":v": Harness.n("1")]) }
                == "ValidationException")
    }
}
