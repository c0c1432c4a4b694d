import CSystem

/// A signing time, written the two ways SigV4 needs: `20150830T123600Z` and `20150830`.
public struct AmzDate: Sendable, Equatable {
    public let unixSeconds: Int
    /// `YYYYMMDDTHHMMSSZ`.
    public let timestamp: String
    /// `YYYYMMDD`, the credential scope's day.
    public var day: Substring { timestamp.prefix(8) }

    public init(unixSeconds: Int) {
        self.unixSeconds = unixSeconds
        var seconds = time_t(unixSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        timestamp =
            padded(parts.tm_year + 1900, 4) + padded(parts.tm_mon + 1, 2) + padded(parts.tm_mday, 2) + "T"
            + padded(parts.tm_hour, 2) + padded(parts.tm_min, 2) + padded(parts.tm_sec, 2) + "Z"
    }

    /// The clock's time now.
    public static func now() -> AmzDate {
        AmzDate(unixSeconds: Int(time(nil)))
    }
}
