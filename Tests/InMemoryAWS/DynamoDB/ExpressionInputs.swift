/// A request's `ExpressionAttributeNames` and `ExpressionAttributeValues`, checked against the expressions that use
/// them as AWS checks: an empty map, an unused entry or an undefined placeholder is a ValidationException.
struct ExpressionInputs {
    let names: [String: String]
    let values: [String: AttributeValue]
    private let namesGiven: Bool
    private let valuesGiven: Bool
    private var usedNames: Set<String> = []
    private var usedValues: Set<String> = []
    private var expressionCount = 0

    init(_ fields: RequestFields) throws(DynamoDBError) {
        var names: [String: String] = [:]
        if let members = try fields.object("ExpressionAttributeNames") {
            guard !members.isEmpty else { throw .validation("ExpressionAttributeNames must not be empty") }
            for (placeholder, value) in members {
                guard let name = value.stringValue else {
                    throw .validation("ExpressionAttributeNames contains invalid value for key \(placeholder)")
                }
                names[placeholder] = name
            }
        }
        var values: [String: AttributeValue] = [:]
        if let members = try fields.object("ExpressionAttributeValues") {
            guard !members.isEmpty else { throw .validation("ExpressionAttributeValues must not be empty") }
            for (placeholder, value) in members { values[placeholder] = try AttributeValue(json: value) }
        }
        self.names = names
        self.values = values
        namesGiven = fields.has("ExpressionAttributeNames")
        valuesGiven = fields.has("ExpressionAttributeValues")
    }

    /// Records that an expression of the request uses these placeholders.
    mutating func use<Tree>(_ parsed: Parsed<Tree>?) {
        guard let parsed else { return }
        expressionCount += 1
        usedNames.formUnion(parsed.names)
        usedValues.formUnion(parsed.values)
    }

    /// After every expression of the request was `use`d.
    func check() throws(DynamoDBError) {
        if expressionCount == 0 && (namesGiven || valuesGiven) {
            throw .validation(
                "ExpressionAttribute\(namesGiven ? "Names" : "Values") can only be specified when using expressions")
        }
        if let undefined = usedNames.subtracting(names.keys).sorted().first {
            throw .validation(
                "An expression attribute name used in the document path is not defined; attribute name: \(undefined)")
        }
        if let undefined = usedValues.subtracting(values.keys).sorted().first {
            throw .validation(
                "An expression attribute value used in expression is not defined; attribute value: \(undefined)")
        }
        let unusedNames = Set(names.keys).subtracting(usedNames)
        if !unusedNames.isEmpty {
            throw .validation(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {\(unusedNames.sorted().joined(separator: ", "))}"
            )
        }
        let unusedValues = Set(values.keys).subtracting(usedValues)
        if !unusedValues.isEmpty {
            throw .validation(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {\(unusedValues.sorted().joined(separator: ", "))}"
            )
        }
    }

    func evaluator(kind: String) -> ExpressionEvaluator {
        ExpressionEvaluator(names: names, values: values, kind: kind)
    }
}
