import JSON
import Testing

@testable import GraphQL

/// Counts the resolvers that ran: a refused operation runs none.
final class Resolutions: @unchecked Sendable {
    var count = 0
}

/// A schema of pages: `page(limit:)` a connection whose `items` hold `limit`, `grid(limit:)` a list of lists, `read`
/// a field that reads data (a resolver), `item` an object answered from memory.
func pageSchema(_ resolutions: Resolutions = Resolutions()) -> Schema {
    let item = ObjectType(
        name: "Item", description: nil,
        fields: [FieldDefinition("x", .named("Int")), FieldDefinition("y", .named("Int"))])
    let page = ObjectType(
        name: "Page", description: nil,
        fields: [
            FieldDefinition("items", .nonNull(.list(.nonNull(.named("Item"))))), FieldDefinition("x", .named("Int")),
        ])
    let limit = [InputValueDefinition("limit", .named("Int"), default: 100)]
    let query = ObjectType(
        name: "Query", description: nil,
        fields: [
            FieldDefinition(
                "page", .nonNull(.named("Page")), arguments: limit,
                resolve: { _ in
                    resolutions.count += 1
                    return .json(["items": [], "x": 1])
                }),
            FieldDefinition(
                "read", .named("Int"),
                resolve: { _ in
                    resolutions.count += 1
                    return .json(1)
                }),
            FieldDefinition("grid", .list(.list(.named("Int"))), arguments: limit),
            FieldDefinition("item", .named("Item")),
        ])
    return Schema(description: nil, query: query, objects: [item, page], enums: [])
}

/// The cost of the document's only operation with these (already coerced) variables.
func cost(_ query: String, variables: [String: JSONValue] = [:], schema: Schema = pageSchema()) throws
    -> CostAnalysis.Cost
{
    let document = try Parser.parse(query, maxDepth: 15)
    let collector = FieldCollector(fragments: document.fragments, variables: variables)
    return CostAnalysis(schema: schema, collector: collector).cost(of: document.operations[0])
}

@Suite("GraphQL: an operation's cost, worked out before anything runs")
struct CostAnalysisTests {
    @Test("a field weighs 1, an object adds its fields, a field with a resolver weighs 100 and counts as a read")
    func weights() throws {
        #expect(try cost("{ __typename }") == .init(weight: 1))
        #expect(try cost("{ item { x y } }") == .init(weight: 3))
        #expect(try cost("{ read }") == .init(weight: 100, resolvers: 1))
    }

    @Test("each alias is another execution; the same key asked twice is merged, as it runs")
    func aliases() throws {
        #expect(try cost("{ a: read b: read c: read }") == .init(weight: 300, resolvers: 3))
        #expect(try cost("{ read read }") == .init(weight: 100, resolvers: 1))
        #expect(try cost("{ a: item { x } b: item { x } }") == .init(weight: 4))
    }

    @Test("a list counts its selection once per item: the page's limit, its default when absent")
    func listMultipliers() throws {
        #expect(try cost("{ page(limit: 7) { items { x y } } }") == .init(weight: 100 + 1 + 7 * 2, resolvers: 1))
        #expect(try cost("{ page { x items { x } } }") == .init(weight: 100 + 1 + 1 + 100, resolvers: 1))
        #expect(try cost("{ grid(limit: 3) }") == .init(weight: 1 + 3 * 3))
        let huge = "{ " + (1...3).map { "g\($0): grid(limit: 2147483647)" }.joined(separator: " ") + " }"
        #expect(try cost(huge).weight == Int.max)  // 3 × (2^31 - 1)², saturated
    }

    @Test("variables are evaluated: a limit given as one, or its default when it is not given")
    func variables() throws {
        let query = "query ($n: Int) { page(limit: $n) { items { x } } }"
        #expect(try cost(query, variables: ["n": 3]) == .init(weight: 100 + 1 + 3, resolvers: 1))
        #expect(try cost(query) == .init(weight: 100 + 1 + 100, resolvers: 1))
        let skipped = "query ($s: Boolean!) { read @skip(if: $s) item { x } }"
        #expect(try cost(skipped, variables: ["s": true]) == .init(weight: 2))
        #expect(try cost(skipped, variables: ["s": false]) == .init(weight: 102, resolvers: 1))
    }

    @Test("fragments are expanded where they are spread, inside lists too")
    func fragments() throws {
        let spread = "{ page(limit: 5) { items { ...XY } } } fragment XY on Item { x y }"
        #expect(try cost(spread) == .init(weight: 100 + 1 + 5 * 2, resolvers: 1))
        let reads = "{ ...Reads ... on Query { c: read } } fragment Reads on Query { a: read b: read }"
        #expect(try cost(reads) == .init(weight: 300, resolvers: 3))
    }

    @Test("introspection's lists count as many as the schema has: its types, the most fields a type has, ...")
    func introspection() throws {
        let schema = pageSchema()
        #expect(try cost("{ __schema { types { name } } }", schema: schema).weight == 1 + 1 + schema.types.count)
        let mostFields =
            schema.types.values.compactMap { if case .object(let o) = $0 { o.fields.count } else { nil } }
            .max() ?? 0
        #expect(mostFields == 11)  // __Type's
        let nested = "{ __type(name: \"Query\") { fields { type { fields { name } } } } }"
        #expect(try cost(nested, schema: schema).weight == 1 + 1 + 11 * (1 + 1 + 11))
        #expect(try cost("{ __type(name: \"Query\") { interfaces { name } } }", schema: schema).weight == 2)
    }

    @Test("over the cost limit: COST_LIMIT naming the cost and the limit, and nothing runs")
    func costLimit() {
        let resolutions = Resolutions()
        var executor = Executor(schema: pageSchema(resolutions))
        executor.maxCost = 1_000
        let answer = executor.execute(
            query: "{ page(limit: 500) { items { x y } } }", operationName: nil, variables: nil)
        #expect(answer["data"] == nil)
        let error = answer["errors"]?.arrayValue?.first
        #expect(error?["extensions"] == ["code": "COST_LIMIT", "cost": 1_101, "limit": 1_000])
        #expect(error?["message"]?.stringValue?.contains("1101, over the limit of 1000") == true)
        #expect(resolutions.count == 0)
        #expect(
            executor.execute(query: "{ page(limit: 400) { items { x y } } }", operationName: nil, variables: nil)
                == ["data": ["page": ["items": []]]])
        #expect(resolutions.count == 1)
    }

    @Test("more than ten fields that read data: ROOT_FIELD_LIMIT, and none runs")
    func rootFieldLimit() {
        let resolutions = Resolutions()
        let executor = Executor(schema: pageSchema(resolutions))
        let eleven = "{ " + (1...11).map { "r\($0): read" }.joined(separator: " ") + " }"
        let answer = executor.execute(query: eleven, operationName: nil, variables: nil)
        #expect(answer["data"] == nil)
        #expect(
            answer["errors"]?.arrayValue?.first?["extensions"] == [
                "code": "ROOT_FIELD_LIMIT", "count": 11, "limit": 10,
            ])
        #expect(resolutions.count == 0)
        let ten = "{ " + (1...10).map { "r\($0): read" }.joined(separator: " ") + " }"
        #expect(executor.execute(query: ten, operationName: nil, variables: nil)["errors"] == nil)
        #expect(resolutions.count == 10)
    }
}
