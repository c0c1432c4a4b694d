/// Reads the rows of the long formats — a meter, a day or a moment, a value, in any column order — field by field,
/// recording what is wrong with each field.
final class LongRowReader {
    struct Row {
        let meter: UnsafeBufferPointer<UInt8>
        let time: Time
        let value: Int64
        let flow: EnergyFlow
    }

    enum Time {
        case date(CalendarDate)
        case timestamp(Timestamp)
    }

    let layout: HeaderLayout
    let delimiter: UInt8
    private let scratch = FieldScratch()

    init(layout: HeaderLayout, delimiter: UInt8) {
        self.layout = layout
        self.delimiter = delimiter
    }

    /// The row, or nil once its errors are recorded. The meter's bytes live until the next call.
    func read(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) -> Row? {
        var cursor = FieldCursor(record: record, delimiter: delimiter, scratch: scratch.buffer)
        var meter: UnsafeBufferPointer<UInt8>?
        var time: Time?
        var value: Int64?
        var flow = EnergyFlow.consumption
        var valid = true
        for (column, role) in layout.roles.enumerated() {
            guard !cursor.isAtEnd else {
                output.columnCount(line: line, expected: layout.roles.count, found: column)
                return nil
            }
            let name = layout.names[column]
            switch role {
            case .meter:
                meter = output.meter(of: cursor.next(), line: line, column: name)
                valid = valid && meter != nil
            case .date:
                time = output.date(of: cursor.next(), line: line, column: name).map(Time.date)
                valid = valid && time != nil
            case .timestamp:
                time = timestamp(of: cursor.next(), line: line, column: name, output: output).map(Time.timestamp)
                valid = valid && time != nil
            case .value:
                value = output.value(of: cursor.next(), line: line, column: name)
                valid = valid && value != nil
            case .direction:
                let named = output.flow(of: cursor.next(), line: line, column: name)
                flow = named ?? flow
                valid = valid && named != nil
            case .interval:
                _ = cursor.next()  // a long layout has none
            }
        }
        guard cursor.isAtEnd else {
            output.columnCount(
                line: line, expected: layout.roles.count,
                found: layout.roles.count + cursor.remainingFieldCount())
            return nil
        }
        guard valid, let meter, let time, let value else { return nil }
        return Row(meter: meter, time: time, value: value, flow: flow)
    }

    private func timestamp(of field: FieldCursor.Field, line: Int, column: String, output: ParseOutput) -> Timestamp? {
        guard case .text(let bytes) = field else {
            if case .malformed(let raw) = field {
                output.fail(
                    .malformedQuotes, line: line, column: column, field: raw,
                    "a quoted field must end with its quote")
            }
            return nil
        }
        guard let stamp = Timestamp.parse(bytes) else {
            output.fail(
                .invalidTimestamp, line: line, column: column, field: bytes,
                "not a local time written YYYY-MM-DD HH:MM[:SS]")
            return nil
        }
        return output.inWindow(stamp.date, line: line, column: column, field: bytes) ? stamp : nil
    }
}
