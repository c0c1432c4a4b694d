import CPrefetch

/// The keys a file has given so far, as 64-bit fingerprints in an open-addressing table: 8 bytes a slot.
/// `RepeatGuard` uses it while a file is small and confirms every repeat it flags, so a shared fingerprint
/// (probability about n²/2^65) costs a second look, never a false refusal.
final class FingerprintSet {
    /// Manually managed, so the per-row paths touch no reference counts and no copy-on-write checks.
    private var slots: UnsafeMutableBufferPointer<UInt64>
    private(set) var count = 0

    init(capacity: Int = 1 << 12) {
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0)
    }

    deinit {
        slots.deallocate()
    }

    /// Adds `fingerprint`; false when it was already there.
    func insert(_ fingerprint: UInt64) -> Bool {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let key = fingerprint == 0 ? 1 : fingerprint  // 0 marks an empty slot
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[index]
            if slot == 0 {
                slots[index] = key
                count += 1
                return true
            }
            if slot == key { return false }
            index = (index + 1) & mask
        }
    }

    /// Starts loading the slot where `fingerprint` would go.
    @inline(__always)
    func prefetch(_ fingerprint: UInt64) {
        let index = Int(truncatingIfNeeded: fingerprint == 0 ? 1 : fingerprint) & (slots.count - 1)
        cprefetch_read(slots.baseAddress.map { $0 + index })
    }

    /// Every fingerprint held.
    var fingerprints: some Sequence<UInt64> { slots.lazy.filter { $0 != 0 } }

    private func grow() {
        let old = slots
        defer { old.deallocate() }
        slots = .allocate(capacity: old.count * 2)
        slots.initialize(repeating: 0)
        count = 0
        for key in old where key != 0 { _ = insert(key) }
    }

    /// A 64-bit hash of a byte string mixed with a number (the day, or the second of a reading).
    @inline(__always)
    static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, _ number: Int) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: bytes.count)
        var index = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                hash = mix(hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                index += 8
            }
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        hash = mix(hash ^ tail)
        return mix(hash ^ UInt64(bitPattern: Int64(number)))
    }

    /// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
