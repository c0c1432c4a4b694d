import JSON
import Testing

@testable import GraphQL

/// A small schema of the spec's own examples' shape, with resolvers that fail on cue.
func starSchema() -> Schema {
    let character = ObjectType(
        name: "Character", description: "A character.",
        fields: [
            FieldDefinition("id", .nonNull(.named("ID"))), FieldDefinition("name", .named("String")),
            FieldDefinition("friends", .list(.named("Character"))),
            FieldDefinition("secret", .nonNull(.named("String"))),
        ])
    let luke: JSONValue = ["id": "1000", "name": "Luke", "friends": [["id": "1002", "name": "Han", "friends": []]]]
    let query = ObjectType(
        name: "Query", description: nil,
        fields: [
            FieldDefinition(
                "hero", .named("Character"),
                arguments: [InputValueDefinition("episode", .named("Episode"), default: "NEWHOPE")],
                resolve: { arguments in
                    arguments["episode"] == "EMPIRE"
                        ? .json(["id": "1002", "name": "Han", "friends": []]) : .json(luke)
                }),
            FieldDefinition(
                "count", .nonNull(.named("Int")), arguments: [InputValueDefinition("times", .nonNull(.named("Int")))],
                resolve: { arguments in .json(arguments["times"] ?? .null) }),
            FieldDefinition(
                "broken", .named("String"), resolve: { _ throws(GraphQLError) in throw GraphQLError("it broke") }),
        ])
    let episode = EnumType(
        name: "Episode", description: nil, values: [("NEWHOPE", nil), ("EMPIRE", nil), ("JEDI", nil)])
    return Schema(description: nil, query: query, objects: [character], enums: [episode])
}

func run(_ query: String, operation: String? = nil, variables: JSONValue? = nil) -> JSONValue {
    Executor(schema: starSchema()).execute(query: query, operationName: operation, variables: variables)
}

@Suite("GraphQL: the spec's grammar, validation and execution, for the API's GraphQL endpoint")
struct GraphQLTests {
    @Test("the spec's example documents parse: operations, variables, aliases, fragments, directives, values")
    func specExamplesParse() throws {
        let documents = [
            "query getMe { me { name } }",
            "{ user(id: 4) { id name smallPic: profilePic(size: 64) bigPic: profilePic(size: 1024) } }",
            """
            query withFragments { user(id: 4) { friends(first: 10) { ...friendFields }
              mutualFriends(first: 10) { ...friendFields } } }
            fragment friendFields on User { id name profilePic(size: 50) }
            """,
            """
            query inlineFragmentTyping { profiles(handles: ["zuck", "coca-cola"]) { handle
              ... on User { friends { count } } ... on Page { likers { count } } } }
            """,
            "query getZuckProfile($devicePicSize: Int = 50) { user(id: 4) { id profilePic(size: $devicePicSize) } }",
            "query myQuery($someTest: Boolean!) { experimentalField @skip(if: $someTest) }",
            #"{ f(a: 1.5e3, b: -0, c: "\u00e9\n", d: null, e: [1, [2]], g: {x: ENUM, y: true}) }"#,
            "{ f(text: \"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\") }",
            "# a comment\n\u{FEFF}{ a, b, c }",
        ]
        for document in documents {
            #expect(throws: Never.self) { try Parser.parse(document, maxDepth: 15) }
        }
        let block = try Parser.parse(documents[7], maxDepth: 15)
        guard case .field(let field) = block.operations[0].selections[0] else { throw GraphQLError("no field") }
        #expect(field.arguments[0].value == .string("Hello,\n  World!\n\nYours,\n  GraphQL."))
    }

