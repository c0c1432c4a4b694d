import JSON

/// Input coercion (section 3.5 and 3.9): literals and variable values into the JSON values resolvers get, with the
/// scalar rules of the built-in types (Int is 32-bit; an Int is accepted where a Float is asked for; a single value
/// where a list is).
enum Coercion {
    static func literalProblem(_ value: Value, named name: String, schema: Schema) -> String? {
        switch (name, value) {
        case ("String", .string), ("ID", .string), ("ID", .int), ("Boolean", .boolean), ("Float", .float),
            ("Float", .int):
            return nil
        case ("Int", .int(let text)):
            return Int32(text) == nil ? "Int cannot represent non 32-bit signed integer value: \(text.prefix(40))" : nil
        default:
            break
        }
        if case .enumeration(let type)? = schema.types[name] {
            if case .enumValue(let text) = value, type.values.contains(where: { $0.name == text }) { return nil }
            return "Value \(describe(value)) does not exist in \"\(name)\" enum."
        }
        return "\(name) cannot represent a value: \(describe(value))"
    }

    /// A literal's value, variables substituted (a missing variable is absent: nil).
    static func value(of literal: Value, variables: [String: JSONValue]) -> JSONValue? {
        switch literal {
        case .variable(let name): return variables[name]
        case .int(let text): return Int(text).map(JSONValue.integer) ?? .null
        case .float(let text): return JSONValue.number(text)
        case .string(let text), .enumValue(let text): return .string(text)
        case .boolean(let flag): return .bool(flag)
        case .null: return .null
        case .list(let items): return .array(items.map { value(of: $0, variables: variables) ?? .null })
        case .object(let fields):
            var object: [String: JSONValue] = [:]
            for field in fields { object[field.name] = value(of: field.value, variables: variables) }
            return .object(object)
        }
    }

    /// A variable's value from the request, coerced to its declared type; nil with a reason when it cannot be.
    static func variable(_ value: JSONValue, _ type: TypeReference, schema: Schema) -> Result<
        JSONValue, CoercionFailure
    > {
        switch type {
        case .nonNull(let inner):
            if value == .null {
                return .failure(CoercionFailure("Expected non-nullable type \"\(type)\" not to be null."))
            }
            return variable(value, inner, schema: schema)
        case .list(let inner):
            if value == .null { return .success(.null) }
            guard case .array(let items) = value else {
                return variable(value, inner, schema: schema).map { .array([$0]) }
            }
            var coerced: [JSONValue] = []
            for item in items {
                switch variable(item, inner, schema: schema) {
                case .success(let value): coerced.append(value)
                case .failure(let reason): return .failure(reason)
                }
            }
            return .success(.array(coerced))
        case .named(let name):
            if value == .null { return .success(.null) }
            switch (name, value) {
            case ("String", .string), ("Boolean", .bool), ("ID", .string):
                return .success(value)
            case ("Int", .number), ("ID", .number):
                guard let number = value.intValue, Int32(exactly: number) != nil else {
                    return .failure(
                        CoercionFailure(
                            "Int cannot represent non-integer or out-of-range value: \(value.serialized.prefix(40))"))
                }
                return .success(name == "ID" ? .string(String(number)) : .integer(number))
            case ("Float", .number):
                return .success(value)
            default:
                break
            }
            if case .enumeration(let type)? = schema.types[name], case .string(let text) = value,
                type.values.contains(where: { $0.name == text })
            {
                return .success(value)
            }
            return .failure(CoercionFailure("\(name) cannot represent value: \(value.serialized.prefix(60))"))
        }
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .variable(let name): return "$\(name)"
        case .int(let text), .float(let text), .enumValue(let text): return String(text.prefix(40))
        case .string(let text): return "\"\(text.prefix(40))\""
        case .boolean(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .list: return "a list"
        case .object: return "an object"
        }
    }
}

struct CoercionFailure: Error {
    let reason: String

    init(_ reason: String) { self.reason = reason }
}
