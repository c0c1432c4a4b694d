import ConsumptionCore
import GraphQL
import JSON
import Testing

@testable import Query

/// Counts the pages the resolvers asked for: a refused operation asks for none.
final class PageReads: @unchecked Sendable {
    var count = 0
}

/// The API's GraphQL schema over a store with no data, counting its reads.
func consumptionExecutor(_ reads: PageReads = PageReads()) -> Executor {
    let pages = ConsumptionGraph.Pages(
        tenant: "acme",
        day: { (_) throws(QueryFailure) in
            reads.count += 1
            return nil
        },
        days: { (_) throws(QueryFailure) in
            reads.count += 1
            return ([], nil)
        },
        meterDays: { (_, _) throws(QueryFailure) in
            reads.count += 1
            return ([], nil)
        },
        dayMeters: { (_, _) throws(QueryFailure) in
            reads.count += 1
            return (CalendarDate(daysSinceEpoch: 0), [], nil)
        },
        ingestions: { (_) throws(QueryFailure) in
            reads.count += 1
            return ([], nil)
        },
        periods: { (_, _) throws(QueryFailure) in
            reads.count += 1
            return (.calendar(.month), [], nil)
        },
        error: { _ in GraphQLError("refused") })
    return Executor(schema: ConsumptionGraph.schema(pages))
}

/// An operation's cost as the executor works it out: with a limit of 0, `COST_LIMIT` names it.
func costOf(_ query: String, variables: JSONValue? = nil) -> Int? {
    var executor = consumptionExecutor()
    executor.maxCost = 0
    executor.maxResolverFields = .max
    return executor.execute(query: query, operationName: nil, variables: variables)["errors"]?.arrayValue?
        .first?["extensions"]?["cost"]?.intValue
}

/// The codes of an answer's errors.
func codes(_ answer: JSONValue) -> [String] {
    answer["errors"]?.arrayValue?.compactMap { $0["extensions"]?["code"]?.stringValue } ?? []
}

/// The query graphql-js and graphql-core send to load a schema (`getIntrospectionQuery`, descriptions included), as
/// the `gql` client does: it must stay well within the cost limit.
let introspectionQuery = """
    query IntrospectionQuery {
      __schema {
        queryType { name } mutationType { name } subscriptionType { name }
        types { ...FullType }
        directives { name description locations args { ...InputValue } }
      }
    }
    fragment FullType on __Type {
      kind name description
      fields(includeDeprecated: true) {
        name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
      }
      inputFields { ...InputValue }
      interfaces { ...TypeRef }
      enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
      possibleTypes { ...TypeRef }
    }
    fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
    fragment TypeRef on __Type {
      kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
      ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
    }
    """

/// The three hostile documents, each within the document limits (32 KiB, depth 15, 2,000 fields), that the
/// document limits alone let run.
enum Issue26 {
    /// `fields { type { ofType { ofType {` three times, then 1,985 aliases of `name`: answered 6.4 MB.
    static let introspection =
        "{__type(name:\"__Type\"){" + String(repeating: "fields{type{ofType{ofType{", count: 3) + "fields{"
        + (1...1985).map { "name\(1000 + $0)" + ":name" }.joined(separator: " ") + String(repeating: "}", count: 15)
    /// 1,997 aliases of `total` in a page of 1,000 days: 30 MB from one Query.
    static let totals =
        "{listConsumptionDaily(from:\"2021-01-01\",to:\"2023-12-31\",limit:1000){items{"
        + (1...1997).map { "t\($0):total" }.joined(separator: " ") + "}}}"
    /// 999 aliases of `dayMeters(date: $d)`: 13,586 DynamoDB Queries, past the function's timeout.
    static let dayMeters =
        "query($d:String!){" + (1...999).map { "m\($0):dayMeters(date:$d){date}" }.joined(separator: " ") + "}"
}

