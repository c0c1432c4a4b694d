import JSON
import Testing

@Suite("JSONFields: typed reads whose errors name the field")
struct JSONFieldsTests {
    let event: JSONValue = ["Records": [["s3": ["object": ["key": "a%2Fb", "size": 12]]], ["s3": 5]]]

    @Test("reads nested fields")
    func reads() throws {
        let records = try JSONFields(event).objects("Records")
        #expect(try records[0].object("s3").object("object").string("key") == "a%2Fb")
        #expect(try records[0].object("s3").object("object").int("size") == 12)
    }

    @Test("a missing or mistyped field names its path")
    func errors() throws {
        let records = try JSONFields(event).objects("Records")
        #expect(throws: JSONDecodingError(path: "Records[1].s3", reason: "expected an object, found a number")) {
            try records[1].object("s3")
        }
        #expect(throws: JSONDecodingError(path: "Records[0].s3.object.eTag", reason: "missing (expected a string)")) {
            try records[0].object("s3").object("object").string("eTag")
        }
        #expect(
            throws: JSONDecodingError(path: "Records[0].s3.object.key", reason: "expected an integer, found a string")
        ) {
            try records[0].object("s3").object("object").int("key")
        }
    }
}
