import AWSServices
import JSON
import Testing

@Suite("Query paging")
struct QueryPagingTests {
    private func pages(_ harness: Harness, _ parameters: [String: JSONValue]) throws -> [[JSONValue]] {
        var pages: [[JSONValue]] = []
        _ = try harness.dynamo.queryPages(table: Harness.table, parameters: parameters) { items, _ in
            pages.append(items)
            return true
        }
        return pages
    }

    @Test("Limit pages, and LastEvaluatedKey resumes after the last item read")
    func limit() throws {
        let harness = try Harness()
        for index in 0..<5 { try harness.put("p", "s\(index)") }
        let result = try pages(
            harness,
            ["KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": [":pk": Harness.s("p")], "Limit": 2])
        #expect(result.map(\.count) == [2, 2, 1])
    }

    @Test("a page stops at 1 MB of data read")
    func oneMegabyte() throws {
        let harness = try Harness()
        let blob = String(repeating: "x", count: 300 * 1024)
        for index in 0..<7 { try harness.put("p", "s\(index)", ["blob": Harness.s(blob)]) }
        let result = try pages(
            harness, ["KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": [":pk": Harness.s("p")]])
        #expect(result.map(\.count) == [4, 3])
    }

    @Test("begins_with and BETWEEN select sort keys; ScanIndexForward false reverses")
    func sortConditions() throws {
        let harness = try Harness()
        for sk in ["2024-01-01#a", "2024-01-02#a", "2024-01-02#b", "2024-01-03#a", "R#x"] { try harness.put("p", sk) }
        let prefixed = try harness.dynamo.query(
            table: Harness.table,
            parameters: [
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :day)",
                "ExpressionAttributeValues": [":pk": Harness.s("p"), ":day": Harness.s("2024-01-02#")],
            ])
        #expect(prefixed.map { $0["sk"] } == [Harness.s("2024-01-02#a"), Harness.s("2024-01-02#b")])
        let between = try harness.dynamo.query(
            table: Harness.table,
            parameters: [
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to", "ScanIndexForward": false,
                "ExpressionAttributeValues": [
                    ":pk": Harness.s("p"), ":from": Harness.s("2024-01-02#"), ":to": Harness.s("2024-01-03#~"),
                ],
            ])
        #expect(
            between.map { $0["sk"] } == [
                Harness.s("2024-01-03#a"), Harness.s("2024-01-02#b"), Harness.s("2024-01-02#a"),
            ])
    }

    @Test("the filter applies after Limit: a page may hold fewer matches than Limit")
    func filterAfterLimit() throws {
        let harness = try Harness()
        for index in 0..<4 { try harness.put("p", "s\(index)", ["status": Harness.s(index == 3 ? "done" : "open")]) }
        let answer = try harness.dynamo.call(
            "Query",
            [
                "TableName": .string(Harness.table), "KeyConditionExpression": "pk = :pk", "Limit": 2,
                "FilterExpression": "#status = :done", "ExpressionAttributeNames": ["#status": "status"],
                "ExpressionAttributeValues": [":pk": Harness.s("p"), ":done": Harness.s("done")],
            ])
        #expect(answer["Count"] == 0)
        #expect(answer["ScannedCount"] == 2)
        #expect(answer["LastEvaluatedKey"] == Harness.key("p", "s1"))
    }
}
