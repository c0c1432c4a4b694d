import ConsumptionCore
import ConsumptionTable
import GraphQL
import JSON

/// The API as a GraphQL schema, in the shape AppSync-style clients expect (`listConsumptionDaily` with
/// `nextToken`): the same pages, checks, tokens and numbers as the REST API, for the caller's tenant only. Amounts
/// are exact decimal strings in kWh, as in the REST API.
enum ConsumptionGraph {
    /// The answers a resolver needs, bound to one request's tenant.
    struct Pages {
        /// The caller's tenant: the only one a `tenant` argument may name.
        let tenant: String
        let day: (String) throws(QueryFailure) -> DayTotal?
        let days: (QueryParameters) throws(QueryFailure) -> (days: [DayTotal], nextToken: String?)
        let meterDays:
            (QueryParameters, String) throws(QueryFailure) -> (readings: [QueryStore.MeterReading], nextToken: String?)
        let dayMeters:
            (QueryParameters, String) throws(QueryFailure) -> (
                date: CalendarDate, meters: [(meter: String, counting: MeterDayItem.Counting)], nextToken: String?
            )
        let ingestions: (QueryParameters) throws(QueryFailure) -> (entries: [JSONValue], nextToken: String?)
        /// The tenant's periods, or one meter's (`consumptionPeriods`).
        let periods:
            (QueryParameters, String?) throws(QueryFailure) -> (
                by: PeriodRequest, periods: [PeriodTotal], nextToken: String?
            )
        /// A refusal as a field error (an internal failure is logged and named by the request id only).
        let error: (QueryFailure) -> GraphQLError
    }

    /// A resolver over the request's pages: a refusal becomes the field's error.
    static func resolving(
        _ pages: Pages, _ body: @escaping ([String: JSONValue]) throws(QueryFailure) -> Resolved
    ) -> Resolver {
        { (arguments: [String: JSONValue]) throws(GraphQLError) -> Resolved in
            do throws(QueryFailure) {
                return try body(arguments)
            } catch {
                throw pages.error(error)
            }
        }
    }

