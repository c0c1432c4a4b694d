import JSON

/// What running an operation would cost, worked out before anything runs. The document limits bound a
/// document, not its answer: a 16 KB introspection document nesting `fields` answered 6.4 MB, 1,997 aliases of
/// `total` in a page of 1,000 days 30 MB, and 999 aliases of `dayMeters` made 13,586 DynamoDB reads.
///
/// The fields are walked as the executor would run them (`FieldCollector`: fragments expanded, `@skip`/`@include`
/// and arguments evaluated with the request's variables), each alias a field of its own, and added up:
/// - a field weighs 1, a field with a resolver (one that reads data) `resolverWeight`;
/// - a list field counts its selection once per item it can hold: its `listSize`, else its `limit` or `first`
///   argument (its default when absent), else the page size its parent's arguments set (a connection's `items`
///   hold its `limit`), else for introspection as many as the schema has (its types, the most fields a type
///   has, ...), else `assumedListSize`.
/// The fields with a resolver are also counted apart: each reads the table, and how many may run is a limit of its
/// own.
struct CostAnalysis {
    /// A field that reads data takes milliseconds where a field answered from memory takes microseconds; the cap on
    /// the number of such fields is what bounds the reads, this makes them show in the cost.
    static let resolverWeight = 100
    /// The items a list is taken to hold when nothing says how many.
    static let assumedListSize = 100

    let schema: Schema
    let collector: FieldCollector

    /// The weight of an answer and, within it, how many resolvers would run; both saturate rather than overflow.
    struct Cost: Equatable {
        var weight = 0
        var resolvers = 0

        static func + (lhs: Cost, rhs: Cost) -> Cost {
            Cost(
                weight: saturated(lhs.weight.addingReportingOverflow(rhs.weight)),
                resolvers: saturated(lhs.resolvers.addingReportingOverflow(rhs.resolvers)))
        }

        static func * (cost: Cost, times: Int) -> Cost {
            Cost(
                weight: saturated(cost.weight.multipliedReportingOverflow(by: times)),
                resolvers: saturated(cost.resolvers.multipliedReportingOverflow(by: times)))
        }

        private static func saturated(_ result: (partialValue: Int, overflow: Bool)) -> Int {
            result.overflow ? Int.max : result.partialValue
        }
    }

    func cost(of operation: Operation) -> Cost {
        cost(of: operation.selections, on: schema.queryType, pageSize: nil)
    }

    /// One execution of `selections` on an object of `type`; `pageSize` is what the parent field's arguments say
    /// its lists hold.
    private func cost(of selections: [Selection], on type: ObjectType, pageSize: Int?) -> Cost {
        var total = Cost()
        for (_, fields) in collector.collect(selections, of: type) {
            guard let field = fields.first, let definition = schema.field(field.name, on: type) else { continue }
            let arguments = collector.arguments(field, definition.arguments)
            let ownSize = definition.listSize?(arguments) ?? (arguments["limit"] ?? arguments["first"])?.intValue
            var cost = definition.resolve == nil ? Cost(weight: 1) : Cost(weight: Self.resolverWeight, resolvers: 1)
            let levels = definition.type.listLevels
            let item = schema.object(definition.type.namedType).map {
                self.cost(of: fields.flatMap(\.selections), on: $0, pageSize: levels == 0 ? ownSize : nil)
            }
            if levels > 0 {
                let size =
                    ownSize ?? pageSize ?? Introspection.listSize(of: field.name, on: type.name, in: schema)
                    ?? Self.assumedListSize
                cost = cost + (item ?? Cost(weight: 1)) * Self.power(max(0, size), levels)
            } else if let item {
                cost = cost + item
            }
            total = total + cost
        }
        return total
    }

    /// `base` to the `exponent`, saturating: the items of a list of lists.
    private static func power(_ base: Int, _ exponent: Int) -> Int {
        var result = 1
        for _ in 0..<exponent {
            let (product, overflow) = result.multipliedReportingOverflow(by: base)
            if overflow { return Int.max }
            result = product
        }
        return result
    }
}

extension TypeReference {
    /// How many lists the type nests: 0 for `Int!`, 1 for `[Int]!`, 2 for `[[Int]]`.
    var listLevels: Int {
        switch self {
        case .named: return 0
        case .nonNull(let inner): return inner.listLevels
        case .list(let inner): return 1 + inner.listLevels
        }
    }
}
