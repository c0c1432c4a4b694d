/// A key attribute's value (S, N or B) in the form the storage orders and hashes: strings as their UTF-8 bytes, so
/// that order and identity are DynamoDB's byte order, not Swift's Unicode collation.
enum KeyValue: Hashable, Comparable {
    case string([UInt8])
    case number(DecimalNumber)
    case binary([UInt8])

    init?(_ value: AttributeValue) {
        switch value {
        case .string(let text): self = .string(Array(text.utf8))
        case .number(let number): self = .number(number)
        case .binary(let bytes): self = .binary(bytes)
        default: return nil
        }
    }

    var attributeValue: AttributeValue {
        switch self {
        case .string(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
        case .number(let number): return .number(number)
        case .binary(let bytes): return .binary(bytes)
        }
    }

    var type: KeyType {
        switch self {
        case .string: return .string
        case .number: return .number
        case .binary: return .binary
        }
    }

    /// One table's key attribute has one type, so values of different types only meet here by mistake; they are
    /// ordered by type to keep the order total.
    static func < (lhs: KeyValue, rhs: KeyValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let left), .string(let right)), (.binary(let left), .binary(let right)):
            return left.lexicographicallyPrecedes(right)
        case (.number(let left), .number(let right)): return left < right
        default: return lhs.type.rawValue < rhs.type.rawValue
        }
    }

    /// Whether the value starts with `prefix` (strings and binaries; `begins_with` on a sort key).
    func starts(with prefix: KeyValue) -> Bool {
        switch (self, prefix) {
        case (.string(let bytes), .string(let start)), (.binary(let bytes), .binary(let start)):
            return bytes.starts(with: start)
        default: return false
        }
    }

    /// A stable 64-bit FNV-1a hash (Swift's `Hasher` is seeded per process, and the simulation must replay): places
    /// partitions in scan order and segments, and items in stream shards.
    var stableHash: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        switch self {
        case .string(let bytes):
            mix(1)
            bytes.forEach(mix)
        case .number(let number):
            mix(2)
            number.description.utf8.forEach(mix)
        case .binary(let bytes):
            mix(3)
            bytes.forEach(mix)
        }
        return hash
    }
}

/// A table item's primary key: the partition key and, for a composite key, the sort key.
struct PrimaryKey: Hashable, Comparable {
    let partition: KeyValue
    let sort: KeyValue?

    static func < (lhs: PrimaryKey, rhs: PrimaryKey) -> Bool {
        if lhs.partition != rhs.partition { return lhs.partition < rhs.partition }
        switch (lhs.sort, rhs.sort) {
        case (let left?, let right?): return left < right
        case (nil, .some): return true
        default: return false
        }
    }
}
