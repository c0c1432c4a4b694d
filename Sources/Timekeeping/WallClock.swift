import CSystem

/// The wall clock, in milliseconds since the Unix epoch.
public enum WallClock {
    public static func nowMilliseconds() -> Int {
        if let source = ThreadTimeSource.current { return source.nowMilliseconds() }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }

    /// Blocks the calling thread for `milliseconds`.
    public static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        if let source = ThreadTimeSource.current { return source.sleep(milliseconds: milliseconds) }
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }

    /// Now as `iso8601(milliseconds:)` writes it: what items' `updatedAt` and logs carry.
    public static func nowISO8601() -> String {
        iso8601(milliseconds: nowMilliseconds())
    }

    /// `2026-11-22T01:02:03.456Z`.
    public static func iso8601(milliseconds: Int) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(padded(Int(parts.tm_year) + 1900, 4))-\(padded(Int(parts.tm_mon) + 1, 2))-\(padded(Int(parts.tm_mday), 2))T"
            + "\(padded(Int(parts.tm_hour), 2)):\(padded(Int(parts.tm_min), 2)):\(padded(Int(parts.tm_sec), 2))."
            + "\(padded(milliseconds % 1000, 3))Z"
    }
}

/// Monotonic time and sleeping, for retries and durations (deadlines are on the wall clock).
public enum MonotonicClock {
    public static func nowMilliseconds() -> Int {
        if let source = ThreadTimeSource.current { return source.nowMilliseconds() }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }

    public static func sleep(milliseconds: Int) {
        WallClock.sleep(milliseconds: milliseconds)
    }
}
