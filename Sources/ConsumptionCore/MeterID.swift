/// The rules for meter ids: 1 to 64 bytes of valid UTF-8 without control characters.
public enum MeterID {
    public static let maxBytes = 64

    /// Nil when `meter` is a meter id a file could hold (so the table could), else the reason it is not: what the
    /// API checks a meter id in a path against before it reads anything.
    public static func problem(of meter: String) -> ValidationErrorCode? {
        var copy = Array(meter.utf8)
        return copy.withUnsafeMutableBufferPointer { problem(UnsafeBufferPointer($0)) }
    }

    /// Nil when `bytes` is a valid meter id, else the reason it is not.
    @inline(__always)
    static func problem(_ bytes: UnsafeBufferPointer<UInt8>) -> ValidationErrorCode? {
        guard !bytes.isEmpty else { return .meterEmpty }
        guard bytes.count <= maxBytes else { return .meterTooLong }
        var ascii = true
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F { return .meterControlCharacter }
            if byte >= 0x80 { ascii = false }
        }
        return ascii ? nil : nonASCIIProblem(bytes)
    }

    private static func nonASCIIProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> ValidationErrorCode? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .meterInvalidUTF8 }
        // C1 controls (U+0080–U+009F) are as unprintable as the ASCII ones.
        for scalar in text.unicodeScalars where (0x80...0x9F).contains(scalar.value) {
            return .meterControlCharacter
        }
        return nil
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
