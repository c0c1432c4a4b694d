/// `Meter,Date,0:00,0:30,...,23:30`: a row per meter per day, its value the sum of its interval columns.
final class WideFormat: RecordFormat {
    let layout: HeaderLayout
    let delimiter: UInt8
    let format: MeterFileFormat
    private let scratch = FieldScratch()
    private var intervalValues: [ExactDecimal] = []

    init(layout: HeaderLayout, delimiter: UInt8) {
        self.layout = layout
        self.delimiter = delimiter
        self.format = layout.format
    }

    func consume(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) {
        var cursor = FieldCursor(record: record, delimiter: delimiter, scratch: scratch.buffer)
        let keepIntervals = output.wantsMeterDays
        if keepIntervals { intervalValues.removeAll(keepingCapacity: true) }
        var meter: UnsafeBufferPointer<UInt8>?
        var date: CalendarDate?
        var sum: Int128 = 0
        var intervals = 0
        var valid = true
        for (column, role) in layout.roles.enumerated() {
            guard !cursor.isAtEnd else {
                output.columnCount(line: line, expected: layout.roles.count, found: column)
                return
            }
            switch role {
            case .interval:
                // The fast path: an unquoted, plain, non-negative value below the ceiling, read in one pass.
                let start = cursor.position
                if start < record.count && record[start] != UInt8(ascii: "\"") {
                    let (parsed, stop) = DecimalField.parsePrefix(record, from: start, to: record.count)
                    if stop == record.count || record[stop] == delimiter,
                        case .value(let units) = parsed, units >= 0, output.isPlausible(units)
                    {
                        sum &+= Int128(units)
                        intervals &+= 1
                        if keepIntervals { intervalValues.append(ExactDecimal(units: Int128(units))) }
                        cursor.advance(pastFieldEndingAt: stop)
                        continue
                    }
                }
                if let units = output.value(of: cursor.next(), line: line, column: layout.names[column]) {
                    sum &+= Int128(units)
                    intervals &+= 1
                    if keepIntervals { intervalValues.append(ExactDecimal(units: Int128(units))) }
                } else {
                    valid = false
                }
            case .meter:
                meter = output.meter(of: cursor.next(), line: line, column: layout.names[column])
                valid = valid && meter != nil
            case .date:
                date = output.date(of: cursor.next(), line: line, column: layout.names[column])
                valid = valid && date != nil
            case .timestamp, .value:
                _ = cursor.next()  // a wide layout has none
            }
        }
        guard cursor.isAtEnd else {
            output.columnCount(line: line, expected: layout.roles.count, found: layout.roles.count + cursor.remainingFieldCount())
            return
        }
        guard valid, let meter, let date else { return }
        guard
            output.isFirst(meter: meter, key: date.daysSinceEpoch, line: line, code: .duplicateMeterDay,
                           column: layout.meterColumnName)
        else { return }
        output.count(sum, intervals: intervals, on: date)
        if let sink = output.onMeterDay {
            sink(MeterDay(meter: MeterID.string(meter), date: date, value: ExactDecimal(units: sum),
                          intervals: intervalValues, line: line))
        }
    }

    func finish(into output: ParseOutput) {}
}