@Suite("GraphQL cost limits on the API's schema: the hostile documents are refused before anything is read")
struct GraphQLCostTests {
    @Test("the documents are within the document limits")
    func withinDocumentLimits() {
        for document in [Issue26.introspection, Issue26.totals, Issue26.dayMeters] {
            #expect(document.utf8.count <= 32_768)
        }
    }

    @Test("nested introspection (answered 6.4 MB, over Lambda's 6 MB) is refused: COST_LIMIT")
    func introspectionAttack() {
        var unlimited = consumptionExecutor()
        unlimited.maxCost = .max
        let answered = unlimited.execute(query: Issue26.introspection, operationName: nil, variables: nil)
        // The attack as found: over Lambda's 6 MB (6,291,456 bytes) once the cost limit is lifted.
        #expect(answered.serializedBytes.count > 6_291_456)
        let answer = consumptionExecutor().execute(query: Issue26.introspection, operationName: nil, variables: nil)
        #expect(answer["data"] == nil && codes(answer) == ["COST_LIMIT"])
        #expect(answer["errors"]?.arrayValue?.first?["extensions"]?["limit"] == 100_000)
    }

    @Test("1,997 aliases of total over 1,000 days: COST_LIMIT, the cost named, and nothing read")
    func totalsAttack() {
        let reads = PageReads()
        let answer = consumptionExecutor(reads).execute(query: Issue26.totals, operationName: nil, variables: nil)
        #expect(codes(answer) == ["COST_LIMIT"])
        #expect(answer["errors"]?.arrayValue?.first?["extensions"]?["cost"] == .integer(100 + 1 + 1000 * 1997))
        #expect(
            answer["errors"]?.arrayValue?.first?["message"]?.stringValue?.contains(
                "1997101, over the limit of 100000") == true)
        #expect(reads.count == 0)
    }

    @Test("999 aliases of dayMeters: ROOT_FIELD_LIMIT (and COST_LIMIT), and nothing read")
    func dayMetersAttack() {
        let reads = PageReads()
        let answer = consumptionExecutor(reads).execute(
            query: Issue26.dayMeters, operationName: nil, variables: ["d": "2024-05-01"])
        #expect(answer["data"] == nil && codes(answer) == ["ROOT_FIELD_LIMIT", "COST_LIMIT"])
        #expect(answer["errors"]?.arrayValue?.first?["extensions"]?["count"] == 999)
        #expect(reads.count == 0)
    }

    @Test("what clients ask stays within the limit: the introspection query, ten pages of 1,000 days")
    func legitimateDocuments() {
        #expect(costOf(introspectionQuery) == 83_825)
        let page =
            "listConsumptionDaily(from: \"2021-01-01\", to: \"2023-12-31\", limit: 1000) "
            + "{ items { date total meters average exported estimated completeMeters unit } nextToken }"
        #expect(costOf("{ \(page) }") == 100 + 1 + 1000 * 8 + 1)
        let tenPages = "{ " + (1...10).map { "p\($0): \(page)" }.joined(separator: " ") + " }"
        #expect(costOf(tenPages) == 81_020)
        let reads = PageReads()
        #expect(
            consumptionExecutor(reads).execute(query: tenPages, operationName: nil, variables: nil)["errors"] == nil)
        #expect(reads.count == 10)
    }

    @Test("a range's page holds no more days than it spans, its dates literal or variables")
    func rangesCountTheirDays() {
        let literal =
            "{ listConsumptionDaily(from: \"2024-05-01\", to: \"2024-05-10\", limit: 1000) { items { total } } }"
        #expect(costOf(literal) == 100 + 1 + 10)
        let variables = """
            query ($from: String!, $to: String!) {
              meterConsumption(meter: "M1", from: $from, to: $to) { items { value } }
            }
            """
        #expect(costOf(variables, variables: ["from": "2024-01-01", "to": "2024-12-31"]) == 100 + 1 + 100)
        #expect(costOf(variables, variables: ["from": "2024-05-01", "to": "2024-05-03"]) == 100 + 1 + 3)
        #expect(costOf(variables, variables: ["from": "2024-05-03", "to": "2024-05-01"]) == 100 + 1 + 100)
    }
}