    @Test("syntax errors name their line and column")
    func syntaxErrors() {
        for (document, line, column) in [
            ("{ a(b: ) }", 1, 8), ("{\n  a\n  \"unterminated }", 3, 3), ("{ a(b: 01) }", 1, 8), ("{ a ", 1, 5),
            ("query { ... on }", 1, 16), ("{ a(b: 1.) }", 1, 9),
        ] {
            let answer = run(document)
            #expect(answer["data"] == nil)
            #expect(
                answer["errors"]?.arrayValue?.first?["locations"] == [
                    ["line": .integer(line), "column": .integer(column)]
                ],
                "\(document)")
        }
    }

    @Test("aliases, fragments, inline fragments, @skip/@include, variables with defaults, __typename")
    func execution() {
        let answer = run(
            """
            query Q($withFriends: Boolean = false, $episode: Episode) {
              first: hero { ...Names friends @include(if: $withFriends) { name } }
              other: hero(episode: $episode) { ... on Character { id kind: __typename } name @skip(if: true) }
            }
            fragment Names on Character { id name }
            """, variables: ["episode": "EMPIRE"])
        #expect(
            answer == [
                "data": [
                    "first": ["id": "1000", "name": "Luke"], "other": ["id": "1002", "kind": "Character"],
                ]
            ])
        let withFriends = run(
            "query Q($w: Boolean!) { hero { friends @include(if: $w) { name } } }", variables: ["w": true])
        #expect(withFriends == ["data": ["hero": ["friends": [["name": "Han"]]]]])
    }

    @Test("a field error leaves null and an error with its path; a null in a non-null field spreads to its parent")
    func fieldErrors() {
        let answer = run("{ broken hero { name } }")
        #expect(answer["data"] == ["broken": .null, "hero": ["name": "Luke"]])
        #expect(answer["errors"]?.arrayValue?.first?["path"] == ["broken"])
        #expect(answer["errors"]?.arrayValue?.first?["locations"] == [["line": 1, "column": 3]])
        let spread = run("{ hero { friends { secret } } }")
        #expect(spread["data"] == ["hero": ["friends": .null]])
        #expect(spread["errors"]?.arrayValue?.first?["path"] == ["hero", "friends", 0, "secret"])
    }

    @Test("validation refuses what cannot run, before anything runs")
    func validation() {
        let refused = [
            "{ hero { nope } }", "{ hero }", "{ count(times: 1) { x } }", "{ count }", "{ count(times: \"1\") }",
            "{ count(times: 3000000000) }", "{ hero(episode: MARS) { id } }", "{ hero(planet: 1) { id } }",
            "query ($x: Int) { count(times: $x) }", "query ($x: Int!) { __typename }", "{ count(times: $y) }",
            "{ ...F } fragment F on Query { ...F }", "{ __typename } fragment F on Query { __typename }",
            "{ ...F } fragment F on Character { id }", "{ ...Nope }", "{ a: hero { id } a: count(times: 1) }",
            "query A { __typename } query A { __typename }", "{ __typename } query B { __typename }",
            "mutation { x }", "subscription { x }", "{ __typename @include }", "{ __typename @nope(if: true) }",
        ]
        for document in refused {
            let answer = run(document)
            #expect(answer["data"] == nil && answer["errors"]?.arrayValue?.first?["message"] != nil, "\(document)")
        }
    }

    @Test("variables are coerced to their types; a wrong one is a request error")
    func variables() {
        #expect(run("query ($n: Int!) { count(times: $n) }", variables: ["n": 7]) == ["data": ["count": 7]])
        for given: JSONValue in [["n": "7"], ["n": .number("1.5")], ["n": .null], [:], ["n": 4_000_000_000]] {
            let answer = run("query ($n: Int!) { count(times: $n) }", variables: given)
            #expect(answer["data"] == nil && answer["errors"] != nil, "\(given)")
        }
    }

    @Test("introspection describes the schema: types, fields, arguments and their defaults, enum values")
    func introspection() {
        let answer = run(
            """
            { __schema { queryType { name } types { name } directives { name } }
              __type(name: "Query") { kind fields { name args { name defaultValue type { kind name ofType { name } } } } }
              episode: __type(name: "Episode") { enumValues { name } } missing: __type(name: "Nope") { name } }
            """)
        let data = answer["data"]
        #expect(data?["__schema"]?["queryType"] == ["name": "Query"])
        let typeNames = data?["__schema"]?["types"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(["Character", "Episode", "Int", "__Type", "__Schema"].allSatisfy(typeNames.contains))
        let hero = data?["__type"]?["fields"]?.arrayValue?.first { $0["name"] == "hero" }
        #expect(
            hero?["args"] == [
                [
                    "name": "episode", "defaultValue": "\"NEWHOPE\"",
                    "type": ["kind": "ENUM", "name": "Episode", "ofType": .null],
                ]
            ])
        #expect(data?["episode"]?["enumValues"]?.arrayValue?.count == 3)
        #expect(data?["missing"] == .null)
    }

    @Test("limits: size, depth and field count are refused with a code")
    func limits() {
        var executor = Executor(schema: starSchema())
        executor.maxFields = 10
        let many = executor.execute(
            query: "{ " + (0..<11).map { "a\($0): __typename" }.joined(separator: " ") + " }", operationName: nil,
            variables: nil)
        #expect(many["errors"]?.arrayValue?.first?["extensions"]?["code"] == "FIELD_LIMIT")
        let deep = run("{" + String(repeating: "hero {", count: 20) + "id" + String(repeating: "}", count: 21))
        #expect(deep["errors"]?.arrayValue?.first?["extensions"]?["code"] == "DEPTH_LIMIT")
        let large = run("{ __typename }" + String(repeating: " ", count: 40_000))
        #expect(large["errors"]?.arrayValue?.first?["extensions"]?["code"] == "DOCUMENT_TOO_LARGE")
    }
}
