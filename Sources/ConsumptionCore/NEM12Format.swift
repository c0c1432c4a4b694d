/// AEMO's NEM12 ("Meter Data File Format"): a 100 header; per channel a 200 record (NMI, suffix, unit, interval
/// length) and its days' 300 records (the date, one value per interval, the day's quality method), each possibly
/// followed by 400 records giving the qualities interval by interval (when the 300's is `V`) and by 500 records;
/// a 900 ends the data. Read in one pass in constant memory: a day is held only until the records after it have
/// given every interval its quality.
///
/// Import channels are consumption, export channels are totalled apart, other channels are checked and counted as
/// skipped; values become kWh exactly. Intervals of quality N are gaps: not counted, and the day says it is
/// incomplete. Anything the format forbids rejects the file, with the record's line and the field's name.
final class NEM12Format: RecordFormat {
    let format = MeterFileFormat.nem12
    let scratch = FieldScratch()
    var fields: [UnsafeBufferPointer<UInt8>] = []
    /// The channel of the last 200 record; nil when it was refused (its days are not read: its errors stand).
    var channel: NEM12Channel?
    var sawChannel = false
    var day: Day?
    /// The held day's values in kWh millionths (`Self.empty` where the field was empty, allowed only for a gap)
    /// and qualities: kept here, not in `Day`, so their storage is reused from day to day.
    var values: [Int64] = []
    var qualities: [IntervalQuality] = []
    var ended = false

    /// A 300 record, held until the records after it have given every interval its quality.
    struct Day {
        var date: CalendarDate
        var line: Int
        /// The quality of every interval, or nil when the 300's is V: then `qualities` holds them one by one.
        var quality: IntervalQuality?
        var variable: Bool { quality == nil }
        /// Intervals the 400 records have given a quality so far.
        var covered = 0
        var valid = true
    }

    static let empty = Int64.min
    static let dayIndicator = Array("300,".utf8)

    enum Detection {
        case notNEM12
        case nem12(NEM12Format)
        /// A NEM12 file this parser refuses (the reason is recorded).
        case refused
    }

    static let comma = UInt8(ascii: ",")

