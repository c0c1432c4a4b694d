/// Refuses the keys a file gives twice — (meter, date), or (meter, timestamp) — exactly, in bounded memory.
///
/// Exact repeat detection in one pass needs memory for every key (element distinctness has no sub-linear one-pass
/// answer), so a large file takes a second pass instead: the first pass keeps the keys in a fixed-size filter that
/// answers "certainly new" or "maybe seen", and lists the maybes; the second (`RepeatConfirmation`) checks only
/// those, exactly. Small files (up to `exactKeyLimit` keys) need no second pass: their fingerprints fit in a table.
final class RepeatGuard {
    enum Verdict {
        case first
        case repeated
        /// Maybe seen: the caller lists the key for the second pass.
        case suspected
    }

    /// How much memory a guard may use, in keys and bytes.
    struct Limits: Sendable {
        /// Keys held in the exact table before switching to the filter (2 MB of slots at most).
        var exactKeys = 196_608
        /// The filter's size: 40 bits a key for the 3.24 million meter-days of the 1 GB benchmark file, which
        /// then got no false "maybe" (each would cost a second pass); 12 MB with one bit a word got one.
        var filterBytes = 16 << 20
        /// Suspects kept at most: 100,000 keys is a few MB; a file with more suspects repeats itself for real.
        var suspects = 100_000
    }

    let limits: Limits
    private var exact: FingerprintSet? = FingerprintSet()
    private var filter: BlockedBloomFilter?

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Starts loading what `check(fingerprint)` will read.
    @inline(__always)
    func prefetch(_ fingerprint: UInt64) {
        if let filter { filter.prefetch(fingerprint) } else { exact?.prefetch(fingerprint) }
    }

    @inline(__always)
    func check(_ fingerprint: UInt64) -> Verdict {
        if let filter { return filter.insert(fingerprint) ? .first : .suspected }
        guard let exact, exact.count < limits.exactKeys else {
            return switchToFilter().insert(fingerprint) ? .first : .suspected
        }
        return exact.insert(fingerprint) ? .first : .repeated
    }

    private func switchToFilter() -> BlockedBloomFilter {
        let filter = BlockedBloomFilter(byteCount: limits.filterBytes)
        if let exact { for fingerprint in exact.fingerprints { _ = filter.insert(fingerprint) } }
        exact = nil
        self.filter = filter
        return filter
    }
}
