/// A split-block Bloom filter: each key sets one bit in each of the 8 words of one 64-byte block, so a lookup or an
/// insert touches one cache line. It answers "certainly new" or "maybe seen"; `RepeatGuard` confirms the maybes.
struct BlockedBloomFilter {
    private var words: [UInt64]
    private let blockCount: UInt64

    /// A filter of `byteCount` bytes (rounded down to whole 64-byte blocks, at least one).
    init(byteCount: Int) {
        let blocks = max(1, byteCount / 64)
        words = Array(repeating: 0, count: blocks * 8)
        blockCount = UInt64(blocks)
    }

    /// Adds `fingerprint`; false when every bit was already set (the key may have been seen).
    @inline(__always)
    mutating func insert(_ fingerprint: UInt64) -> Bool {
        // Lemire's fast range: the high bits choose the block, without a division.
        let block = Int((fingerprint >> 32) &* blockCount >> 32) &* 8
        var bits = fingerprint &* 0x9E37_79B9_7F4A_7C15
        var isNew = false
        for word in 0..<8 {
            let mask: UInt64 = 1 << (bits >> 58)
            bits = bits &<< 6 | bits >> 58
            if words[block &+ word] & mask == 0 {
                isNew = true
                words[block &+ word] |= mask
            }
        }
        return isNew
    }
}
