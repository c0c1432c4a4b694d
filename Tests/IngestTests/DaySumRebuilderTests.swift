import ConsumptionTable
import JSON
import Testing

@testable import ConsumptionCore
@testable import Ingest

/// The write that rebuilds a sum shard: the six sums from the items, and nothing else of the shard changed; refused
/// when the shard changed since it was read (a fold landed between the read and the write).
@Suite struct DaySumRebuilderTests {
    let date = CalendarDate("2024-05-03")!

    var sums: StreamFolder.Delta {
        var sums = StreamFolder.Delta()
        sums.value = ExactDecimal("3.5")!
        sums.meters = 2
        return sums
    }

    /// An expression with its placeholders replaced by the names and values they stand for.
    func spelled(_ member: String, of request: [String: JSONValue]) -> String {
        var text = request[member]?.stringValue ?? ""
        let names = request["ExpressionAttributeNames"]?.objectValue ?? [:]
        let values = request["ExpressionAttributeValues"]?.objectValue ?? [:]
        // Longest first: `#n1` must not be replaced inside `#n10`.
        for (placeholder, name) in names.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacing(placeholder, with: name.stringValue ?? "?")
        }
        for (placeholder, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacing(placeholder, with: value.serialized)
        }
        return text
    }

    /// A shard as a fold left it: two meters, 9 kWh (wrong), and the mark of the stream shard that folded them.
    let asRead: JSONValue = [
        "pk": ["S": "T#acme#TOTALS"], "sk": ["S": "2024-05-03#03"], "total": ["N": "9"], "meters": ["N": "2"],
        "updatedAt": ["S": "2024-05-03T10:00:00.000Z"], "lane:shardId-1": ["S": "0000000000000000000000042"],
    ]

    @Test func theSumsAreSetFromTheItemsAndTheLaneMarksLeftAsTheyAre() {
        let request = DaySumRebuilder.rewrite(asRead: asRead, to: sums, date: date, now: "2024-06-01T00:00:00.000Z")
        #expect(
            spelled("UpdateExpression", of: request)
                == #"SET total = {"N":"3.5"}, meters = {"N":"2"}, notActual = {"N":"0"}, incompleteMeters = {"N":"0"}, "#
                + #"exported = {"N":"0"}, exportMeters = {"N":"0"}, date = {"S":"2024-05-03"}, "#
                + #"updatedAt = {"S":"2024-06-01T00:00:00.000Z"}"#)
    }

    @Test func theWriteIsRefusedUnlessEveryAttributeReadIsUnchanged() {
        let request = DaySumRebuilder.rewrite(asRead: asRead, to: sums, date: date, now: "2024-06-01T00:00:00.000Z")
        #expect(
            spelled("ConditionExpression", of: request)
                == #"attribute_exists(pk) AND lane:shardId-1 = {"S":"0000000000000000000000042"} AND "#
                + #"meters = {"N":"2"} AND total = {"N":"9"} AND updatedAt = {"S":"2024-05-03T10:00:00.000Z"}"#)
    }

    @Test func aShardThatWasMissingIsWrittenOnlyIfStillMissing() {
        let request = DaySumRebuilder.rewrite(asRead: nil, to: sums, date: date, now: "2024-06-01T00:00:00.000Z")
        #expect(spelled("ConditionExpression", of: request) == "attribute_not_exists(pk)")
        #expect(spelled("UpdateExpression", of: request).hasPrefix(#"SET total = {"N":"3.5"}, meters = {"N":"2"}"#))
    }
}
