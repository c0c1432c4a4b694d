/// `Meter,Date,Value` (columns in any order): one value per meter per day.
final class DailyValuesFormat: RecordFormat {
    let layout: HeaderLayout
    let delimiter: UInt8
    let format = MeterFileFormat.dailyValues
    private let scratch = FieldScratch()
    private let meterColumnName: String

    init(layout: HeaderLayout, delimiter: UInt8) {
        self.layout = layout
        self.delimiter = delimiter
        meterColumnName = layout.meterColumnName
    }

    func consume(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) {
        var cursor = FieldCursor(record: record, delimiter: delimiter, scratch: scratch.buffer)
        var meter: UnsafeBufferPointer<UInt8>?
        var date: CalendarDate?
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
            case .date:
                date = output.date(of: cursor.next(), line: line, column: name)
                valid = valid && date != nil
            case .value:
                value = output.value(of: cursor.next(), line: line, column: name)
                valid = valid && value != nil
            case .timestamp, .interval:
                _ = cursor.next()  // a daily layout has none
            }
        }
        guard cursor.isAtEnd else {
            output.columnCount(line: line, expected: layout.roles.count, found: layout.roles.count + cursor.remainingFieldCount())
            return
        }
        guard valid, let meter, let date, let value else { return }
        guard
            output.countMeterDay(meter: meter, date: date, value: Int128(value), intervals: 1, line: line,
                                 column: meterColumnName),
            let sink = output.onMeterDay
        else { return }
        sink(MeterDay(meter: MeterID.string(meter), date: date, value: ExactDecimal(units: Int128(value)),
                      intervals: nil, line: line))
    }

    func finish(into output: ParseOutput) {}
}
