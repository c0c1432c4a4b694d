/// Parsing of one decimal field of a meter file into micro-kWh.
///
/// Accepted: an optional leading `-`, one or more digits, then optionally `.` and one or more digits.
/// Rejected: `+`, exponents, hex, `NaN`, `Inf`, thousands separators, empty text. Fraction digits beyond the
/// sixth are accepted only when they are zeros, so nothing is ever rounded.
enum DecimalField {
    enum Parsed: Equatable {
        case value(Int64)
        case invalid
        case tooManyDecimals
        case tooLarge
    }

    /// Whole digits allowed after leading zeros: 10^12 kWh is far above any real reading and keeps every parsed
    /// value within 10^18 units, so the Int64 arithmetic below cannot overflow.
    static let maxWholeDigits = 12

    private static let scale: (Int64, Int64, Int64, Int64, Int64, Int64, Int64) =
        (1_000_000, 100_000, 10_000, 1_000, 100, 10, 1)

    /// Parses exactly the bytes `start..<end`.
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Parsed {
        let (parsed, stop) = parsePrefix(bytes, from: start, to: end)
        return stop == end ? parsed : .invalid
    }

    /// Parses the decimal that starts at `start` and returns where it stopped; the caller checks that the field
    /// ends there. One pass, no allocation: this is the innermost loop of every wide file.
    @inline(__always)
    static func parsePrefix(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (Parsed, stop: Int) {
        var index = start
        var negative = false
        if index < end && bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let wholeStart = index
        var whole: Int64 = 0
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            if digit > 9 { break }
            whole = whole &* 10 &+ Int64(digit)
            index += 1
        }
        let wholeDigits = index - wholeStart
        guard wholeDigits > 0 else { return (.invalid, index) }
        var tooLarge = false
        if wholeDigits > maxWholeDigits {
            tooLarge = significantDigits(bytes, from: wholeStart, to: index) > maxWholeDigits
        }
        var fraction: Int64 = 0
        var fractionDigits = 0
        var tooManyDecimals = false
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < end {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                if fractionDigits < ExactDecimal.fractionDigits {
                    fraction = fraction &* 10 &+ Int64(digit)
                    fractionDigits += 1
                } else if digit != 0 {
                    tooManyDecimals = true
                }
                index += 1
            }
            guard index > fractionStart else { return (.invalid, index) }
        }
        if tooLarge { return (.tooLarge, index) }
        if tooManyDecimals { return (.tooManyDecimals, index) }
        let units = whole &* 1_000_000 &+ fraction &* scaleFactor(fractionDigits)
        return (.value(negative ? -units : units), index)
    }

    /// The common case of a wide file, inlined into its loop: a non-negative `digits[.digits]` (at most 12 whole
    /// and 6 fraction digits) ending at `terminator` or at `end`. Nil sends the caller to the full parser.
    @inline(__always)
    static func plainValue(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, terminator: UInt8)
        -> (units: Int64, next: Int)?
    {
        var index = start
        var whole: Int64 = 0
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            if digit > 9 { break }
            whole = whole &* 10 &+ Int64(digit)
            index &+= 1
        }
        let wholeDigits = index &- start
        guard wholeDigits > 0, wholeDigits <= maxWholeDigits else { return nil }
        var units = whole &* 1_000_000
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index &+= 1
            // Three decimals (watt-hours) is what most meters write: read them without a loop.
            if index &+ 3 < end {
                let first = bytes[index] &- UInt8(ascii: "0")
                let second = bytes[index &+ 1] &- UInt8(ascii: "0")
                let third = bytes[index &+ 2] &- UInt8(ascii: "0")
                let after = bytes[index &+ 3]
                if first <= 9, second <= 9, third <= 9, after == terminator {
                    units &+= (Int64(first) &* 100 &+ Int64(second) &* 10 &+ Int64(third)) &* 1_000
                    return (units, index &+ 4)
                }
            }
            let fractionStart = index
            var fraction: Int64 = 0
            while index < end {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                fraction = fraction &* 10 &+ Int64(digit)
                index &+= 1
            }
            let fractionDigits = index &- fractionStart
            guard fractionDigits > 0, fractionDigits <= ExactDecimal.fractionDigits else { return nil }
            units &+= fraction &* scaleFactor(fractionDigits)
        }
        guard index == end || bytes[index] == terminator else { return nil }
        return (units, index &+ 1)
    }

    @inline(__always)
    private static func scaleFactor(_ fractionDigits: Int) -> Int64 {
        switch fractionDigits {
        case 0: return scale.0
        case 1: return scale.1
        case 2: return scale.2
        case 3: return scale.3
        case 4: return scale.4
        case 5: return scale.5
        default: return scale.6
        }
    }

    private static func significantDigits(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end && bytes[index] == UInt8(ascii: "0") { index += 1 }
        return end - index
    }
}
