import ConsumptionCore
import ConsumptionTable

/// The analytics layer's files, under `prefix` in the meter bucket, as the Glue tables of template.yaml read them
/// (partition projection: the tenant injected, the date or month from the path):
///
/// - `<prefix><tenant>/daily/date=YYYY-MM-DD/daily.tsv.gz`: the day's totals, one row, as `GET /consumption/<date>`
///   answers them;
/// - `<prefix><tenant>/meter_days/month=YYYY-MM/YYYY-MM-DD.tsv.gz`: one row per meter-day that counts, as
///   `GET /meters/<id>/consumption` answers it, plus the version it comes from;
/// - `<prefix><tenant>/intervals/month=YYYY-MM/YYYY-MM-DD.tsv.gz`: one row per interval of each meter-day that counts
///   and whose reading keeps its intervals, placed in time as `GET /meters/<id>/intervals` places them.
///
/// Gzipped tab-separated text with a header row and LF line ends. A field's backslash, tab, CR and LF are written
/// `\\`, `\t`, `\r`, `\n` (only object keys can hold them; meter ids hold no control characters).
public struct AnalyticsLayout: Sendable {
    public let prefix: String

    public init(prefix: String) {
        self.prefix = prefix
    }

    public func dailyKey(tenant: String, date: CalendarDate) -> String {
        "\(prefix)\(tenant)/daily/date=\(date)/daily.tsv.gz"
    }

    public func meterDaysKey(tenant: String, date: CalendarDate) -> String {
        "\(prefix)\(tenant)/meter_days/month=\(date.description.prefix(7))/\(date).tsv.gz"
    }

    public func intervalsKey(tenant: String, date: CalendarDate) -> String {
        "\(prefix)\(tenant)/intervals/month=\(date.description.prefix(7))/\(date).tsv.gz"
    }

    /// The date is the partition's (`date=`), so it is no column: Athena refuses a column named as a partition key.
    static let dailyColumns = [
        "total", "meters", "average", "unit", "not_actual", "complete_meters", "exported", "export_meters",
        "updated_at",
    ]

    static func dailyRow(_ day: DayTotal) -> [String] {
        [
            day.total.description, String(day.meters), day.total.divided(by: day.meters).description, "kWh",
            day.notActual.description, String(day.meters - day.incompleteMeters), day.exported.description,
            String(day.exportMeters), day.updatedAt,
        ]
    }

    static let meterDayColumns = [
        "meter", "date", "value", "unit", "flow", "not_actual", "missing_intervals", "source_key", "source_version",
        "line",
    ]

    static func meterDayRow(meter: String, date: CalendarDate, _ counting: MeterDayItem.Counting) -> [String] {
        [
            meter, date.description, counting.value.description, "kWh", counting.marks.flow.rawValue,
            counting.marks.notActual.description, String(counting.marks.missingIntervals), counting.version.key,
            counting.version.versionID ?? "", String(counting.line),
        ]
    }

    /// `interval_number`, not `interval`: INTERVAL is a reserved word of Athena's DDL and starts an interval literal
    /// in its SQL, so every query would have to quote it.
    static let intervalColumns = [
        "meter", "date", "interval_number", "start_local", "start_utc", "minutes", "value", "unit", "quality", "flow",
        "source_key", "source_version",
    ]

    /// One row per interval of the counting reading, numbered from 1 in time order; none when the reading keeps no
    /// intervals (a day with gaps, a timestamped file) or they do not divide its day. `start_utc` is empty for a day
    /// read without a zone (`IntervalDay`: a count that fits only a 24-hour day).
    static func intervalRows(_ reading: ReadingItem, zone: ZoneRules?) -> [[String]] {
        guard let values = reading.intervals,
            let day = IntervalDay(date: reading.date, values: values, qualities: reading.qualities, zone: zone)
        else { return [] }
        let (meter, date, minutes) = (reading.meter, reading.date.description, String(day.minutes))
        let (flow, key, version) = (reading.marks.flow.rawValue, reading.version.key, reading.version.versionID ?? "")
        return day.intervals.enumerated().map { index, interval in
            [
                meter, date, String(index + 1), interval.start, interval.startUTC ?? "", minutes,
                interval.value.description, "kWh", interval.quality.letter, flow, key, version,
            ]
        }
    }

    /// One line of the file: the fields escaped, tab-separated, LF-ended.
    static func line(_ fields: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "\t")) }
            for byte in field.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
