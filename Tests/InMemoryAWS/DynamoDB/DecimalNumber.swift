/// A DynamoDB number held exactly: up to 38 significant decimal digits and a power of ten, never a Double (the
/// product's totals are exact sums, and a simulation that rounded would hide the bugs it is meant to find).
///
/// The value is `0.d₁d₂…dₙ × 10^exponent`; the digits carry no leading or trailing zero, so equal numbers have
/// equal fields (`1.50`, `15E-1` and `1.5` are one value) and the synthesized `Hashable` is numeric equality.
public struct DecimalNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Significant digits (0...9), most significant first; empty for zero.
    let digits: [UInt8]
    /// Decimal exponent of the point before the first digit; 0 for zero.
    let exponent: Int
    let isNegative: Bool

    /// DynamoDB keeps at most 38 significant digits.
    static let maxDigits = 38
    /// Magnitudes from 1E-130 up to (not including) 1E+126, in this representation's exponent.
    static let exponentRange = -129...126

    public static let zero = DecimalNumber(digits: [], exponent: 0, isNegative: false)

    private init(digits: [UInt8], exponent: Int, isNegative: Bool) {
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
        self.isNegative = digits.isEmpty ? false : isNegative
    }

    /// An integer (a size, a count): always within DynamoDB's precision and range.
    init(_ integer: Int) {
        let raw = String(integer.magnitude).utf8.map { $0 - UInt8(ascii: "0") }
        let significant = raw.lastIndex { $0 != 0 }.map { Array(raw[...$0]) } ?? []
        self.init(digits: significant, exponent: raw.count, isNegative: integer < 0)
    }

    /// Parses a number as DynamoDB accepts it (`-12.50`, `1e3`, `.5`); the error names what is wrong.
    public init(parsing text: String) throws(DynamoDBError) {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var mantissa: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                mantissa.append(byte - UInt8(ascii: "0"))
                if !seenPoint { integerDigits += 1 }
            } else {
                throw Self.invalid(text)
            }
        }
        guard !mantissa.isEmpty else { throw Self.invalid(text) }
        var power = 0
        if !bytes.isEmpty {
            let exponentText = String(decoding: bytes.dropFirst(), as: UTF8.self)
            guard exponentText.utf8.count <= 6, let value = Int(exponentText) else { throw Self.invalid(text) }
            power = value
        }
        try self.init(normalizing: mantissa, exponent: integerDigits + power, isNegative: negative)
    }

    /// Strips zeros from both ends and checks DynamoDB's precision and range.
    private init(normalizing raw: [UInt8], exponent: Int, isNegative: Bool) throws(DynamoDBError) {
        guard let first = raw.firstIndex(where: { $0 != 0 }), let last = raw.lastIndex(where: { $0 != 0 }) else {
            self = .zero
            return
        }
        let digits = Array(raw[first...last])
        let adjusted = exponent - first
        guard digits.count <= Self.maxDigits else {
            throw .validation("Attempting to store more than 38 significant digits in a Number")
        }
        guard adjusted <= Self.exponentRange.upperBound else {
            throw .validation(
                "Number overflow. Attempting to store a number with magnitude larger than supported range")
        }
        guard adjusted >= Self.exponentRange.lowerBound else {
            throw .validation(
                "Number underflow. Attempting to store a number with magnitude smaller than supported range")
        }
        self.init(digits: digits, exponent: adjusted, isNegative: isNegative)
    }

    private static func invalid(_ text: String) -> DynamoDBError {
        .validation("The parameter cannot be converted to a numeric value: \(text)")
    }

    /// Plain notation, as DynamoDB answers numbers (`1E3` comes back as `1000`, `1.50` as `1.5`).
    public var description: String {
        guard !digits.isEmpty else { return "0" }
        var text = isNegative ? "-" : ""
        let characters = digits.map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) }
        if exponent <= 0 {
            text += "0." + String(repeating: "0", count: -exponent) + String(characters)
        } else if exponent >= digits.count {
            text += String(characters) + String(repeating: "0", count: exponent - digits.count)
        } else {
            text += String(characters[..<exponent]) + "." + String(characters[exponent...])
        }
        return text
    }

    /// The bytes the developer guide counts for a number: about one per two significant digits, plus one.
    var storageSize: Int { (digits.count + 1) / 2 + 1 }

    public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let magnitudeOrder = compareMagnitudes(lhs, rhs)
        return lhs.isNegative ? magnitudeOrder > 0 : magnitudeOrder < 0
    }

    /// -1, 0 or 1 as |lhs| is below, equal to or above |rhs|.
    private static func compareMagnitudes(_ lhs: DecimalNumber, _ rhs: DecimalNumber) -> Int {
        if lhs.digits.isEmpty || rhs.digits.isEmpty {
            return lhs.digits.isEmpty ? (rhs.digits.isEmpty ? 0 : -1) : 1
        }
        if lhs.exponent != rhs.exponent { return lhs.exponent < rhs.exponent ? -1 : 1 }
        for (left, right) in zip(lhs.digits, rhs.digits) where left != right {
            return left < right ? -1 : 1
        }
        return lhs.digits.count == rhs.digits.count ? 0 : (lhs.digits.count < rhs.digits.count ? -1 : 1)
    }

    /// The exact sum; a result beyond 38 digits or DynamoDB's range is a ValidationException, as in AWS.
    public func adding(_ other: DecimalNumber) throws(DynamoDBError) -> DecimalNumber {
        if digits.isEmpty { return other }
        if other.digits.isEmpty { return self }
        // Both as integers of units 10^low, least significant digit first.
        let low = min(exponent - digits.count, other.exponent - other.digits.count)
        let high = max(exponent, other.exponent)
        let left = units(from: low, to: high)
        let right = other.units(from: low, to: high)
        var result: [UInt8]
        var negative = isNegative
        if isNegative == other.isNegative {
            result = Self.addUnits(left, right)
        } else if Self.compareMagnitudes(self, other) >= 0 {
            result = Self.subtractUnits(left, right)
        } else {
            result = Self.subtractUnits(right, left)
            negative = other.isNegative
        }
        let length = result.count
        result.reverse()
        return try DecimalNumber(normalizing: result, exponent: low + length, isNegative: negative)
    }

    public func subtracting(_ other: DecimalNumber) throws(DynamoDBError) -> DecimalNumber {
        try adding(other.negated)
    }

    var negated: DecimalNumber { DecimalNumber(digits: digits, exponent: exponent, isNegative: !isNegative) }

    /// Digits of units `10^low` up to `10^high` (exclusive), least significant first.
    private func units(from low: Int, to high: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: high - low)
        for (position, digit) in digits.enumerated() {
            output[exponent - 1 - position - low] = digit
        }
        return output
    }

    private static func addUnits(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(left.count + 1)
        var carry: UInt8 = 0
        for index in 0..<left.count {
            let sum = left[index] + right[index] + carry
            output.append(sum % 10)
            carry = sum / 10
        }
        if carry > 0 { output.append(carry) }
        return output
    }

    /// `larger - smaller`, both of the same length, `larger` not below `smaller`.
    private static func subtractUnits(_ larger: [UInt8], _ smaller: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(larger.count)
        var borrow: UInt8 = 0
        for index in 0..<larger.count {
            let taken = smaller[index] + borrow
            if larger[index] >= taken {
                output.append(larger[index] - taken)
                borrow = 0
            } else {
                output.append(larger[index] + 10 - taken)
                borrow = 1
            }
        }
        return output
    }
}
