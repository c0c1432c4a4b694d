import ConsumptionCore

/// A meter-day of a tenant, as the oracle names it (meter ids compared as bytes: they are plain ASCII here).
struct MeterDayName: Hashable, Comparable, CustomStringConvertible {
    var tenant: String
    var meter: String
    var date: String

    static func < (lhs: MeterDayName, rhs: MeterDayName) -> Bool {
        (lhs.tenant, lhs.meter, lhs.date) < (rhs.tenant, rhs.meter, rhs.date)
    }

    var description: String { "\(tenant)/\(meter)/\(date)" }
}

/// A meter file the workload uploads, kept as what it means (each meter-day's value in thousandths of a kWh) and
/// rendered to bytes in one of the layouts users send. The oracle reads the meaning, never the bytes.
struct MeterFile {
    enum Layout: String {
        /// `Meter,Date,0:00,...,23:30`: a row a meter-day, 48 half-hour values.
        case wide
        /// `Meter,Date,Value`: a row a meter-day (the layout large files are cut into ranges in).
        case dailyValues
        /// `Meter,Timestamp,Value`: a row a reading, summed into its day.
        case timestamped
    }

    var layout: Layout
    var gzip: Bool
    /// Each meter-day's interval values, in thousandths (one value for daily values).
    var readings: [(meter: String, date: String, values: [Int])]
    /// A file that must be rejected: one value is not a number.
    var invalid: Bool

    /// What each meter-day of the file totals, in thousandths; nil for an invalid file (nothing of it counts).
    func totals(tenant: String) -> [MeterDayName: Int]? {
        guard !invalid else { return nil }
        var totals: [MeterDayName: Int] = [:]
        for reading in readings {
            totals[MeterDayName(tenant: tenant, meter: reading.meter, date: reading.date), default: 0] +=
                reading.values.reduce(0, +)
        }
        return totals
    }

    func render() -> [UInt8] {
        var text: String
        switch layout {
        case .wide:
            let labels = (0..<48).map { "\($0 / 2):\($0 % 2 == 0 ? "00" : "30")" }
            text = "Meter,Date," + labels.joined(separator: ",") + "\n"
            for reading in readings {
                text += "\(reading.meter),\(reading.date)," + reading.values.map(Self.decimal).joined(separator: ",")
                text += "\n"
            }
        case .dailyValues:
            text = "Meter,Date,Value\n"
            for reading in readings { text += "\(reading.meter),\(reading.date),\(Self.decimal(reading.values[0]))\n" }
        case .timestamped:
            text = "Meter,Timestamp,Value\n"
            for reading in readings {
                for (index, value) in reading.values.enumerated() {
                    let minutes = index * 30
                    let time = "\(minutes / 60 < 10 ? "0" : "")\(minutes / 60):\(minutes % 60 == 0 ? "00" : "30")"
                    text += "\(reading.meter),\(reading.date) \(time),\(Self.decimal(value))\n"
                }
            }
        }
        if invalid {
            // The last value of the first row becomes text: a specific, line-numbered error, and nothing counts.
            if let cut = text.lastIndex(of: "\n"), let previous = text[..<cut].lastIndex(of: ",") {
                text.replaceSubrange(text.index(after: previous)..<cut, with: "n/a")
            }
        }
        let bytes = Array(text.utf8)
        guard gzip else { return bytes }
        let deflater = GzipDeflater()
        deflater.append(bytes)
        return deflater.finish()
    }

    /// Thousandths as a plain decimal: 1234 -> `1.234`.
    static func decimal(_ thousandths: Int) -> String {
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = abs(thousandths)
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
