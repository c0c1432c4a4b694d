import Hashing
import JSON

/// One DynamoDB attribute value, decoded once from the wire form (`{"S": "x"}`, `{"N": "1.5"}`, ...). Strings are
/// compared by their UTF-8 bytes, as DynamoDB does, never by Swift's canonical equivalence.
public indirect enum AttributeValue: Sendable {
    case string(String)
    case number(DecimalNumber)
    case binary([UInt8])
    case bool(Bool)
    case null
    case stringSet([String])
    case numberSet([DecimalNumber])
    case binarySet([[UInt8]])
    case list([AttributeValue])
    case map([String: AttributeValue])

    /// The type's code in the wire form and in `attribute_type`.
    public var typeCode: String {
        switch self {
        case .string: return "S"
        case .number: return "N"
        case .binary: return "B"
        case .bool: return "BOOL"
        case .null: return "NULL"
        case .stringSet: return "SS"
        case .numberSet: return "NS"
        case .binarySet: return "BS"
        case .list: return "L"
        case .map: return "M"
        }
    }

    static let typeCodes: Set<String> = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"]

    /// Decodes and validates a wire value: exactly one type, sets non-empty and without duplicates, numbers exact.
    public init(json: JSONValue) throws(DynamoDBError) {
        guard case .object(let members) = json, let (type, value) = members.first else {
            throw .validation(
                "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
        }
        guard members.count == 1 else {
            throw .validation(
                "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
            )
        }
        switch (type, value) {
        case ("S", .string(let text)): self = .string(text)
        case ("N", .string(let text)): self = .number(try DecimalNumber(parsing: text))
        case ("B", .string(let text)): self = .binary(try Self.binary(text))
        case ("BOOL", .bool(let flag)): self = .bool(flag)
        case ("NULL", .bool(true)): self = .null
        case ("NULL", _):
            throw .validation(
                "One or more parameter values were invalid: Null attribute value types must have the value of true")
        case ("SS", .array(let elements)):
            let texts = try Self.setElements(elements, type) { value throws(DynamoDBError) in
                guard let text = value.stringValue else { throw Self.mistyped(type) }
                return text
            }
            try Self.requireDistinct(texts.map { Array($0.utf8) }, type)
            self = .stringSet(texts)
        case ("NS", .array(let elements)):
            let numbers = try Self.setElements(elements, type) { value throws(DynamoDBError) in
                guard let text = value.stringValue else { throw Self.mistyped(type) }
                return try DecimalNumber(parsing: text)
            }
            try Self.requireDistinct(numbers, type)
            self = .numberSet(numbers)
        case ("BS", .array(let elements)):
            let blobs = try Self.setElements(elements, type) { value throws(DynamoDBError) in
                guard let text = value.stringValue else { throw Self.mistyped(type) }
                return try Self.binary(text)
            }
            try Self.requireDistinct(blobs, type)
            self = .binarySet(blobs)
        case ("L", .array(let elements)):
            var values: [AttributeValue] = []
            for element in elements { values.append(try AttributeValue(json: element)) }
            self = .list(values)
        case ("M", .object(let entries)):
            self = .map(try Self.item(entries))
        default:
            throw Self.mistyped(type)
        }
    }

    /// An item (or a map's members) from wire form.
    static func item(_ members: [String: JSONValue]) throws(DynamoDBError) -> Item {
        var item = Item(minimumCapacity: members.count)
        for (name, value) in members { item[name] = try AttributeValue(json: value) }
        return item
    }

    private static func mistyped(_ type: String) -> DynamoDBError {
        typeCodes.contains(type)
            ? .validation("Supplied AttributeValue has an invalid value for data type \(type)")
            : .validation("Supplied AttributeValue has an unknown data type: \(type)")
    }

    private static func binary(_ text: String) throws(DynamoDBError) -> [UInt8] {
        guard let bytes = Base64.decode(text) else { throw .validation("Invalid Base64 value for a Binary attribute") }
        return bytes
    }

    private static func setElements<T>(
        _ elements: [JSONValue], _ type: String, _ decode: (JSONValue) throws(DynamoDBError) -> T
    ) throws(DynamoDBError) -> [T] {
        guard !elements.isEmpty else {
            throw .validation("One or more parameter values were invalid: An \(type) set may not be empty")
        }
        var values: [T] = []
        for element in elements { values.append(try decode(element)) }
        return values
    }

    private static func requireDistinct<T: Hashable>(_ values: [T], _ type: String) throws(DynamoDBError) {
        guard Set(values).count == values.count else {
            throw .validation(
                "One or more parameter values were invalid: Input collection of \(type) contains duplicates")
        }
    }

    /// The wire form.
    public var json: JSONValue {
        switch self {
        case .string(let text): return ["S": .string(text)]
        case .number(let number): return ["N": .string(number.description)]
        case .binary(let bytes): return ["B": .string(Base64.encode(bytes))]
        case .bool(let flag): return ["BOOL": .bool(flag)]
        case .null: return ["NULL": true]
        case .stringSet(let texts): return ["SS": .array(texts.map { .string($0) })]
        case .numberSet(let numbers): return ["NS": .array(numbers.map { .string($0.description) })]
        case .binarySet(let blobs): return ["BS": .array(blobs.map { .string(Base64.encode($0)) })]
        case .list(let values): return ["L": .array(values.map(\.json))]
        case .map(let members): return ["M": Self.json(members)]
        }
    }

    /// An item (or map) in wire form.
    public static func json(_ item: Item) -> JSONValue {
        .object(item.mapValues(\.json))
    }

    /// Bytes as the developer guide counts them (the name is counted by the container).
    var size: Int {
        switch self {
        case .string(let text): return text.utf8.count
        case .number(let number): return number.storageSize
        case .binary(let bytes): return bytes.count
        case .bool, .null: return 1
        case .stringSet(let texts): return texts.reduce(0) { $0 + $1.utf8.count }
        case .numberSet(let numbers): return numbers.reduce(0) { $0 + $1.storageSize }
        case .binarySet(let blobs): return blobs.reduce(0) { $0 + $1.count }
        // A list or map costs 3 bytes, plus a byte per element besides the elements themselves.
        case .list(let values): return 3 + values.reduce(0) { $0 + $1.size + 1 }
        case .map(let members): return 3 + Self.size(of: members) + members.count
        }
    }

    /// An item's size: each attribute's name in UTF-8 plus its value.
    static func size(of item: Item) -> Int {
        item.reduce(0) { $0 + $1.key.utf8.count + $1.value.size }
    }
}

/// An item: attribute names to values.
public typealias Item = [String: AttributeValue]
