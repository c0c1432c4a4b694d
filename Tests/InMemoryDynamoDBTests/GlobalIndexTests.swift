import AWSServices
import JSON
import Testing

@Suite("Global secondary index")
struct GlobalIndexTests {
    private func indexQuery(_ harness: Harness, consistent: Bool = false) throws -> [JSONValue] {
        try harness.dynamo.query(
            table: Harness.table,
            parameters: [
                "IndexName": "dayMeters", "KeyConditionExpression": "dayShard = :shard",
                "ExpressionAttributeValues": [":shard": Harness.s("t#2024-01-01#0")],
                "ConsistentRead": .bool(consistent),
            ])
    }

    @Test("sparse and lagging: a write is invisible before the lag, visible after; items without the key stay out")
    func sparseWithLag() throws {
        let harness = try Harness(indexLag: 500)
        try harness.put(
            "m1", "d",
            [
                "dayShard": Harness.s("t#2024-01-01#0"), "meter": Harness.s("m1"), "value": Harness.n("1"),
                "other": Harness.s("x"),
            ])
        try harness.put("m2", "d", ["value": Harness.n("2")])
        #expect(try indexQuery(harness).isEmpty)
        harness.transport.nowMilliseconds += 499
        #expect(try indexQuery(harness).isEmpty)
        harness.transport.nowMilliseconds += 1
        let entries = try indexQuery(harness)
        #expect(entries.count == 1)
        // INCLUDE projection: keys and `value`, not `other`.
        #expect(entries.first?["other"] == nil)
        #expect(entries.first?["value"] == Harness.n("1"))
        #expect(harness.service.indexEntries(in: Harness.table, index: "dayMeters").count == 1)
    }

    @Test("a consistent read of a global index is a ValidationException")
    func noConsistentRead() throws {
        let harness = try Harness()
        #expect(harness.errorCode { _ = try indexQuery(harness, consistent: true) } == "ValidationException")
    }

    @Test("index queries page like table queries")
    func paging() throws {
        let harness = try Harness()
        for index in 0..<5 {
            try harness.put(
                "m\(index)", "d", ["dayShard": Harness.s("t#2024-01-01#0"), "meter": Harness.s("m\(index)")])
        }
        var sizes: [Int] = []
        _ = try harness.dynamo.queryPages(
            table: Harness.table,
            parameters: [
                "IndexName": "dayMeters", "KeyConditionExpression": "dayShard = :shard", "Limit": 2,
                "ExpressionAttributeValues": [":shard": Harness.s("t#2024-01-01#0")],
            ]
        ) { items, _ in
            sizes.append(items.count)
            return true
        }
        #expect(sizes == [2, 2, 1])
    }
}
