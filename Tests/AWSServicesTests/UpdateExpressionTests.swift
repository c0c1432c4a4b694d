import AWSServices
import JSON
import Testing

@Suite("UpdateItem requests: every name and value behind a placeholder, clauses in DynamoDB's order")
struct UpdateExpressionTests {
    @Test("names and values get numbered placeholders, so reserved words such as status and rows are never bare")
    func placeholders() {
        var update = UpdateExpression()
        update.set("status", ["S": "ingested"])
        update.set("rows", ["N": "48"])
        let request = update.request()
        #expect(request["UpdateExpression"] == "SET #n0 = :v0, #n1 = :v1")
        #expect(request["ExpressionAttributeNames"] == ["#n0": "status", "#n1": "rows"])
        #expect(request["ExpressionAttributeValues"] == [":v0": ["S": "ingested"], ":v1": ["N": "48"]])
    }

    @Test("several attributes at once are set in the order of their names: the same update, the same expression")
    func setManyInNameOrder() {
        var update = UpdateExpression()
        update.set(["zone": ["S": "Europe/London"], "unit": ["S": "kWh"]])
        #expect(update.request()["UpdateExpression"] == "SET #n0 = :v0, #n1 = :v1")
        #expect(update.names == ["#n0": "unit", "#n1": "zone"])
    }

    @Test("SET, then REMOVE, then ADD, then DELETE, whatever order they were asked for in")
    func clauseOrder() {
        var update = UpdateExpression()
        update.delete("offerers", ["SS": ["a"]])
        update.add("attempts", ["N": "1"])
        update.remove("finishedAt")
        update.set("startedAt", ["S": "2024-06-01T00:00:00.000Z"])
        #expect(update.request()["UpdateExpression"] == "SET #n3 = :v2 REMOVE #n2 ADD #n1 :v1 DELETE #n0 :v0")
    }

    @Test("a REMOVE alone has no values, so no ExpressionAttributeValues member (DynamoDB refuses an empty one)")
    func noEmptyMembers() {
        var update = UpdateExpression()
        update.remove("validated")
        let request = update.request()
        #expect(request["UpdateExpression"] == "REMOVE #n0")
        #expect(request["ExpressionAttributeValues"] == nil)
        #expect(request["ConditionExpression"] == nil)
        #expect(request["ReturnValues"] == nil)
    }

    @Test("a condition shares the update's placeholders; ReturnValues is passed through")
    func conditionAndReturnValues() {
        var update = UpdateExpression()
        update.add("rangesDone", ["NS": ["3"]])
        let condition = "attribute_exists(\(update.name("ranges")))"
        let request = update.request(condition: condition, returnValues: "ALL_NEW")
        #expect(request["UpdateExpression"] == "ADD #n0 :v0")
        #expect(request["ConditionExpression"] == "attribute_exists(#n1)")
        #expect(request["ExpressionAttributeNames"] == ["#n0": "rangesDone", "#n1": "ranges"])
        #expect(request["ReturnValues"] == "ALL_NEW")
    }
}