    static func schema(_ pages: Pages) -> Schema {
        func resolving(_ body: @escaping ([String: JSONValue]) throws(QueryFailure) -> Resolved) -> Resolver {
            Self.resolving(pages, body)
        }
        let query = ObjectType(
            name: "Query", description: "What a tenant may ask; the tenant is the caller's, from its API key.",
            fields: [
                FieldDefinition(
                    "consumptionDaily", .named("ConsumptionDay"),
                    description: "One day's totals; null when the tenant has no data that day.",
                    arguments: [InputValueDefinition("date", .nonNull(.named("String")), description: "YYYY-MM-DD")],
                    resolve: resolving { (arguments) throws(QueryFailure) in
                        guard let day = try pages.day(arguments["date"]?.stringValue ?? "") else { return .json(.null) }
                        return .json(dayJSON(day))
                    }),
                FieldDefinition(
                    "listConsumptionDaily", .nonNull(.named("ConsumptionDayConnection")),
                    description:
                        "The days from `from` to `to` (inclusive, ascending; every day when absent) that have data, "
                        + "a page at a time.",
                    arguments: listArguments, listSize: rangeSize,
                    resolve: resolving { (arguments) throws(QueryFailure) in
                        // The replaced system's clients name the tenant and no range: the tenant must be the
                        // caller's, and a missing end of the range is the API's earliest or latest day.
                        var arguments = arguments
                        if let named = arguments.removeValue(forKey: "tenant"), named != .null,
                            named.stringValue.map({ !$0.utf8.elementsEqual(pages.tenant.utf8) }) ?? true
                        {
                            throw .api(
                                APIError(
                                    status: 403, code: "forbidden", message: "'tenant' must name the caller's tenant",
                                    field: "tenant"))
                        }
                        if (arguments["from"] ?? .null) == .null {
                            arguments["from"] = .string(QueryParameters.earliest.description)
                        }
                        if (arguments["to"] ?? .null) == .null {
                            arguments["to"] = .string(QueryParameters.latest.description)
                        }
                        let page = try pages.days(parameters(arguments))
                        return .json(["items": .array(page.days.map(dayJSON)), "nextToken": token(page.nextToken)])
                    }),
                FieldDefinition(
                    "meterConsumption", .nonNull(.named("MeterConsumptionConnection")),
                    description: "One meter's days from `from` to `to`, a page at a time.",
                    arguments: [InputValueDefinition("meter", .nonNull(.named("String")), description: "The meter id.")]
                        + rangeArguments, listSize: rangeSize,
                    resolve: resolving { (arguments) throws(QueryFailure) in
                        let meter = arguments["meter"]?.stringValue ?? ""
                        let page = try pages.meterDays(parameters(arguments), meter)
                        let items = page.readings.map { reading -> JSONValue in
                            [
                                "date": .string(reading.date.description), "value": .string(reading.value.description),
                                "flow": .string(reading.marks.flow.rawValue), "unit": "kWh",
                            ]
                        }
                        return .json(
                            ["meter": .string(meter), "items": .array(items), "nextToken": token(page.nextToken)])
                    }),
                FieldDefinition(
                    "dayMeters", .nonNull(.named("DayMeterConnection")),
                    description: "The meters with a reading that counts on a day, a page at a time.",
                    arguments: [
                        InputValueDefinition("date", .nonNull(.named("String")), description: "YYYY-MM-DD"),
                        InputValueDefinition(
                            "limit", .named("Int"), description: "Meters a page, 1 to 1000.", default: 100),
                        InputValueDefinition("nextToken", .named("String"), description: "From the previous page."),
                    ],
                    resolve: resolving { (arguments) throws(QueryFailure) in
                        var rest = arguments
                        let date = rest.removeValue(forKey: "date")?.stringValue ?? ""
                        let page = try pages.dayMeters(parameters(rest), date)
                        let items = page.meters.map { meter -> JSONValue in
                            [
                                "meter": .string(meter.meter), "value": .string(meter.counting.value.description),
                                "flow": .string(meter.counting.marks.flow.rawValue),
                                "estimated": .string(meter.counting.marks.notActual.description),
                                "missingIntervals": .integer(meter.counting.marks.missingIntervals), "unit": "kWh",
                            ]
                        }
                        return .json(
                            [
                                "date": .string(page.date.description), "items": .array(items),
                                "nextToken": token(page.nextToken),
                            ])
                    }),
                FieldDefinition(
                    "ingestions", .nonNull(.named("IngestionConnection")),
                    description: "The ledger: what became of each file version, newest first.",
                    arguments: [
                        InputValueDefinition("status", .named("IngestionStatus"), description: "Only this status."),
                        InputValueDefinition("limit", .named("Int"), description: "1 to 1000.", default: 100),
                        InputValueDefinition("nextToken", .named("String"), description: "From the previous page."),
                    ],
                    resolve: resolving { (arguments) throws(QueryFailure) in
                        let page = try pages.ingestions(parameters(arguments))
                        return .json(["items": .array(page.entries), "nextToken": token(page.nextToken)])
                    }),
                periodsField(pages),
            ])
        return Schema(
            description: "Daily Consumption: exact daily energy totals of a tenant's meter files.", query: query,
            objects: objects + periodObjects, enums: enums + periodEnums)
    }

    /// `listConsumptionDaily`'s: the range optional, and the tenant as the replaced system's clients send it.
    private static let listArguments =
        [
            InputValueDefinition(
                "tenant", .named("String"), description: "The caller's tenant, if named (another's is refused)."),
            InputValueDefinition(
                "from", .named("String"), description: "The first day, YYYY-MM-DD (the earliest if absent)."),
            InputValueDefinition(
                "to", .named("String"), description: "The last day, YYYY-MM-DD (the latest if absent)."),
        ] + rangeArguments.suffix(2)

    private static let rangeArguments = [
        InputValueDefinition("from", .nonNull(.named("String")), description: "The first day, YYYY-MM-DD."),
        InputValueDefinition("to", .nonNull(.named("String")), description: "The last day, YYYY-MM-DD."),
        InputValueDefinition("limit", .named("Int"), description: "Days a page, 1 to 1000.", default: 100),
        InputValueDefinition("nextToken", .named("String"), description: "From the previous page."),
    ]

    /// A range's page holds at most `limit` days, and no more than the days from `from` to `to`: what the cost
    /// analysis counts its items as. Dates the resolver will refuse leave it to `limit`.
    private static func rangeSize(_ arguments: [String: JSONValue]) -> Int? {
        guard let limit = arguments["limit"]?.intValue else { return nil }
        guard let from = arguments["from"]?.stringValue.flatMap(CalendarDate.init),
            let to = arguments["to"]?.stringValue.flatMap(CalendarDate.init), from <= to
        else { return limit }
        return min(limit, to.daysSinceEpoch - from.daysSinceEpoch + 1)
    }

    private static func required(_ name: String) -> TypeReference { .nonNull(.named(name)) }

