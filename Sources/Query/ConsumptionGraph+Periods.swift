import GraphQL
import JSON

/// `consumptionPeriods`: the REST API's `by=` and `periods=` over GraphQL, for the tenant or one meter, with the
/// same checks, sums and tokens.
extension ConsumptionGraph {
    static func periodsField(_ pages: Pages) -> FieldDefinition {
        FieldDefinition(
            "consumptionPeriods", .nonNull(.named("ConsumptionPeriodConnection")),
            description:
                "Exact totals by ISO week, calendar month or year over `from` to `to` (each period clipped to the "
                + "range, those without data left out), or of billing periods given one by one; the tenant's, or "
                + "one meter's.",
            arguments: [
                InputValueDefinition("by", .named("PeriodLength"), description: "Calendar periods of this length."),
                InputValueDefinition(
                    "periods", .list(.nonNull(.named("String"))),
                    description: "Billing periods, FIRST..LAST each (1 to 36), instead of `by`, the range and paging."),
                InputValueDefinition("from", .named("String"), description: "With `by`: the first day, YYYY-MM-DD."),
                InputValueDefinition("to", .named("String"), description: "With `by`: the last day, YYYY-MM-DD."),
                InputValueDefinition("meter", .named("String"), description: "One meter's periods instead."),
                InputValueDefinition("limit", .named("Int"), description: "With `by`: periods a page, 1 to 1000."),
                InputValueDefinition("nextToken", .named("String"), description: "From the previous page."),
            ], listSize: periodsSize,
            resolve: resolving(pages) { (arguments) throws(QueryFailure) in
                var rest = arguments
                let meter = rest.removeValue(forKey: "meter")?.stringValue
                let page = try pages.periods(parameters(rest), meter)
                return .json(
                    [
                        "by": .string(page.by.name), "meter": meter.map(JSONValue.string) ?? .null,
                        "items": .array(page.periods.map(QueryHandler.periodJSON)), "nextToken": token(page.nextToken),
                    ])
            })
    }

    /// A page holds the periods given, or at most `limit` calendar periods (the REST API's default when absent).
    private static func periodsSize(_ arguments: [String: JSONValue]) -> Int? {
        if let given = arguments["periods"]?.arrayValue { return given.count }
        return arguments["limit"]?.intValue ?? QueryParameters.defaultLimit
    }

    static let periodObjects = [
        ObjectType(
            name: "ConsumptionPeriod", description: "A period's totals, in kWh: its days added up exactly.",
            fields: [
                FieldDefinition(
                    "period", .nonNull(.named("String")), description: "2024-W05, 2024-05, 2024, or as given."),
                FieldDefinition("from", .nonNull(.named("String")), description: "Its first day within the range."),
                FieldDefinition("to", .nonNull(.named("String")), description: "Its last day within the range."),
                FieldDefinition("days", .nonNull(.named("Int")), description: "Days with data."),
                FieldDefinition("total", .nonNull(.named("String")), description: "Consumption, exact."),
                FieldDefinition("exported", .nonNull(.named("String")), description: "Energy exported, never netted."),
                FieldDefinition("net", .nonNull(.named("String")), description: "total - exported, beside both."),
                FieldDefinition(
                    "notActual", .nonNull(.named("String")),
                    description: "The part of total resting on readings not actual."),
                FieldDefinition("meterDays", .nonNull(.named("Int")), description: "Meters counted day by day."),
                FieldDefinition("completeMeterDays", .nonNull(.named("Int")), description: "Of them, with no gap."),
                FieldDefinition("unit", .nonNull(.named("String")), description: "kWh."),
                FieldDefinition(
                    "peak", .named("PeakDemand"),
                    description: "A meter's largest interval in the period; null for a tenant's periods."),
            ]),
        ObjectType(
            name: "PeakDemand", description: "An interval's energy as a rate, and when it started.",
            fields: [
                FieldDefinition("kW", .nonNull(.named("String")), description: "kWh over the interval's hours."),
                FieldDefinition("start", .nonNull(.named("String")), description: "In the tenant's zone (RFC 3339)."),
                FieldDefinition("startUTC", .named("String"), description: "In UTC; null without a zone."),
            ]),
        ObjectType(
            name: "ConsumptionPeriodConnection", description: "A page of periods.",
            fields: [
                FieldDefinition("by", .nonNull(.named("String")), description: "week, month, year or periods."),
                FieldDefinition("meter", .named("String"), description: "The meter, when one was asked for."),
                FieldDefinition("items", .nonNull(.list(.nonNull(.named("ConsumptionPeriod"))))),
                FieldDefinition("nextToken", .named("String"), description: "Null on the last page."),
            ]),
    ]

    static let periodEnums = [
        EnumType(
            name: "PeriodLength", description: "Calendar periods.",
            values: [
                ("week", "ISO weeks, Monday to Sunday."), ("month", "Calendar months."), ("year", "Calendar years."),
            ])
    ]
}
