import AWSServices
import JSON
import Testing

@Suite("Validation")
struct ValidationTests {
    private func message(_ harness: Harness, _ request: [String: JSONValue]) -> String? {
        var payload = request
        payload["TableName"] = .string(Harness.table)
        payload["Key"] = Harness.key("a", "1")
        do throws(AWSError) {
            _ = try harness.dynamo.call("UpdateItem", .object(payload))
            return nil
        } catch {
            guard case .service(let serviceError) = error else { return "\(error)" }
            return serviceError.code + ": " + serviceError.message
        }
    }

    @Test("an unsupported function, operation or parameter is a ValidationException naming it")
    func unsupported() throws {
        let harness = try Harness()
        let function = message(
            harness,
            ["ConditionExpression": "starts_with(sk, :p)", "ExpressionAttributeValues": [":p": Harness.s("x")]])
        #expect(function?.hasPrefix("ValidationException") == true)
        #expect(function?.contains("starts_with") == true)
        let parameter = message(harness, ["Expected": [:]])
        #expect(parameter?.contains("Expected") == true)
        #expect(harness.errorCode { _ = try harness.dynamo.call("DescribeTable", [:]) } == "ValidationException")
    }

    @Test("unused and undefined placeholders are refused, as in AWS")
    func placeholders() throws {
        let harness = try Harness()
        let unused = message(
            harness,
            [
                "UpdateExpression": "SET a = :a",
                "ExpressionAttributeValues": [":a": Harness.s("x"), ":b": Harness.s("y")],
            ])
        #expect(unused?.contains("unused") == true)
        let undefined = message(
            harness, ["UpdateExpression": "SET #a = :a", "ExpressionAttributeValues": [":a": Harness.s("x")]])
        #expect(undefined?.contains("not defined") == true)
    }

    @Test("an item over 400 KB is a ValidationException")
    func itemSize() throws {
        let harness = try Harness()
        #expect(
            harness.errorCode {
                try harness.put("a", "1", ["blob": Harness.s(String(repeating: "x", count: 410 * 1024))])
            }
                == "ValidationException")
    }

    @Test("a missing table is ResourceNotFoundException")
    func missingTable() throws {
        let harness = try Harness()
        #expect(
            harness.errorCode { _ = try harness.dynamo.getItem(table: "nope", key: Harness.key("a", "1")) }
                == "ResourceNotFoundException")
    }
}
