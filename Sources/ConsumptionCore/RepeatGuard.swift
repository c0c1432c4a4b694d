/// Refuses the keys a file gives twice — (meter, date), or (meter, timestamp) — exactly, in bounded memory.
///
/// Exact repeat detection in one pass needs memory for every key (element distinctness has no sub-linear one-pass
/// answer), so a large file takes a second pass instead: the first pass keeps the keys in a fixed-size filter that
/// answers "certainly new" or "maybe seen", and lists the maybes; the second (`RepeatConfirmation`) checks only
/// those, exactly. Small files (up to `exactKeyLimit` keys) need no second pass: their fingerprints fit in a table.
struct RepeatGuard {
    enum Verdict {
        case first
        case repeated
        /// Maybe seen: the caller lists the key for the second pass.
        case suspected
    }

    /// Keys held in the exact table before switching to the filter (2 MB of slots at most).
    static let exactKeyLimit = 196_608
    /// The filter's size: 40 bits a key for the 3.3 million meter-days of a 1 GB wide file, where a false "maybe"
    /// (which costs a second pass) then turns up in about one file in ten.
    static let filterBytes = 16 << 20

    /// Suspects kept at most: 100,000 keys is a few MB; a file with more suspects repeats itself for real.
    static let suspectLimit = 100_000

    let suspectLimit: Int
    private var exact = FingerprintSet()
    private var filter = BlockedBloomFilter(byteCount: 0)
    private var usesFilter = false
    private let exactKeyLimit: Int
    private let filterBytes: Int

    init(
        exactKeyLimit: Int = RepeatGuard.exactKeyLimit, filterBytes: Int = RepeatGuard.filterBytes,
        suspectLimit: Int = RepeatGuard.suspectLimit
    ) {
        self.exactKeyLimit = exactKeyLimit
        self.filterBytes = filterBytes
        self.suspectLimit = suspectLimit
    }

    /// Starts loading what `check(fingerprint)` will read.
    @inline(__always)
    func prefetch(_ fingerprint: UInt64) {
        if usesFilter { filter.prefetch(fingerprint) } else { exact.prefetch(fingerprint) }
    }

    @inline(__always)
    mutating func check(_ fingerprint: UInt64) -> Verdict {
        if usesFilter { return filter.insert(fingerprint) ? .first : .suspected }
        if exact.count >= exactKeyLimit { switchToFilter() }
        if usesFilter { return filter.insert(fingerprint) ? .first : .suspected }
        return exact.insert(fingerprint) ? .first : .repeated
    }

    private mutating func switchToFilter() {
        filter = BlockedBloomFilter(byteCount: filterBytes)
        for fingerprint in exact.fingerprints { _ = filter.insert(fingerprint) }
        exact = FingerprintSet(capacity: 1)
        usesFilter = true
    }
}
