/// A moment by which work must be done, on the wall clock (Lambda states its deadline that way, and processes on
/// different hosts compare them). One type for it, so milliseconds are never mistaken for a duration or a deadline
/// of another unit.
public struct Deadline: Comparable, Hashable, Sendable {
    /// Milliseconds since the Unix epoch.
    public let epochMilliseconds: Int

    public init(epochMilliseconds: Int) {
        self.epochMilliseconds = epochMilliseconds
    }

    /// `milliseconds` from now.
    public static func after(milliseconds: Int) -> Deadline {
        Deadline(epochMilliseconds: WallClock.nowMilliseconds() + milliseconds)
    }

    public var remainingMilliseconds: Int { epochMilliseconds - WallClock.nowMilliseconds() }

    public var hasPassed: Bool { remainingMilliseconds <= 0 }

    /// Whether it passes within `milliseconds` from now.
    public func isWithin(milliseconds: Int) -> Bool { remainingMilliseconds <= milliseconds }

    /// This deadline moved `milliseconds` earlier (a margin kept before it).
    public func earlier(by milliseconds: Int) -> Deadline {
        Deadline(epochMilliseconds: epochMilliseconds - milliseconds)
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.epochMilliseconds < rhs.epochMilliseconds }
}
