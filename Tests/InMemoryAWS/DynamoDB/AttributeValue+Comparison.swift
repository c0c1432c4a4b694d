/// Equality and order as DynamoDB's expressions see them: values of different types are never equal, strings and
/// binaries compare byte by byte, numbers numerically, and sets equal when they hold the same members in any order.
extension AttributeValue: Equatable {
    public static func == (lhs: AttributeValue, rhs: AttributeValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let left), .string(let right)): return left.utf8.elementsEqual(right.utf8)
        case (.number(let left), .number(let right)): return left == right
        case (.binary(let left), .binary(let right)): return left == right
        case (.bool(let left), .bool(let right)): return left == right
        case (.null, .null): return true
        case (.stringSet(let left), .stringSet(let right)):
            return left.count == right.count && Set(left.map { Array($0.utf8) }) == Set(right.map { Array($0.utf8) })
        case (.numberSet(let left), .numberSet(let right)):
            return left.count == right.count && Set(left) == Set(right)
        case (.binarySet(let left), .binarySet(let right)):
            return left.count == right.count && Set(left) == Set(right)
        case (.list(let left), .list(let right)): return left == right
        case (.map(let left), .map(let right)): return left == right
        default: return false
        }
    }

    /// The order of two scalars of one type (S, N or B); nil when they cannot be ordered, which makes `<`, `<=`,
    /// `>`, `>=` and BETWEEN false rather than an error, as for an attribute of another type in an item.
    func ordering(against other: AttributeValue) -> Ordering? {
        switch (self, other) {
        case (.string(let left), .string(let right)): return Ordering(Array(left.utf8), Array(right.utf8))
        case (.number(let left), .number(let right)): return left < right ? .less : (left == right ? .equal : .greater)
        case (.binary(let left), .binary(let right)): return Ordering(left, right)
        default: return nil
        }
    }

    /// Whether the value is a scalar that can be ordered.
    var isOrderable: Bool {
        switch self {
        case .string, .number, .binary: return true
        default: return false
        }
    }

    /// `contains(path, operand)`: a substring of a string, a member of a set, an element of a list.
    func contains(_ operand: AttributeValue) -> Bool {
        switch (self, operand) {
        case (.string(let text), .string(let part)): return ByteSearch.contains(Array(text.utf8), Array(part.utf8))
        case (.binary(let bytes), .binary(let part)): return ByteSearch.contains(bytes, part)
        case (.stringSet(let members), .string(let member)):
            return members.contains { $0.utf8.elementsEqual(member.utf8) }
        case (.numberSet(let members), .number(let member)): return members.contains(member)
        case (.binarySet(let members), .binary(let member)): return members.contains(member)
        case (.list(let elements), _): return elements.contains(operand)
        default: return false
        }
    }

    /// `begins_with(path, operand)` for strings and binaries.
    func begins(with prefix: AttributeValue) -> Bool {
        switch (self, prefix) {
        case (.string(let text), .string(let start)): return text.utf8.starts(with: start.utf8)
        case (.binary(let bytes), .binary(let start)): return bytes.starts(with: start)
        default: return false
        }
    }

    /// `size(path)`: a string's length in UTF-8 bytes, a binary's bytes, a set's, list's or map's element count.
    var sizeFunctionValue: Int? {
        switch self {
        case .string(let text): return text.utf8.count
        case .binary(let bytes): return bytes.count
        case .stringSet(let members): return members.count
        case .numberSet(let members): return members.count
        case .binarySet(let members): return members.count
        case .list(let elements): return elements.count
        case .map(let members): return members.count
        case .number, .bool, .null: return nil
        }
    }
}

/// The outcome of comparing two ordered values.
enum Ordering {
    case less, equal, greater

    /// Byte-wise lexicographic order.
    init(_ left: [UInt8], _ right: [UInt8]) {
        if left == right {
            self = .equal
        } else {
            self = left.lexicographicallyPrecedes(right) ? .less : .greater
        }
    }
}

/// Substring search over bytes (the values are small; a plain scan is enough).
enum ByteSearch {
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
