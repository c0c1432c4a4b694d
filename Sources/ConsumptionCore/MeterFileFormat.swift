/// The kind of meter file, as told by its header.
public enum MeterFileFormat: Sendable, Equatable, CustomStringConvertible {
    /// `Meter,Date,0:00,...`: one row per meter per day, one column per interval.
    case wide(intervalsPerDay: Int)
    /// `Meter,Date,Value`: one value per meter per day.
    case dailyValues
    /// `Meter,Timestamp,Value`: one reading per row, summed into its calendar day.
    case timestamped
    /// AEMO's NEM12: a 100 header, then per channel a 200 record and its days' 300 records (with 400 quality
    /// ranges and 500 records), ended by a 900.
    case nem12

    /// Whether each data row of a valid file is one whole meter-day, so the file may be cut between any two rows.
    public var isOneMeterDayARow: Bool {
        switch self {
        case .wide, .dailyValues: return true
        case .timestamped, .nem12: return false
        }
    }

    public var description: String {
        switch self {
        case .wide(let intervals): return "wide-\(intervals)"
        case .dailyValues: return "daily-values"
        case .timestamped: return "timestamped"
        case .nem12: return "nem12"
        }
    }
}
