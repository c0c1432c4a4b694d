/// The kind of meter file, as told by its header.
public enum MeterFileFormat: Sendable, Equatable, CustomStringConvertible {
    /// `Meter,Date,0:00,...`: one row per meter per day, one column per interval.
    case wide(intervalsPerDay: Int)
    /// `Meter,Date,Value`: one value per meter per day.
    case dailyValues
    /// `Meter,Timestamp,Value`: one reading per row, summed into its calendar day.
    case timestamped

    /// Whether each data row of a valid file is one whole meter-day, so the file may be cut between any two rows.
    public var isOneMeterDayARow: Bool {
        switch self {
        case .wide, .dailyValues: return true
        case .timestamped: return false
        }
    }

    public var description: String {
        switch self {
        case .wide(let intervals): return "wide-\(intervals)"
        case .dailyValues: return "daily-values"
        case .timestamped: return "timestamped"
        }
    }
}
