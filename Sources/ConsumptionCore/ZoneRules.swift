/// A market time zone's offsets from UTC through time (from its TZif file: `TZifReader`), and what they make of a
/// local day: 23 or 25 hours when the clocks change, and a repeated hour whose local times stand for two instants.
/// Times are whole seconds; instants are seconds since 1970-01-01 UTC, local times seconds since 1970-01-01 local.
public struct ZoneRules: Sendable, Equatable {
    /// The IANA name, e.g. `Europe/London`.
    public let name: String
    /// UTC instants at which the offset changes, ascending; `offsets[i]` holds from `transitions[i]` on.
    let transitions: [Int]
    let offsets: [Int]
    /// The offset before the first transition.
    let initialOffset: Int
    /// The offsets after the last transition.
    let footer: PosixZoneRule?

    init(name: String, transitions: [Int], offsets: [Int], initialOffset: Int, footer: PosixZoneRule?) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
        self.footer = footer
    }

    /// Seconds east of UTC at `instant`.
    public func offset(at instant: Int) -> Int {
        if let footer, let last = transitions.last, instant >= last { return footer.offset(at: instant) }
        if transitions.isEmpty { return footer?.offset(at: instant) ?? initialOffset }
        // The last transition at or before `instant`.
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? initialOffset : offsets[low - 1]
    }

    /// The instants a local time stands for, earliest first: none when the clocks skip it, two when it is repeated.
    public func instants(ofLocal local: Int) -> [Int] {
        // A change is at least a day away from any other in every zone's history, so the offsets a day either
        // side are the only ones this local time can have.
        var found: [Int] = []
        for candidate in [offset(at: local - 86_400), offset(at: local + 86_400)] {
            let instant = local - candidate
            if offset(at: instant) == candidate, !found.contains(instant) { found.append(instant) }
        }
        return found.sorted()
    }

    /// The first instant whose local time is `local` or later: where a local day or interval begins.
    func firstInstant(atOrAfterLocal local: Int) -> Int {
        if let first = instants(ofLocal: local).first { return first }
        // Skipped: the day begins at the change itself, between the two readings of `local`.
        var low = local - max(offset(at: local - 86_400), offset(at: local + 86_400))
        var high = local - min(offset(at: local - 86_400), offset(at: local + 86_400))
        while low < high {
            let middle = floorDivide(low + high, 2)
            if middle + offset(at: middle) >= local { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The instant local day `date` begins.
    public func start(of date: CalendarDate) -> Int {
        firstInstant(atOrAfterLocal: date.daysSinceEpoch * 86_400)
    }

    /// How long local day `date` is, in seconds: 86,400 but on a day the clocks change.
    public func seconds(of date: CalendarDate) -> Int {
        start(of: CalendarDate(daysSinceEpoch: date.daysSinceEpoch + 1)) - start(of: date)
    }

    /// How many intervals of `standardCount` a day (24, 48, 96, 288) local day `date` holds: 46 or 50 half-hours
    /// when the clocks change by an hour; nil when the day is not a whole number of intervals.
    public func intervals(of date: CalendarDate, standardCount: Int) -> Int? {
        let length = 86_400 / standardCount
        let seconds = seconds(of: date)
        return seconds % length == 0 ? seconds / length : nil
    }
}
