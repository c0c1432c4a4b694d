#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// MD5 (RFC 1321), by hand: S3 gives a single PUT's ETag as the MD5 of its body and SQS each body's
/// (`MD5OfMessageBody`), and the product links no MD5. Only for identifiers a client compares, never for security.
public enum MD5 {
    /// The digest of `bytes` as 32 lowercase hex digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        digest(bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var message = bytes
        let bitLength = UInt64(bytes.count) &* 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 0, to: 64, by: 8) { message.append(UInt8(truncatingIfNeeded: bitLength >> shift)) }

        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        var words = [UInt32](repeating: 0, count: 16)
        for chunk in stride(from: 0, to: message.count, by: 64) {
            for index in 0..<16 {
                let base = chunk + index * 4
                words[index] =
                    UInt32(message[base]) | UInt32(message[base + 1]) << 8 | UInt32(message[base + 2]) << 16
                    | UInt32(message[base + 3]) << 24
            }
            var (a, b, c, d) = state
            for step in 0..<64 {
                let mixed: UInt32
                let wordIndex: Int
                switch step / 16 {
                case 0: (mixed, wordIndex) = ((b & c) | (~b & d), step)
                case 1: (mixed, wordIndex) = ((d & b) | (~d & c), (5 * step + 1) % 16)
                case 2: (mixed, wordIndex) = (b ^ c ^ d, (3 * step + 5) % 16)
                default: (mixed, wordIndex) = (c ^ (b | ~d), (7 * step) % 16)
                }
                let sum = a &+ mixed &+ constants[step] &+ words[wordIndex]
                (a, d, c) = (d, c, b)
                b = b &+ rotateLeft(sum, by: shifts[step / 16][step % 4])
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
        }
        return [state.0, state.1, state.2, state.3].flatMap { word in
            (0..<4).map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) }
        }
    }

    private static let shifts: [[UInt32]] = [[7, 12, 17, 22], [5, 9, 14, 20], [4, 11, 16, 23], [6, 10, 15, 21]]

    /// The RFC's table: the integer part of 2^32 × |sin(i + 1)|.
    private static let constants: [UInt32] = (0..<64).map { UInt32(4_294_967_296 * abs(sin(Double($0 + 1)))) }

    private static func rotateLeft(_ value: UInt32, by amount: UInt32) -> UInt32 {
        value << amount | value >> (32 - amount)
    }
}
