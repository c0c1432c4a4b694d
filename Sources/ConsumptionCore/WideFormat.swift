/// `Meter,Date,0:00,0:30,...,23:30`: a row per meter per day, its value the sum of its interval columns.
///
/// With a market time zone (`ValidationRules.zone`), a row on a day the clocks change carries that day's intervals
/// in place of the header's: 46 or 50 half-hours for an hour's change (the date must come before the intervals).
final class WideFormat: RecordFormat {
    let layout: HeaderLayout
    let delimiter: UInt8
    let format: MeterFileFormat
    private let intervalColumns: Range<Int>
    // Copied out of `layout` so the per-row code reads them without retaining the layout's arrays.
    private let roles: [ColumnRole]
    private let names: [String]
    private let meterColumnName: String
    private let dateColumnName: String
    private let scratch = FieldScratch()
    private var intervalValues: [ExactDecimal] = []
    /// The last date's interval count: rows come many to a date.
    private var lastDay: (date: CalendarDate, intervals: Int)?

    init(layout: HeaderLayout, delimiter: UInt8) {
        self.layout = layout
        self.delimiter = delimiter
        self.format = layout.format
        intervalColumns = layout.intervalColumns
        roles = layout.roles
        names = layout.names
        meterColumnName = layout.meterColumnName
        dateColumnName = layout.names[layout.roles.firstIndex(of: .date) ?? 0]
    }

    /// The row in three runs: the columns before the intervals, the intervals, the columns after them.
    func consume(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) {
        var row = Row(record: record, delimiter: delimiter, scratch: scratch.buffer)
        if output.wantsMeterDays { intervalValues.removeAll(keepingCapacity: true) }
        for column in 0..<intervalColumns.lowerBound {
            guard keyColumn(column, of: &row, line: line, output: output) else { return }
        }
        guard let intervals = intervalCount(on: row.date, line: line, output: output) else { return }
        // Columns past the interval block stand this much further on in a row of a longer (or shorter) day.
        let shift = intervals - intervalColumns.count
        guard sumIntervals(intervals, of: &row, line: line, output: output) else { return }
        for column in intervalColumns.upperBound..<roles.count {
            guard keyColumn(column, of: &row, shift: shift, line: line, output: output) else { return }
        }
        guard row.cursor.isAtEnd else {
            output.columnCount(
                line: line, expected: roles.count + shift,
                found: roles.count + shift + row.cursor.remainingFieldCount())
            return
        }
        guard row.valid, let meter = row.meter, let date = row.date else { return }
        guard
            output.countMeterDay(
                meter: meter, date: date, value: row.sum, intervals: intervals - row.missing,
                missing: row.missing, flow: row.flow, line: line, column: meterColumnName),
            let sink = output.onMeterDay
        else { return }
        // A day with gaps keeps its value but not its intervals: a gap is not a zero.
        sink(
            MeterDay(
                meter: MeterID.string(meter), date: date, value: ExactDecimal(units: row.sum),
                intervals: row.missing == 0 ? intervalValues : nil, line: line, flow: row.flow,
                missingIntervals: row.missing))
    }

    func finish(into output: ParseOutput) {}

    /// What one row has given so far.
    private struct Row {
        var cursor: FieldCursor
        var meter: UnsafeBufferPointer<UInt8>?
        var date: CalendarDate?
        var sum: Int128 = 0
        /// Empty interval cells: gaps, not zeros.
        var missing = 0
        var flow = EnergyFlow.consumption
        var valid = true

        init(record: UnsafeBufferPointer<UInt8>, delimiter: UInt8, scratch: UnsafeMutableBufferPointer<UInt8>) {
            cursor = FieldCursor(record: record, delimiter: delimiter, scratch: scratch)
        }
    }

    /// How many intervals a row on `date` holds: the header's, or that day's in the market time zone. Nil (and
    /// the row refused) when the day is not a whole number of intervals there.
    private func intervalCount(on date: CalendarDate?, line: Int, output: ParseOutput) -> Int? {
        guard let zone = output.rules.zone, let date else { return intervalColumns.count }
        if let lastDay, lastDay.date == date { return lastDay.intervals }
        guard let intervals = zone.intervals(of: date, standardCount: intervalColumns.count) else {
            output.fail(
                .columnCount, line: line, column: dateColumnName,
                "\(date) lasts \(zone.seconds(of: date)) s in \(zone.name): not a whole number of "
                    + "\(1440 / intervalColumns.count)-minute intervals")
            return nil
        }
        lastDay = (date, intervals)
        return intervals
    }

    /// Reads the meter or the date column; false when the row has run out of fields. `shift`: how many fields
    /// more (or fewer) than the header's stand before this column in this row.
    private func keyColumn(_ column: Int, of row: inout Row, shift: Int = 0, line: Int, output: ParseOutput) -> Bool {
        guard !row.cursor.isAtEnd else {
            output.columnCount(line: line, expected: roles.count + shift, found: column + shift)
            return false
        }
        let field = row.cursor.next()
        switch roles[column] {
        case .meter:
            row.meter = output.meter(of: field, line: line, column: names[column])
            row.valid = row.valid && row.meter != nil
        case .date:
            row.date = output.date(of: field, line: line, column: names[column])
            row.valid = row.valid && row.date != nil
        case .direction:
            let named = output.flow(of: field, line: line, column: names[column])
            row.flow = named ?? row.flow
            row.valid = row.valid && named != nil
        case .timestamp, .value, .interval:
            break  // a wide layout has none outside its interval block
        }
        return true
    }

    /// Sums the row's `count` intervals; false when the row has run out of fields. The loop every byte of a wide
    /// file goes through: plain values are read inline in one pass, anything else by the full parser with its errors.
    private func sumIntervals(_ count: Int, of row: inout Row, line: Int, output: ParseOutput) -> Bool {
        let record = row.cursor.record
        guard let bytes = record.baseAddress else { return true }
        let end = record.count
        let keepIntervals = output.wantsMeterDays
        // Values already in kWh take the inline path; others are converted by the full one.
        let ceiling = output.unit == .kWh ? output.ceilingUnits : -1
        var sum: Int128 = 0
        let first = intervalColumns.lowerBound
        for column in first..<first + count {
            let start = row.cursor.position
            guard start <= end else {
                output.columnCount(line: line, expected: roles.count + count - intervalColumns.count, found: column)
                return false
            }
            if let (units, next) = DecimalField.plainValue(bytes, from: start, to: end, terminator: delimiter),
                units <= ceiling
            {
                sum &+= Int128(units)
                if keepIntervals { intervalValues.append(ExactDecimal(units: Int128(units))) }
                row.cursor.position = next
                continue
            }
            let field = row.cursor.next()
            if case .text(let bytes) = field, bytes.isEmpty {
                row.missing += 1
                continue
            }
            if let units = output.value(of: field, line: line, column: intervalName(column - first)) {
                sum &+= Int128(units)
                if keepIntervals { intervalValues.append(ExactDecimal(units: Int128(units))) }
            } else {
                row.valid = false
            }
        }
        row.sum = sum
        return true
    }

    /// The header's label of interval `index`; past the header's last (a long day's), its number.
    private func intervalName(_ index: Int) -> String {
        index < intervalColumns.count ? names[intervalColumns.lowerBound + index] : "interval \(index + 1)"
    }
}