    /// Tells a NEM12 file by its first record: `100,NEM12,...`; a file that starts with another NEM12 record has
    /// lost its header.
    static func detect(_ header: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) -> Detection {
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: header.count)
        defer { scratch.deallocate() }
        var cursor = FieldCursor(record: header, delimiter: comma, scratch: scratch)
        guard case .text(let indicator) = cursor.next() else { return .notNEM12 }
        switch String(decoding: indicator, as: UTF8.self) {
        case "100":
            break
        case "200", "300", "400", "500", "900":
            output.fail(
                .nem12MissingHeader, line: line, column: "RecordIndicator", field: indicator,
                "a NEM12 file must begin with its header record (100,NEM12,...)")
            return .refused
        default:
            return .notNEM12
        }
        var count = 1
        var version: [UInt8] = []
        while !cursor.isAtEnd {
            if case .text(let field) = cursor.next(), count == 1 { version = Array(field) }
            count += 1
        }
        guard version == Array("NEM12".utf8) else {
            output.fail(
                .nem12Header, line: line, column: "VersionHeader",
                "a 100 record of '\(String(decoding: version.prefix(16), as: UTF8.self))': only NEM12 is read")
            return .refused
        }
        guard count == 5 else {
            output.fail(.nem12FieldCount, line: line, column: nil, "a 100 record has 5 fields, found \(count)")
            return .refused
        }
        return .nem12(NEM12Format())
    }

    func consume(_ record: UnsafeBufferPointer<UInt8>, line: Int, into output: ParseOutput) {
        // Most records are days of a channel, written plainly: read in one pass. Anything else, or a day with
        // anything to report, takes the general path, which says what is wrong.
        if !ended, let channel, record.starts(with: Self.dayIndicator) {
            closeDay(output)
            if readPlainDay(record, channel: channel, line: line, output: output) { return }
        }
        guard split(record, line: line, output: output) else { return }
        guard !ended else {
            output.fail(
                .nem12RecordOrder, line: line, column: "RecordIndicator", field: fields[0],
                "a record after the end of data (900)")
            return
        }
        // Record indicators are three digits: compared as a number, without making a String of each.
        let indicator = fields[0]
        let code =
            indicator.count == 3 && indicator.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            ? indicator.reduce(0) { $0 * 10 + Int($1 - 0x30) } : -1
        switch code {
        case 300:
            closeDay(output)
            readDay(line: line, output: output)
        case 200:
            closeDay(output)
            readChannel(line: line, output: output)
        case 400:
            readEvent(line: line, output: output)
        case 500:
            closeDay(output)
            if !sawChannel { outOfOrder("a 500 record before any 200 record", line: line, output: output) }
        case 900:
            closeDay(output)
            ended = true
            if fields.count != 1 { fieldCount(expected: 1, line: line, output: output) }
        case 100:
            outOfOrder("a second header (100) record", line: line, output: output)
        default:
            output.fail(
                .nem12UnknownRecord, line: line, column: "RecordIndicator", field: fields[0],
                "not a NEM12 record (100, 200, 300, 400, 500 or 900)")
        }
    }

    func finish(into output: ParseOutput) {
        closeDay(output)
        if !ended { output.fail(.nem12MissingEnd, line: 0, column: nil, "the file does not end with a 900 record") }
    }

    /// The record's fields into `fields`; false (recorded) when one is malformed.
    func split(_ record: UnsafeBufferPointer<UInt8>, line: Int, output: ParseOutput) -> Bool {
        // Filled as a local (its storage moved out and back): appending to a stored property of a class pays for an
        // exclusivity check each time.
        var split = Self.take(&fields)
        defer { fields = split }
        // NEM12 writers do not quote: split at commas in one pass, trimming spaces as `FieldCursor` does, unless a
        // quote turns up.
        if let bytes = record.baseAddress {
            var start = 0
            var unquoted = true
            for index in 0...record.count {
                guard index < record.count else {
                    split.append(FieldCursor.trimmingSpaces(record, start, index))
                    break
                }
                let byte = bytes[index]
                if byte == Self.comma {
                    split.append(FieldCursor.trimmingSpaces(record, start, index))
                    start = index + 1
                } else if byte == UInt8(ascii: "\"") {
                    unquoted = false
                    break
                }
            }
            if unquoted { return true }
            split.removeAll(keepingCapacity: true)
        }
        var cursor = FieldCursor(record: record, delimiter: Self.comma, scratch: scratch.buffer)
        while !cursor.isAtEnd {
            switch cursor.next() {
            case .text(let field):
                split.append(field)
            case .malformed(let field):
                output.fail(
                    .malformedQuotes, line: line, column: nil, field: field, "a quoted field must end with its quote")
                return false
            }
        }
        return true
    }

    /// The array's storage, emptied, leaving an empty array in its place.
    static func take<Element>(_ array: inout [Element]) -> [Element] {
        var taken: [Element] = []
        swap(&taken, &array)
        taken.removeAll(keepingCapacity: true)
        return taken
    }

    /// `200,NMI,NMIConfiguration,RegisterID,NMISuffix,MDMDataStreamIdentifier,MeterSerialNumber,UOM,IntervalLength,
    /// NextScheduledReadDate`
    func readChannel(line: Int, output: ParseOutput) {
        sawChannel = true
        channel = nil
        guard fields.count == 10 else { return fieldCount(expected: 10, line: line, output: output) }
        let suffix = Array(fields[4])
        var meter = Array(fields[1])
        meter.append(UInt8(ascii: "/"))
        meter.append(contentsOf: suffix)
        let problem: ValidationErrorCode? =
            fields[1].isEmpty ? .meterEmpty : meter.withUnsafeBufferPointer { MeterID.problem($0) }
        if let problem {
            output.fail(problem, line: line, column: "NMI", field: fields[1], "not a usable NMI and suffix")
            return
        }
        let lengthText = String(decoding: fields[8], as: UTF8.self)
        guard let length = Int(lengthText), (1...1440).contains(length), 1440 % length == 0 else {
            output.fail(
                .nem12IntervalLength, line: line, column: "IntervalLength", field: fields[8],
                "not a number of minutes that divides a day (5, 15 and 30 in NEM12)")
            return
        }
        let (role, unit) = NEM12Channel.role(unit: Array(fields[7]), suffix: suffix)
        channel = NEM12Channel(meter: meter, role: role, unit: unit, intervalsPerDay: 1440 / length)
    }

    /// A value in kWh millionths, or nil after recording why it is not one. Values of channels not counted are
    /// checked as numbers only.
    func kilowattHours(
        _ field: UnsafeBufferPointer<UInt8>, channel: NEM12Channel, line: Int, column: Int, output: ParseOutput
    ) -> Int64? {
        var name: String { "IntervalValue\(column)" }
        // NEM12 files write fractions without their leading zero (`.005`): read as `0.005`.
        let parsed =
            field.first == UInt8(ascii: ".")
            ? ([UInt8(ascii: "0")] + field).withUnsafeBufferPointer { DecimalField.parse($0, from: 0, to: $0.count) }
            : DecimalField.parse(field, from: 0, to: field.count)
        guard case .value(let units) = parsed else {
            return output.value(of: .text(field), line: line, column: name)
        }
        if case .skipped = channel.role { return units }
        let kilowattHours: Int64
        switch channel.unit.kilowattHourUnits(units) {
        case .success(let converted):
            kilowattHours = converted
        case .failure(let problem):
            let refusal = channel.unit.refusal(problem)
            output.fail(refusal.code, line: line, column: name, field: field, refusal.message)
            return nil
        }
        if kilowattHours < 0 && !output.rules.allowNegative {
            output.fail(.negativeValue, line: line, column: name, field: field, "negative values are not allowed")
            return nil
        }
        guard output.isPlausible(kilowattHours) else {
            output.fail(
                .valueAboveCeiling, line: line, column: name, field: field,
                "above the ceiling of \(output.rules.intervalCeiling) kWh")
            return nil
        }
        return kilowattHours
    }

    func fieldCount(expected: Int, line: Int, output: ParseOutput) {
        output.fail(
            .nem12FieldCount, line: line, column: nil,
            "a \(String(decoding: fields[0], as: UTF8.self)) record has \(expected) fields, found \(fields.count)")
    }

    func outOfOrder(_ message: String, line: Int, output: ParseOutput) {
        output.fail(.nem12RecordOrder, line: line, column: "RecordIndicator", field: fields[0], message)
    }

    /// `YYYYMMDD`.
    static func date(_ field: UnsafeBufferPointer<UInt8>) -> CalendarDate? {
        guard field.count == 8, field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(field[$1] - 0x30) } }
        return CalendarDate(year: number(0..<4), month: number(4..<6), day: number(6..<8))
    }
}