    private static let objects = [
        ObjectType(
            name: "ConsumptionDay", description: "A day's totals, in kWh.",
            fields: [
                FieldDefinition("date", required("String"), description: "YYYY-MM-DD."),
                FieldDefinition("total", required("String"), description: "Consumption, exact."),
                FieldDefinition("meters", required("Int"), description: "Meters with consumption that day."),
                FieldDefinition("average", required("String"), description: "total / meters, six decimals."),
                FieldDefinition("exported", required("String"), description: "Energy exported, never netted."),
                FieldDefinition("net", required("String"), description: "total - exported, beside both."),
                FieldDefinition(
                    "estimated", required("String"), description: "The part of total resting on readings not actual."),
                FieldDefinition("completeMeters", required("Int"), description: "Meter-days with no gap."),
                FieldDefinition("unit", required("String"), description: "kWh."),
            ]),
        ObjectType(
            name: "ConsumptionDayConnection", description: "A page of days.",
            fields: [
                FieldDefinition("items", .nonNull(.list(required("ConsumptionDay")))),
                FieldDefinition("nextToken", .named("String"), description: "Null on the last page."),
            ]),
        ObjectType(
            name: "MeterDay", description: "One meter's value on one day, in kWh.",
            fields: [
                FieldDefinition("date", required("String")), FieldDefinition("value", required("String")),
                FieldDefinition("flow", required("Flow")), FieldDefinition("unit", required("String")),
            ]),
        ObjectType(
            name: "MeterConsumptionConnection", description: "A page of one meter's days.",
            fields: [
                FieldDefinition("meter", required("String")),
                FieldDefinition("items", .nonNull(.list(required("MeterDay")))),
                FieldDefinition("nextToken", .named("String"), description: "Null on the last page."),
            ]),
        ObjectType(
            name: "DayMeter", description: "One meter's value on the day, in kWh.",
            fields: [
                FieldDefinition("meter", required("String")), FieldDefinition("value", required("String")),
                FieldDefinition("flow", required("Flow")),
                FieldDefinition(
                    "estimated", required("String"), description: "The part of value resting on readings not actual."),
                FieldDefinition("missingIntervals", required("Int"), description: "Intervals the reading lacks."),
                FieldDefinition("unit", required("String")),
            ]),
        ObjectType(
            name: "DayMeterConnection", description: "A page of a day's meters.",
            fields: [
                FieldDefinition("date", required("String")),
                FieldDefinition("items", .nonNull(.list(required("DayMeter")))),
                FieldDefinition("nextToken", .named("String"), description: "Null on the last page."),
            ]),
        ObjectType(
            name: "Ingestion", description: "What became of one version of one file.",
            fields: [
                FieldDefinition("key", required("String")), FieldDefinition("tag", required("String")),
                FieldDefinition("versionId", .named("String")), FieldDefinition("status", required("IngestionStatus")),
                FieldDefinition("format", .named("String")), FieldDefinition("rows", .named("Int")),
                FieldDefinition("meterDays", .named("Int")), FieldDefinition("days", .named("Int")),
                FieldDefinition("errorSummary", .named("String")),
                FieldDefinition("reportKey", .named("String"), description: "The rejection report's key."),
                FieldDefinition("startedAt", .named("String")), FieldDefinition("finishedAt", .named("String")),
            ]),
        ObjectType(
            name: "IngestionConnection", description: "A page of the ledger.",
            fields: [
                FieldDefinition("items", .nonNull(.list(required("Ingestion")))),
                FieldDefinition("nextToken", .named("String"), description: "Null on the last page."),
            ]),
    ]

    private static let enums = [
        EnumType(
            name: "Flow", description: "Which way a meter-day's energy went.",
            values: [
                ("consumption", "Imported: counted in total."), ("export", "Exported: counted in exported."),
            ]),
        EnumType(
            name: "IngestionStatus", description: "A ledger entry's status.",
            values: LedgerStatus.allCases.map { ($0.rawValue, nil) }),
    ]

    private static func dayJSON(_ day: DayTotal) -> JSONValue {
        var fields = QueryHandler.dayJSON(day)
        fields["estimated"] = fields.removeValue(forKey: "notActual")
        return .object(fields)
    }

    static func token(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// GraphQL arguments as the REST API's query parameters, so both check them the same way: a list as its items
    /// joined by commas, as the HTTP API's payload joins a repeated parameter.
    static func parameters(_ arguments: [String: JSONValue]) -> QueryParameters {
        var values: [String: String] = [:]
        for (name, value) in arguments where value != .null {
            values[name] =
                value.arrayValue.map { $0.map { $0.stringValue ?? $0.serialized }.joined(separator: ",") }
                ?? value.stringValue ?? value.serialized
        }
        return QueryParameters(arguments: values)
    }
}
