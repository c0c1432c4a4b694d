import ConsumptionCore
import ConsumptionTable

/// The (day, bucket) pairs an object version has readings in: which bucket sums must be recomputed when it
/// starts or stops counting. Kept on the object's source item, so it is stored compactly: runs of consecutive days
/// with the same buckets, as `first[-last]:mask` (days since the epoch, the bucket mask in hex), comma-separated.
public struct DayBuckets: Sendable, Equatable {
    /// Days since the epoch -> one bit per bucket.
    public private(set) var masks: [Int: UInt32] = [:]

    public init() {}

    public var isEmpty: Bool { masks.isEmpty }
    public var dayCount: Int { masks.count }

    public mutating func insert(date: CalendarDate, bucket: Int) {
        masks[date.daysSinceEpoch, default: 0] |= 1 << UInt32(bucket)
    }

    public mutating func formUnion(_ other: DayBuckets) {
        masks.merge(other.masks) { $0 | $1 }
    }

    /// Every (day, bucket) pair, days ascending.
    public var pairs: [(date: CalendarDate, bucket: Int)] {
        masks.keys.sorted().flatMap { day in
            (0..<TableKeys.bucketCount).filter { masks[day, default: 0] & (1 << UInt32($0)) != 0 }.map {
                (CalendarDate(daysSinceEpoch: day), $0)
            }
        }
    }

    public var encoded: String {
        var runs: [String] = []
        var run: (first: Int, last: Int, mask: UInt32)?
        func close() {
            guard let open = run else { return }
            let days = open.first == open.last ? "\(open.first)" : "\(open.first)-\(open.last)"
            runs.append("\(days):\(String(open.mask, radix: 16))")
        }
        for day in masks.keys.sorted() {
            let mask = masks[day, default: 0]
            if let open = run, open.last + 1 == day, open.mask == mask {
                run = (open.first, day, mask)
            } else {
                close()
                run = (day, day, mask)
            }
        }
        close()
        return runs.joined(separator: ",")
    }

    /// Nil when `text` is not what `encoded` writes.
    public init?(encoded text: String) {
        guard !text.isEmpty else { return }
        for run in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = run.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let mask = UInt32(parts[1], radix: 16), mask != 0 else { return nil }
            let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard let first = bounds.first ?? nil, let last = bounds.last ?? nil, bounds.count <= 2, first <= last,
                last - first < 1_000_000
            else { return nil }
            for day in first...last { masks[day, default: 0] |= mask }
        }
    }
}
