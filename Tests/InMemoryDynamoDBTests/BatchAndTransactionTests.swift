import AWSServices
import JSON
import Testing

@Suite("Batches and transactions")
struct BatchAndTransactionTests {
    @Test("BatchWriteItem leaves what the hook picks unprocessed, and the client retries it")
    func unprocessedRetried() throws {
        let harness = try Harness()
        var refusals = 2
        harness.service.leavesUnprocessed = { _, _ in
            refusals -= 1
            return refusals >= 0
        }
        harness.dynamo.client.retryPolicy.maxAttempts = 5
        let requests: [JSONValue] = (0..<30).map { ["PutRequest": ["Item": Harness.key("p", "s\($0)")]] }
        try harness.dynamo.batchWrite(table: Harness.table, requests: requests)
        #expect(harness.service.items(in: Harness.table).count == 30)
    }

    @Test("BatchGetItem returns unprocessed keys the client asks for again")
    func batchGet() throws {
        let harness = try Harness()
        for index in 0..<3 { try harness.put("p", "s\(index)") }
        var first = true
        harness.service.leavesUnprocessed = { _, _ in
            defer { first = false }
            return first
        }
        let items = try harness.dynamo.batchGet(table: Harness.table, keys: (0..<3).map { Harness.key("p", "s\($0)") })
        #expect(items.count == 3)
    }

    @Test("a failed condition cancels the whole transaction, with a reason per action")
    func cancellation() throws {
        let harness = try Harness()
        try harness.put("a", "1")
        let actions: [JSONValue] = [
            ["Put": ["TableName": .string(Harness.table), "Item": Harness.key("b", "1")]],
            [
                "ConditionCheck": [
                    "TableName": .string(Harness.table), "Key": Harness.key("a", "1"),
                    "ConditionExpression": "attribute_not_exists(pk)",
                ]
            ],
        ]
        do {
            try harness.dynamo.transactWrite(actions)
            Issue.record("the transaction should have been cancelled")
        } catch {
            guard case .service(let serviceError) = error else { throw error }
            #expect(serviceError.code == "TransactionCanceledException")
            #expect(serviceError.cancellationReasons == ["None", "ConditionalCheckFailed"])
        }
        #expect(try harness.get("b", "1") == nil)
    }

    @Test("two actions on one item are a ValidationException")
    func oneActionPerItem() throws {
        let harness = try Harness()
        let put: JSONValue = ["Put": ["TableName": .string(Harness.table), "Item": Harness.key("b", "1")]]
        #expect(harness.errorCode { try harness.dynamo.transactWrite([put, put]) } == "ValidationException")
    }
}
