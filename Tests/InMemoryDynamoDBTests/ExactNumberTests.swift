import AWSServices
import InMemoryDynamoDB
import JSON
import Testing

@Suite("Exact numbers")
struct ExactNumberTests {
    @Test("ADD keeps all 38 digits")
    func thirtyEightDigits() throws {
        let harness = try Harness()
        let big = "1234567890123456789012345678901234567.8"
        try harness.put("a", "1", ["amount": Harness.n(big)])
        _ = try harness.dynamo.updateItem(
            table: Harness.table, key: Harness.key("a", "1"),
            expression: ["UpdateExpression": "ADD amount :d", "ExpressionAttributeValues": [":d": Harness.n("0.1")]])
        #expect(try harness.get("a", "1")?["amount"] == Harness.n("1234567890123456789012345678901234567.9"))
    }

    @Test("a 39th significant digit is a ValidationException, as in AWS")
    func precisionLimit() throws {
        let harness = try Harness()
        try harness.put("a", "1", ["amount": Harness.n("99999999999999999999999999999999999999")])
        #expect(
            harness.errorCode {
                _ = try harness.dynamo.updateItem(
                    table: Harness.table, key: Harness.key("a", "1"),
                    expression: [
                        "UpdateExpression": "ADD amount :d", "ExpressionAttributeValues": [":d": Harness.n("0.1")],
                    ])
            } == "ValidationException")
    }

    @Test("numbers compare and normalize numerically")
    func normalization() throws {
        #expect(try DecimalNumber(parsing: "1.50").description == "1.5")
        #expect(try DecimalNumber(parsing: "-1E3").description == "-1000")
        #expect(try DecimalNumber(parsing: "0.000") == .zero)
        #expect(try DecimalNumber(parsing: "-2") < DecimalNumber(parsing: "-1.999"))
        #expect(try DecimalNumber(parsing: "10").subtracting(DecimalNumber(parsing: "10.25")).description == "-0.25")
    }
}
