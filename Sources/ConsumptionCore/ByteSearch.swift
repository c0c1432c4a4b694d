/// Word-at-a-time byte search (SWAR): eight bytes per step instead of one, since finding line ends is the
/// first pass over every byte of a file.
enum ByteSearch {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let newlines = ones &* UInt64(UInt8(ascii: "\n"))
    private static let quotes = ones &* UInt64(UInt8(ascii: "\""))

    /// The high bit is set in the lowest byte of `word` that is zero (bits above it may be set spuriously).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highBits
    }

    /// The index of the first `\n` or `"` at or after `start`, or `bytes.count` when there is none.
    @inline(__always)
    static func firstNewlineOrQuote(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        let count = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let found = zeroBytes(word ^ newlines) | zeroBytes(word ^ quotes)
                if found != 0 { return index + found.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\"") { return index }
            index += 1
        }
        return count
    }
}
