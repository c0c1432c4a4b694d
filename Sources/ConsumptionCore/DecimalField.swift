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

    /// Parses exactly the bytes `start..<end`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Parsed {
        let (parsed, stop) = parsePrefix(bytes, from: start, to: end)
        return stop == end ? parsed : .invalid
    }

    /// Parses the decimal that starts at `start`, says why it is not a valid value if it is not, and returns where
    /// it stopped; the caller checks that the field ends there.
    static func parsePrefix(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (Parsed, stop: Int) {
        guard let base = bytes.baseAddress else { return (.invalid, start) }
        let negative = start < end && base[start] == UInt8(ascii: "-")
        let wholeStart = negative ? start + 1 : start
        let (whole, wholeEnd) = digitRun(base, from: wholeStart, to: end)
        guard wholeEnd > wholeStart else { return (.invalid, wholeEnd) }
        var stop = wholeEnd
        var units = whole &* 1_000_000
        var tooManyDecimals = false
        if stop < end && base[stop] == UInt8(ascii: ".") {
            let fractionStart = stop + 1
            let (_, fractionEnd) = digitRun(base, from: fractionStart, to: end)
            guard fractionEnd > fractionStart else { return (.invalid, fractionEnd) }
            let kept = min(fractionEnd - fractionStart, ExactDecimal.fractionDigits)
            units &+= digitRun(base, from: fractionStart, to: fractionStart + kept).value &* scaleFactor(kept)
            tooManyDecimals = (fractionStart + kept..<fractionEnd).contains { base[$0] != UInt8(ascii: "0") }
            stop = fractionEnd
        }
        let significant = (wholeStart..<wholeEnd).drop { base[$0] == UInt8(ascii: "0") }.count
        if significant > maxWholeDigits { return (.tooLarge, stop) }
        if tooManyDecimals { return (.tooManyDecimals, stop) }
        return (.value(negative ? -units : units), stop)
    }

    /// The common case of a wide file, inlined into its loop: a non-negative `digits[.digits]` (at most 12 whole
    /// and 6 fraction digits) ending at `terminator` or at `end`. Nil sends the caller to `parse`.
    @inline(__always)
    static func plainValue(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, terminator: UInt8)
        -> (units: Int64, next: Int)?
    {
        let (whole, wholeEnd) = digitRun(bytes, from: start, to: end)
        let wholeDigits = wholeEnd &- start
        guard wholeDigits > 0, wholeDigits <= maxWholeDigits else { return nil }
        var units = whole &* 1_000_000
        var index = wholeEnd
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index &+= 1
            // Three decimals (watt-hours) is what most meters write: read them without a loop.
            if index &+ 3 < end {
                let first = bytes[index] &- UInt8(ascii: "0")
                let second = bytes[index &+ 1] &- UInt8(ascii: "0")
                let third = bytes[index &+ 2] &- UInt8(ascii: "0")
                if first <= 9, second <= 9, third <= 9, bytes[index &+ 3] == terminator {
                    units &+= (Int64(first) &* 100 &+ Int64(second) &* 10 &+ Int64(third)) &* 1_000
                    return (units, index &+ 4)
                }
            }
            let (fraction, fractionEnd) = digitRun(bytes, from: index, to: end)
            let fractionDigits = fractionEnd &- index
            guard fractionDigits > 0, fractionDigits <= ExactDecimal.fractionDigits else { return nil }
            units &+= fraction &* scaleFactor(fractionDigits)
            index = fractionEnd
        }
        guard index == end || bytes[index] == terminator else { return nil }
        return (units, index &+ 1)
    }

    /// The digits from `start` up to the first non-digit (or `end`), as a number (wrapping past 18 digits: callers
    /// bound the count) and where they stop.
    @inline(__always)
    private static func digitRun(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> (
        value: Int64, end: Int
    ) {
        var index = start
        var value: Int64 = 0
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            if digit > 9 { break }
            value = value &* 10 &+ Int64(digit)
            index &+= 1
        }
        return (value, index)
    }

    private static let scale: (Int64, Int64, Int64, Int64, Int64, Int64, Int64) =
        (1_000_000, 100_000, 10_000, 1_000, 100, 10, 1)

    /// 10^(6 - fractionDigits): the units one last fraction digit is worth.
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
}
