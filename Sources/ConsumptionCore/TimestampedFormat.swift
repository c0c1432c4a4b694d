/// `Meter,Timestamp,Value`: one reading per row, stamped `YYYY-MM-DD HH:MM[:SS]` (or with `T`) in local time,
/// summed into its calendar day.
///
/// Rows of one meter-day may be anywhere in the file (files are often ordered by time, then meter), so the
/// meter-days are gathered in memory and counted at the end: memory grows with the file's meter-days here.
///
/// With a market time zone, a local time the clocks skip is refused, and one they repeat may stand twice for a
/// meter (the two readings of that hour, in either order), not three times.
final class TimestampedFormat: RecordFormat {
    let format = MeterFileFormat.timestamped
    private let reader: LongRowReader
    private let meterColumnName: String
    private let timestampColumnName: String
    private var meterDays: [MeterDayKey: Gathered] = [:]
    /// Past `maxGatheredMeterDays`: the file is refused, once, and no more meter-days are gathered.
    private var overflowed = false

    private struct MeterDayKey: Hashable {
        let meter: String
        let date: CalendarDate
    }

    private struct Gathered {
        var value: Int128 = 0
        var readings = 0
        let firstLine: Int
        /// How often each repeated local time (seconds into the day) has stood for this meter-day so far.
        var repeatedTimes: [Int: Int] = [:]

        mutating func add(_ units: Int64) {
            value += Int128(units)
            readings += 1
        }
    }

    init(layout: HeaderLayout, delimiter: UInt8) {
        reader = LongRowReader(layout: layout, delimiter: delimiter)
        meterColumnName = layout.meterColumnName
        timestampColumnName = layout.names[layout.roles.firstIndex(of: .timestamp) ?? 0]
    }

    func consume(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) {
        guard let row = reader.read(record, line: line, into: output), case .timestamp(let stamp) = row.time else {
            return
        }
        let second = stamp.date.daysSinceEpoch * 86_400 + stamp.secondOfDay
        let instants = output.rules.zone?.instants(ofLocal: second).count ?? 1
        guard instants > 0 else {
            output.fail(
                .skippedLocalTime, line: line, column: timestampColumnName,
                "no such local time in \(output.rules.zone?.name ?? ""): the clocks skip it")
            return
        }
        let repeated = instants == 2
        guard
            repeated
                || output.isFirst(
                    meter: row.meter, key: second, line: line, code: .duplicateReading, column: meterColumnName)
        else { return }
        let key = MeterDayKey(meter: MeterID.string(row.meter), date: stamp.date)
        if meterDays[key] == nil && meterDays.count >= output.rules.maxGatheredMeterDays {
            if !overflowed {
                overflowed = true
                output.fail(
                    .tooManyMeterDays, line: line, column: meterColumnName,
                    "more than \(output.rules.maxGatheredMeterDays) meter-days, which a timestamped file "
                        + "gathers in memory: split the file")
            }
            return
        }
        if repeated {
            let seen = meterDays[key, default: Gathered(firstLine: line)].repeatedTimes[stamp.secondOfDay, default: 0]
            guard seen < 2 else {
                output.fail(
                    .duplicateReading, line: line, column: meterColumnName, field: row.meter,
                    "this meter and local time appear twice earlier in the file; the clocks repeat it only once")
                return
            }
            meterDays[key, default: Gathered(firstLine: line)].repeatedTimes[stamp.secondOfDay] = seen + 1
        }
        meterDays[key, default: Gathered(firstLine: line)].add(row.value)
    }

    func finish(into output: ParseOutput) {
        let ordered = meterDays.sorted { ($0.key.date, $0.key.meter) < ($1.key.date, $1.key.meter) }
        for (key, gathered) in ordered {
            output.count(gathered.value, intervals: gathered.readings, on: key.date)
            output.onMeterDay?(
                MeterDay(
                    meter: key.meter, date: key.date, value: ExactDecimal(units: gathered.value),
                    intervals: nil, line: gathered.firstLine))
        }
        meterDays = [:]
    }
}

/// A local date and time of day, to the second.
struct Timestamp {
    let date: CalendarDate
    let secondOfDay: Int

    /// `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS`, or either with `T` in place of the space.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard bytes.count == 16 || bytes.count == 19,
            bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"),
            let date = CalendarDate.parse(bytes, at: 0),
            let hour = twoDigits(bytes, 11), hour < 24,
            let minute = twoDigits(bytes, 14), minute < 60
        else { return nil }
        var second = 0
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), let parsed = twoDigits(bytes, 17), parsed < 60 else { return nil }
            second = parsed
        }
        return Timestamp(date: date, secondOfDay: hour * 3600 + minute * 60 + second)
    }

    private static func twoDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        let high = bytes[start] &- UInt8(ascii: "0")
        let low = bytes[start + 1] &- UInt8(ascii: "0")
        guard high <= 9, low <= 9 else { return nil }
        return Int(high) * 10 + Int(low)
    }
}
