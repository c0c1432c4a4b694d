/// ProjectionExpression: the parts of an item the paths name, nested as in the item (`a.b` gives `{a: {b: ...}}`,
/// `l[3]` gives `{l: [element]}`); paths the item lacks are left out.
enum ItemProjection {
    static func project(_ item: Item, _ paths: [[ResolvedStep]]) -> Item {
        var output: Item = [:]
        for steps in paths {
            guard case .member(let name)? = steps.first,
                let value = ExpressionEvaluator.value(at: steps, in: item)
            else { continue }
            output[name] = steps.count == 1 ? value : merge(value, at: steps.dropFirst(), into: output[name])
        }
        return output
    }

    private static func merge(
        _ value: AttributeValue, at steps: ArraySlice<ResolvedStep>, into container: AttributeValue?
    )
        -> AttributeValue
    {
        guard let step = steps.first else { return value }
        switch step {
        case .member(let name):
            var members: Item = [:]
            if case .map(let existing)? = container { members = existing }
            members[name] = merge(value, at: steps.dropFirst(), into: members[name])
            return .map(members)
        case .element:
            var elements: [AttributeValue] = []
            if case .list(let existing)? = container { elements = existing }
            elements.append(merge(value, at: steps.dropFirst(), into: nil))
            return .list(elements)
        }
    }
}
