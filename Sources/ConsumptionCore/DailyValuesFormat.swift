/// `Meter,Date,Value` (columns in any order): one value per meter per day.
final class DailyValuesFormat: RecordFormat {
    let format = MeterFileFormat.dailyValues
    private let reader: LongRowReader
    private let meterColumnName: String

    init(layout: HeaderLayout, delimiter: UInt8) {
        reader = LongRowReader(layout: layout, delimiter: delimiter)
        meterColumnName = layout.meterColumnName
    }

    func consume(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) {
        guard let row = reader.read(record, line: line, into: output), case .date(let date) = row.time else { return }
        guard
            output.countMeterDay(
                meter: row.meter, date: date, value: Int128(row.value), intervals: 1, flow: row.flow, line: line,
                column: meterColumnName),
            let sink = output.onMeterDay
        else { return }
        sink(
            MeterDay(
                meter: MeterID.string(row.meter), date: date, value: ExactDecimal(units: Int128(row.value)),
                intervals: nil, line: line, flow: row.flow))
    }

    func finish(into output: ParseOutput) {}
}
