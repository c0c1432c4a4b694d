import ConsumptionCore
import ConsumptionTable

/// The analytics layer's files, under `prefix` in the meter bucket, as the Glue tables of template.yaml read them
/// (partition projection: the tenant injected, the date or month from the path):
///
/// - `<prefix><tenant>/daily/date=YYYY-MM-DD/daily.tsv.gz`: the day's totals, one row, as `GET /consumption/<date>`
///   answers them;
/// - `<prefix><tenant>/meter_days/month=YYYY-MM/YYYY-MM-DD.tsv.gz`: one row per meter-day that counts, as
///   `GET /meters/<id>/consumption` answers it, plus the version it comes from.
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
            counting.marks.notActual.description, String(counting.marks.missingIntervals), counting.source.key,
            counting.source.versionID ?? "", String(counting.line),
        ]
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
