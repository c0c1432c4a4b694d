/// `Meter,Timestamp,Value`: one reading per row, stamped `YYYY-MM-DD HH:MM[:SS]` (or with `T`) in local time,
/// summed into its calendar day.
///
/// Rows of one meter-day may be anywhere in the file (files are often ordered by time, then meter), so the
/// meter-days are gathered in memory and counted at the end: memory grows with the file's meter-days here.
final class TimestampedFormat: RecordFormat {
    let layout: HeaderLayout
    let delimiter: UInt8
    let format = MeterFileFormat.timestamped
    private let scratch = FieldScratch()
    private let meterColumnName: String
    private var meterDays: [MeterDayKey: Gathered] = [:]

    private struct MeterDayKey: Hashable {
        let meter: String
        let date: CalendarDate
    }

    private struct Gathered {
        var value: Int128
        var readings: Int
        var firstLine: Int
    }

    init(layout: HeaderLayout, delimiter: UInt8) {
        self.layout = layout
        self.delimiter = delimiter
        meterColumnName = layout.meterColumnName
    }

    func consume(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) {
        var cursor = FieldCursor(record: record, delimiter: delimiter, scratch: scratch.buffer)
        var meter: UnsafeBufferPointer<UInt8>?
        var stamp: Timestamp?
        var value: Int64?
        var valid = true
        for (column, role) in layout.roles.enumerated() {
            guard !cursor.isAtEnd else {
                output.columnCount(line: line, expected: layout.roles.count, found: column)
                return
            }
            let name = layout.names[column]
            switch role {
            case .meter:
                meter = output.meter(of: cursor.next(), line: line, column: name)
                valid = valid && meter != nil
            case .timestamp:
                stamp = timestamp(of: cursor.next(), line: line, column: name, output: output)
                valid = valid && stamp != nil
            case .value:
                value = output.value(of: cursor.next(), line: line, column: name)
                valid = valid && value != nil
            case .date, .interval:
                _ = cursor.next()  // a timestamped layout has none
            }
        }
        guard cursor.isAtEnd else {
            output.columnCount(line: line, expected: layout.roles.count, found: layout.roles.count + cursor.remainingFieldCount())
            return
        }
        guard valid, let meter, let stamp, let value else { return }
        let second = stamp.date.daysSinceEpoch * 86_400 + stamp.secondOfDay
        guard
            output.isFirst(meter: meter, key: second, line: line, code: .duplicateReading, column: meterColumnName)
        else { return }
        let key = MeterDayKey(meter: MeterID.string(meter), date: stamp.date)
        meterDays[key, default: Gathered(value: 0, readings: 0, firstLine: line)].value += Int128(value)
        meterDays[key]?.readings += 1
    }

    func finish(into output: ParseOutput) {
        let ordered = meterDays.sorted { ($0.key.date, $0.key.meter) < ($1.key.date, $1.key.meter) }
        for (key, gathered) in ordered {
            output.count(gathered.value, intervals: gathered.readings, on: key.date)
            output.onMeterDay?(MeterDay(meter: key.meter, date: key.date, value: ExactDecimal(units: gathered.value),
                                        intervals: nil, line: gathered.firstLine))
        }
        meterDays = [:]
    }

    private func timestamp(of field: FieldCursor.Field, line: Int, column: String, output: ParseOutput) -> Timestamp? {
        guard case .text(let bytes) = field else {
            if case .malformed(let raw) = field {
                output.fail(.malformedQuotes, line: line, column: column, field: raw, "a quoted field must end with its quote")
            }
            return nil
        }
        guard let stamp = Timestamp.parse(bytes) else {
            output.fail(.invalidTimestamp, line: line, column: column, field: bytes,
                        "not a local time written YYYY-MM-DD HH:MM[:SS]")
            return nil
        }
        return output.inWindow(stamp.date, line: line, column: column, field: bytes) ? stamp : nil
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
