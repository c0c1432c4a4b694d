/// An exact amount of energy in kWh, held as a whole number of micro-kWh (10^-6 kWh).
///
/// Why Int128: a single reading is at most 10^12 kWh (10^18 units, checked when parsed), so no sum of fewer than
/// 10^20 readings can reach Int128's ±1.7 × 10^38 units — totals never overflow and never round.
/// Six fraction digits cover every meter format we know of (NEM12 uses at most three).
public struct ExactDecimal: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Digits kept after the decimal point.
    public static let fractionDigits = 6
    /// Units in one kWh.
    public static let unitsPerWhole: Int128 = 1_000_000

    /// The amount in micro-kWh.
    public var units: Int128

    public init(units: Int128) {
        self.units = units
    }

    public static let zero = ExactDecimal(units: 0)

    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        ExactDecimal(units: lhs.units + rhs.units)
    }

    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) {
        lhs.units += rhs.units
    }

    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        ExactDecimal(units: lhs.units - rhs.units)
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        lhs.units < rhs.units
    }

    /// The amount divided by `count`, rounded half away from zero to the six digits kept (used for averages).
    public func divided(by count: Int) -> ExactDecimal {
        guard count > 0 else { return .zero }
        let divisor = Int128(count)
        let (quotient, remainder) = units.quotientAndRemainder(dividingBy: divisor)
        let roundsAway = remainder.magnitude * 2 >= divisor.magnitude
        guard roundsAway, remainder != 0 else { return ExactDecimal(units: quotient) }
        return ExactDecimal(units: quotient + (units < 0 ? -1 : 1))
    }

    /// The amount `factor` times over, exactly (an interval's energy as a rate: kWh in 30 minutes times 2 is kW).
    public func multiplied(by factor: Int) -> ExactDecimal {
        ExactDecimal(units: units * Int128(factor))
    }

    /// Plain decimal text: no exponent, no trailing fraction zeros (`1234.5`, `-0.25`, `0`).
    public var description: String {
        let magnitude = units.magnitude
        let whole = magnitude / UInt128(Self.unitsPerWhole)
        var fraction = magnitude % UInt128(Self.unitsPerWhole)
        let sign = units < 0 ? "-" : ""
        guard fraction != 0 else { return sign + String(whole) }
        var digits = Self.fractionDigits
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        let padding = String(repeating: "0", count: digits - fractionText.count)
        return sign + String(whole) + "." + padding + fractionText
    }
}

extension ExactDecimal {
    /// Parses the same plain decimal syntax as meter files (`-?digits[.digits]`); nil for anything else.
    public init?(_ text: String) {
        var bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeMutableBufferPointer { buffer in
            DecimalField.parse(UnsafeBufferPointer(buffer), from: 0, to: buffer.count)
        }
        guard case .value(let units) = parsed else { return nil }
        self.init(units: Int128(units))
    }
}
